package flows_test

import (
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// escalated walks an anonymous report through verification and disposal
// to pupr, then lets 60 working days pass and sweeps. withDesk keeps the
// Ombudsman desk registered; without it the regency is alone, as in most
// regencies.
func escalated(t *testing.T, withDesk bool) (*harness, string, map[string][]flows.Outbound) {
	h := chainHarness(t)
	if !withDesk {
		if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
			_, err := tx.RemoveDesk(h.ctx, "test", gOmbudsman, h.now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	r := h.seedReport(flows.StageSubmitted, "", true)
	expect(t, h.send(gSuper, groupCmd(uSuper, "verifikasi", r.TrackingID)))
	expect(t, h.send(gRegency, groupCmd(uRegency, "disposisi", r.TrackingID+" pupr")))
	h.drainAll()
	h.now = h.now.AddDate(0, 4, 0)
	res, err := h.svc.Sweep(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ombudsman != 1 {
		t.Fatalf("sweep escalated %d reports, want 1", res.Ombudsman)
	}
	return h, r.TrackingID, h.drainAll()
}

func eventKinds(es []store.Event) map[string]int {
	n := map[string]int{}
	for _, e := range es {
		n[e.Kind]++
	}
	return n
}

// checkClaims fails when a citizen's message tells of an Ombudsman step
// that no event records: the notification follows the event.
func checkClaims(t *testing.T, citizen []flows.Outbound, events []store.Event) {
	t.Helper()
	kinds := eventKinds(events)
	claims := []struct{ phrase, event string }{
		{"telah dikirim kepada Ombudsman", flows.EventOmbudsmanSent},
		{"kami teruskan kepada Ombudsman", flows.EventOmbudsmanForwarded},
		{"diteruskan kepada Ombudsman", flows.EventOmbudsmanForwarded},
		{"disampaikan kepada petugas Ombudsman", flows.EventOmbudsmanForwarded},
		{"menyampaikan hasil", flows.EventOmbudsmanResult},
		{"Ombudsman", flows.EventOmbudsmanLimit},
	}
	for _, m := range citizen {
		for _, c := range claims {
			if strings.Contains(m.Text, c.phrase) && kinds[c.event] == 0 {
				t.Errorf("the citizen was told %q without a %s event:\n%s", c.phrase, c.event, m.Text)
			}
		}
	}
}

// isOmbudsmanFile tells the messages of an Ombudsman escalation file: the
// card with its button and the PDF.
func isOmbudsmanFile(m flows.Outbound) bool {
	if strings.HasPrefix(m.FileName, "ombudsman-") {
		return true
	}
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "omb|") {
				return true
			}
		}
	}
	return false
}

func findButton(msgs []flows.Outbound, data string) (flows.Outbound, bool) {
	for _, m := range msgs {
		if hasButton(m, data) {
			return m, true
		}
	}
	return flows.Outbound{}, false
}

func TestOmbudsmanEscalationWithoutDeskGoesToTheRegency(t *testing.T) {
	h, id, outs := escalated(t, false)
	citizen := identities["telegram"]

	// The regency desk: the card with the chronology, the missed deadlines
	// and the button, and the PDF.
	card, ok := findButton(outs[gRegency], "omb|"+id)
	if !ok {
		t.Fatalf("no escalation card with the button in the regency desk: %+v", outs[gRegency])
	}
	for _, want := range []string{id, "Kronologi", "Diverifikasi", "Didisposisikan", "Batas waktu yang terlewati",
		"Di perangkat daerah yang berwenang: batas", "/ombudsman_kirim " + id} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("the escalation card lacks %q:\n%s", want, card.Text)
		}
	}
	var pdf string
	for _, m := range outs[gRegency] {
		if m.DocumentID != 0 {
			pdf = h.documentText(m.DocumentID)
		}
	}
	for _, want := range []string{id, "Riwayat penanganan", "Didisposisikan"} {
		if !strings.Contains(pdf, want) {
			t.Errorf("the escalation PDF lacks %q", want)
		}
	}
	if len(outs[gOmbudsman]) != 0 {
		t.Errorf("a removed Ombudsman desk was sent %+v", outs[gOmbudsman])
	}
	kinds := eventKinds(h.events(id))
	if kinds[flows.EventOmbudsmanLimit] != 1 || kinds[flows.EventOmbudsmanForwarded] != 0 || kinds[flows.EventOmbudsmanSent] != 0 {
		t.Errorf("events after the sweep: %v", kinds)
	}

	// The citizen hears the limit, the request and their own right; not a
	// forwarding that did not happen.
	told := outs[citizen.chat]
	expect(t, told, "melewati batas waktu", "Tim LAPOR! SP4N Kabupaten telah diminta", "137", "ombudsman.go.id", "Perwakilan Jawa Timur")
	for _, m := range told {
		if strings.Contains(m.Text, "telah dikirim") || strings.Contains(m.Text, "disampaikan kepada petugas") {
			t.Errorf("the citizen was told of a sending before it was recorded: %s", m.Text)
		}
	}
	checkClaims(t, told, h.events(id))

	// A liaison may neither type the command nor press the button.
	expect(t, h.send(gPupr, groupCmd(uPupr, "ombudsman_kirim", id)), "tidak tersedia untuk peran Anda")
	expect(t, h.send(gPupr, flows.Inbound{Kind: flows.KindButton, Button: "omb|" + id, IsGroup: true, UserID: uPupr}),
		"tidak tersedia untuk peran Anda")
	if n := eventKinds(h.events(id))[flows.EventOmbudsmanSent]; n != 0 {
		t.Fatalf("a refused marking recorded %d sendings", n)
	}

	// The regency admin records the sending, with the letter number.
	h.post(gRegency, groupCmd(uRegency, "ombudsman_kirim", id+" Surat 700/123/2027"))
	sentOut := h.drainAll()
	expect(t, sentOut[gRegency], "Dicatat", id)
	es := h.events(id)
	var sent store.Event
	for _, e := range es {
		if e.Kind == flows.EventOmbudsmanSent {
			sent = e
		}
	}
	if !strings.HasPrefix(sent.ActorID, uRegency+" ") || sent.Note != "Surat 700/123/2027" || !sent.At.Equal(h.now) {
		t.Errorf("the sending was recorded as %+v", sent)
	}
	after := sentOut[citizen.chat]
	expect(t, after, "telah dikirim kepada Ombudsman RI pada", "2027")
	checkClaims(t, append(told, after...), es)

	// Marked twice, by the button on the card: refused, one event.
	expect(t, h.send(gRegency, flows.Inbound{Kind: flows.KindButton, Button: "omb|" + id, IsGroup: true, UserID: uSuper}),
		"sudah dicatat")
	if n := eventKinds(h.events(id))[flows.EventOmbudsmanSent]; n != 1 {
		t.Errorf("marked twice: %d sendings recorded", n)
	}
	if len(h.drainAll()[citizen.chat]) != 0 {
		t.Errorf("the citizen was told twice")
	}
	// A stale or forged button for a report below the limit.
	fresh := h.seedReport(flows.StageAtRegency, "", false)
	expect(t, h.send(gRegency, flows.Inbound{Kind: flows.KindButton, Button: "omb|" + fresh.TrackingID, IsGroup: true, UserID: uRegency}),
		"belum melewati batas waktu")
	if n := eventKinds(h.events(fresh.TrackingID))[flows.EventOmbudsmanSent]; n != 0 {
		t.Errorf("a report below the limit was marked sent")
	}
	// The Ombudsman desk, absent, has no outcome to give: the role may not
	// type it elsewhere either.
	expect(t, h.send(gRegency, groupCmd(uOmbudsman, "ombudsman_hasil", id+" selesai")), "hanya dapat dicatat")
}

func TestOmbudsmanEscalationWithDeskForwardsAndRecordsTheOutcome(t *testing.T) {
	h, id, outs := escalated(t, true)
	citizen := identities["telegram"]
	if _, ok := findButton(outs[gRegency], "omb|"+id); !ok {
		t.Errorf("the regency desk did not get the escalation file")
	}
	var omb strings.Builder
	for _, m := range outs[gOmbudsman] {
		omb.WriteString(m.Text + "\n" + m.FileName + "\n")
		if m.DocumentID != 0 {
			omb.WriteString(h.documentText(m.DocumentID))
		}
	}
	if !strings.Contains(omb.String(), id) || !strings.Contains(omb.String(), "/ombudsman_hasil "+id) {
		t.Fatalf("the Ombudsman desk did not get the report's card:\n%s", omb.String())
	}
	// The reporter is anonymous: nothing of them reaches the Ombudsman.
	for _, secret := range []string{citizen.name, citizen.handle, citizen.chat} {
		if strings.Contains(omb.String(), secret) {
			t.Errorf("the Ombudsman desk saw the anonymous reporter's %q", secret)
		}
	}
	kinds := eventKinds(h.events(id))
	if kinds[flows.EventOmbudsmanLimit] != 1 || kinds[flows.EventOmbudsmanForwarded] != 1 {
		t.Errorf("events after the sweep: %v", kinds)
	}
	told := outs[citizen.chat]
	expect(t, told, "Tim LAPOR! SP4N Kabupaten telah diminta", "disampaikan kepada petugas Ombudsman RI")
	checkClaims(t, told, h.events(id))

	// The Ombudsman desk records an outcome: regency and citizen told.
	h.post(gOmbudsman, groupCmd(uOmbudsman, "ombudsman_hasil", id+" Ditemukan maladministrasi; saran perbaikan dikirim."))
	all := h.drainAll()
	expect(t, all[gOmbudsman], "dicatat")
	expect(t, all[gRegency], "Ditemukan maladministrasi")
	expect(t, all[citizen.chat], "menyampaikan hasil", "Ditemukan maladministrasi")
	checkClaims(t, append(told, all[citizen.chat]...), h.events(id))
	if n := eventKinds(h.events(id))[flows.EventOmbudsmanResult]; n != 1 {
		t.Errorf("%d outcomes recorded", n)
	}
	// Not for a report never forwarded, and not by the regency.
	fresh := h.seedReport(flows.StageAtAgency, "pupr", false)
	expect(t, h.send(gOmbudsman, groupCmd(uOmbudsman, "ombudsman_hasil", fresh.TrackingID+" hasil")), "tidak berwenang")
	expect(t, h.send(gRegency, groupCmd(uRegency, "ombudsman_hasil", id+" hasil")), "tidak tersedia untuk peran Anda")
	if n := eventKinds(h.events(fresh.TrackingID))[flows.EventOmbudsmanResult]; n != 0 {
		t.Errorf("an outcome was recorded for a report never forwarded")
	}
}

// The Ombudsman desk sees only what was forwarded to it, in every command.
func TestOmbudsmanDeskSeesOnlyForwardedReports(t *testing.T) {
	h, id, _ := escalated(t, true)
	fresh := h.seedReport(flows.StageAtAgency, "pupr", false)
	in := func(c, args string) []flows.Outbound { return h.send(gOmbudsman, groupCmd(uOmbudsman, c, args)) }
	text := func(out []flows.Outbound) string {
		var b strings.Builder
		for _, m := range out {
			b.WriteString(m.Text + "\n")
			if m.DocumentID != 0 {
				b.WriteString(h.documentText(m.DocumentID))
			}
		}
		return b.String()
	}
	// The forwarded report: shown.
	expect(t, in("laporan", id), id)
	expect(t, in("antrian", ""), id)
	if got := text(in("cetak", id)); !strings.Contains(got, id) {
		t.Errorf("/cetak of a forwarded report: %s", got)
	}
	// The other, asked for by its number: refused.
	expect(t, in("laporan", fresh.TrackingID), "tidak ditemukan")
	expect(t, in("status", fresh.TrackingID), "tidak ditemukan")
	if got := text(in("cetak", fresh.TrackingID)); !strings.Contains(got, "tidak berwenang") || strings.Contains(got, "%PDF") {
		t.Errorf("/cetak of a report not forwarded: %s", got)
	}
	// And in no list, search, export, recap or chart.
	for _, c := range []struct{ cmd, args string }{{"antrian", ""}, {"cari", "Jalan rusak"}, {"ekspor", "csv 2026"},
		{"ekspor", "xlsx 2027"}, {"rekap", h.now.Format("2006-01")}, {"statistik", ""}} {
		got := text(in(c.cmd, c.args))
		if got == "" {
			t.Errorf("/%s %s: no reply", c.cmd, c.args)
		}
		if strings.Contains(got, fresh.TrackingID) {
			t.Errorf("/%s %s showed a report not forwarded to the Ombudsman:\n%s", c.cmd, c.args, got)
		}
	}
}

// Passing the limit without an Ombudsman desk forwards nothing: a desk
// registered afterwards does not see the report (ombudsman_limit_at is not
// ombudsman_at).
func TestOmbudsmanDeskRegisteredLaterSeesNoUnforwardedReport(t *testing.T) {
	h, id, _ := escalated(t, false)
	cur, _ := h.reportNow(id)
	if cur.OmbudsmanLimitAt.IsZero() || !cur.OmbudsmanAt.IsZero() {
		t.Fatalf("after the limit without a desk: limit %v, forwarded %v", cur.OmbudsmanLimitAt, cur.OmbudsmanAt)
	}
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		_, err := tx.EnsureDesk(h.ctx, store.Desk{Kind: flows.DeskOmbudsman, Channel: "test", ChatID: gOmbudsman, Title: "Ombudsman"}, "test", h.now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	expect(t, h.send(gOmbudsman, groupCmd(uOmbudsman, "laporan", id)), "tidak ditemukan")
	if got := h.send(gOmbudsman, groupCmd(uOmbudsman, "antrian", "")); len(got) == 0 || strings.Contains(got[0].Text, id) {
		t.Fatalf("the later Ombudsman desk's queue: %+v", got)
	}
	// And the sweep does not escalate it a second time.
	res, err := h.svc.Sweep(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ombudsman != 0 {
		t.Fatalf("a second sweep escalated %d reports", res.Ombudsman)
	}
}
