package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// packetLabels are lapor.go.id's complaint form fields, in the form's order.
var packetLabels = []string{"Judul laporan:", "Kategori:", "Isi laporan:", "Tanggal kejadian:", "Lokasi kejadian:",
	"Kategori / perangkat daerah tujuan:", "Lampiran:", "Anonim:", "Rahasia:", "Identitas pelapor:"}

// packetParts splits a /paket reply into its text, the PDF's text and the
// number of files sent after it.
func (h *harness) packetParts(out []flows.Outbound) (text, pdf string, files int) {
	h.t.Helper()
	for _, m := range out {
		switch {
		case m.DocumentID != 0:
			pdf += h.documentText(m.DocumentID)
		case m.AttachmentID != 0:
			files++
			if !m.StripMetadata {
				h.t.Errorf("a packet file is sent with its metadata: %+v", m)
			}
		case strings.Contains(m.Text, "PAKET LAPOR!"):
			text += m.Text
		}
	}
	return text, pdf, files
}

func inOrder(t *testing.T, what, s string, parts []string) {
	t.Helper()
	at := -1
	for _, p := range parts {
		i := strings.Index(s, p)
		if i < 0 {
			t.Errorf("%s has no %q:\n%s", what, p, s)
			return
		}
		if i <= at {
			t.Errorf("%s: %q is out of the form's order:\n%s", what, p, s)
		}
		at = i
	}
}

func TestPacketCommand(t *testing.T) {
	h := chainHarness(t)
	who := identities["telegram"]
	open := h.seedReport(flows.StageAtAgency, "pupr", false)
	anon := h.seedReport(flows.StageSubmitted, "", true)

	// A named report, in the regency desk: every field, in order, with the
	// reporter's identity; the same fields in the PDF.
	text, pdf, _ := h.packetParts(h.send(gRegency, groupCmd(uRegency, "paket", open.TrackingID)))
	inOrder(t, "the packet", text, packetLabels)
	for _, want := range []string{open.TrackingID, "Jalan rusak parah di depan pasar", "Kabupaten Magetan", who.name,
		"Anonim:\nTidak", "Rahasia:\nYa", "/lapor_id " + open.TrackingID} {
		if !strings.Contains(text, want) {
			t.Errorf("the packet has no %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "Judul laporan:\nJalan rusak parah di depan pasar sejak Oktober…") {
		t.Errorf("the title is not the description's first words:\n%s", text)
	}
	if pdf == "" {
		t.Fatal("no PDF came with the packet")
	}
	inOrder(t, "the PDF", pdf, []string{"Judul laporan", "Kategori", "Isi laporan", "Tanggal kejadian", "Lokasi kejadian",
		"Kategori / perangkat daerah tujuan", "Lampiran", "Anonim", "Rahasia", "Identitas pelapor"})
	for _, want := range []string{"Jalan rusak parah", who.name} {
		if !strings.Contains(pdf, want) {
			t.Errorf("the PDF has no %q:\n%s", want, pdf)
		}
	}

	// An anonymous report, by the super admin in a private chat: no
	// identity anywhere, the flag set, and the reason said.
	text, pdf, _ = h.packetParts(h.send(uSuper, cmd("paket", strings.ToLower(anon.TrackingID))))
	inOrder(t, "the anonymous packet", text, packetLabels)
	if !strings.Contains(text, "Anonim:\nYa") || !strings.Contains(text, "Pelapor memilih anonim") {
		t.Errorf("the anonymous packet does not say so:\n%s", text)
	}
	for _, secret := range []string{who.name, who.handle, who.chat} {
		if strings.Contains(text, secret) || strings.Contains(pdf, secret) {
			t.Errorf("the anonymous packet shows the reporter's %q", secret)
		}
	}
	if !strings.Contains(pdf, "Pelapor memilih anonim") {
		t.Errorf("the anonymous PDF does not say so:\n%s", pdf)
	}

	// Not disposed: the outside body the suggester names is the target.
	pln := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan", KecamatanCode: "35.20.06",
		Description: "Listrik padam tiap malam, token listrik sudah diisi tapi meteran listrik tetap mati.",
		Channel:     "test", ChatID: who.chat, Lang: "id", Stage: string(flows.StageSubmitted), ResponsibleUnit: "x",
		StageStartedAt: h.now, StageDeadline: h.now.AddDate(0, 0, 5), SubmittedAt: h.now}
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error { return tx.CreateReport(h.ctx, &pln) }); err != nil {
		t.Fatal(err)
	}
	text, _, _ = h.packetParts(h.send(gSuper, groupCmd(uSuper, "paket", pln.TrackingID)))
	if !strings.Contains(text, "Kategori / perangkat daerah tujuan:\nPT PLN (Persero)") || !strings.Contains(text, "saran sistem") {
		t.Errorf("the packet of a PLN matter does not name PLN as a suggestion:\n%s", text)
	}

	// Misuse: the agency and the Ombudsman are refused, in their desks and
	// privately; an unknown number and a missing one get a clear answer.
	for _, c := range []struct{ chat, user string }{{gPupr, uPupr}, {gOmbudsman, uOmbudsman}, {uPupr, uPupr}} {
		m := groupCmd(c.user, "paket", open.TrackingID)
		m.IsGroup = strings.HasPrefix(c.chat, "-")
		out := h.send(c.chat, m)
		expect(t, out, "tidak tersedia untuk peran Anda")
		if text, pdf, files := h.packetParts(out); text != "" || pdf != "" || files != 0 {
			t.Errorf("%s got a packet in %s", c.user, c.chat)
		}
	}
	expect(t, h.send(gRegency, groupCmd(uRegency, "paket", "MGT-ZZZZZZ")), "tidak ditemukan")
	expect(t, h.send(gRegency, groupCmd(uRegency, "paket", "")), "/paket <ID>")
}

// Kewenangan pusat forwards the report: the regency desk gets the packet
// with the files, the citizen hears what was recorded, and the national
// number recorded later reaches them.
func TestCentralAuthorityIsForwarded(t *testing.T) {
	h := chainHarness(t)
	chat := "302"
	h.intakeToEvidence(chat)
	h.files["photo-1"] = []byte("\xff\xd8\xff\xe0 fake jpeg bytes of the meter")
	expect(t, h.send(chat, flows.Inbound{Kind: flows.KindPhoto, File: &flows.FileRef{ID: "photo-1", Name: "meteran.jpg", MIME: "image/jpeg", Size: 30}}), "Bukti ke-1")
	expect(t, h.send(chat, press("ev:done")), "Sembunyikan identitas")
	h.giveIdentity(chat, press("anon:no"))
	expect(t, h.send(chat, press("conf:no")), "Ringkasan")
	h.post(chat, press("sum:send"))
	first := h.drainAll()
	last := expect(t, first[chat], "Nomor laporan: MGT-")
	id := last.Text[strings.Index(last.Text, "MGT-"):][:10]
	told := append([]flows.Outbound{}, first[chat]...)

	// The super admin's card carries the button.
	var central string
	for _, m := range first[gSuper] {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, "w|central|"+id+"|") {
					central = b.Data
				}
			}
		}
	}
	if central == "" {
		t.Fatalf("no Kewenangan pusat button on the super admin's card: %+v", first[gSuper])
	}
	for _, m := range told {
		if strings.Contains(m.Text, "diteruskan ke LAPOR!") {
			t.Fatalf("the citizen was told of a forward before it happened:\n%s", m.Text)
		}
	}
	h.post(gSuper, flows.Inbound{Kind: flows.KindButton, Button: central, IsGroup: true, UserID: uSuper, UserName: "Petugas " + uSuper})
	out := h.drainAll()

	r, _ := h.reportNow(id)
	if r.Stage != string(flows.StageToLapor) || r.StageDeadline.IsZero() || r.ResponsibleUnit != flows.DeskRegency {
		t.Errorf("after Kewenangan pusat: stage %s, deadline %v, held by %q; want to_lapor with the regency admin's deadline",
			r.Stage, r.StageDeadline, r.ResponsibleUnit)
	}
	kinds := eventKinds(h.events(id))
	if kinds[string(flows.ActCentral)] != 1 {
		t.Errorf("events: %v", kinds)
	}

	// The regency desk: the notice, the packet, its PDF and the photo.
	text, pdf, files := h.packetParts(out[gRegency])
	if !strings.Contains(text, "diteruskan ke LAPOR! nasional") || !strings.Contains(text, id) {
		t.Errorf("the regency desk was not told to enter the report:\n%s", text)
	}
	inOrder(t, "the forwarded packet", text, packetLabels)
	if pdf == "" || !strings.Contains(pdf, "Identitas pelapor") {
		t.Errorf("no packet PDF in the regency desk: %q", pdf)
	}
	if files != 1 || !strings.Contains(text, "meteran.jpg") {
		t.Errorf("%d files sent with the packet; want the photo:\n%s", files, text)
	}
	if _, _, n := h.packetParts(out[gPupr]); n != 0 || len(out[gPupr]) != 0 {
		t.Errorf("an agency desk got the forwarded report: %+v", out[gPupr])
	}

	// The citizen: only what was recorded, after the event.
	msg := expect(t, out[chat], "meneruskannya melalui LAPOR! nasional", "Nomor laporan nasionalnya kami kirim")
	if strings.Contains(msg.Text, "silakan sampaikan") {
		t.Errorf("the citizen is still sent away:\n%s", msg.Text)
	}
	told = append(told, out[chat]...)

	// The regency admin records the national number; the citizen gets it.
	h.post(gRegency, groupCmd(uRegency, "lapor_id", id+" 12345678"))
	out = h.drainAll()
	expect(t, out[gRegency], "12345678")
	expect(t, out[chat], id, "12345678", "lapor.go.id")
	told = append(told, out[chat]...)
	if r, _ := h.reportNow(id); r.Stage != string(flows.StageInLapor) || !r.StageDeadline.IsZero() || r.LaporTrackingID != "12345678" {
		t.Errorf("after /lapor_id: stage %s, deadline %v, national %q; want in_lapor, no clock, 12345678", r.Stage, r.StageDeadline, r.LaporTrackingID)
	}
	if kinds := eventKinds(h.events(id)); kinds[string(flows.ActLaporID)] != 1 {
		t.Errorf("events after /lapor_id: %v", kinds)
	}
	// Recording the same number again tells nobody twice.
	h.post(gRegency, groupCmd(uRegency, "lapor_id", id+" 12345678"))
	if again := h.drainAll()[chat]; len(again) != 0 {
		t.Errorf("the citizen was told the same number twice: %+v", again)
	}

	// Searchable: /status by either number, /cari, /paket by the national number.
	expect(t, h.send(chat, cmd("status", id)), id)
	expect(t, h.send(chat, cmd("status", "12345678")), id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "cari", "Sidomukti")), id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "cari", "12345678")), id)
	text, _, _ = h.packetParts(h.send(gRegency, groupCmd(uRegency, "paket", "12345678")))
	if !strings.Contains(text, id) {
		t.Errorf("/paket by the national number:\n%s", text)
	}

	// No citizen message claims a forward the events do not record.
	kinds = eventKinds(h.events(id))
	for _, m := range told {
		if (strings.Contains(m.Text, "diteruskan ke LAPOR!") || strings.Contains(m.Text, "LAPOR! nasional")) && kinds[string(flows.ActCentral)] == 0 {
			t.Errorf("the citizen was told of a forward without its event:\n%s", m.Text)
		}
	}
}

// A forwarded report runs the regency admin's clock until its national
// number is recorded: the sweep reminds the regency desk and escalates to
// its supervisor when the limit passes; once in the national LAPOR! the
// clock stops and the sweeps leave it alone.
func TestForwardedReportRunsTheRegencyClock(t *testing.T) {
	h := chainHarness(t)
	fwd := h.seedDue(flows.StageToLapor, "", time.Date(2026, 12, 14, 16, 0, 0, 0, calendar.Local()))
	h.now = time.Date(2026, 12, 16, 9, 0, 0, 0, calendar.Local()) // Wednesday, two working days late
	res, err := h.svc.Sweep(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Escalations == 0 {
		t.Fatalf("an overdue forward was not escalated: %+v", res)
	}
	got := deskMessages(h.drainAll())
	mentions := func(chat string) bool {
		for _, m := range got[chat] {
			if strings.Contains(m, fwd.TrackingID) {
				return true
			}
		}
		return false
	}
	if !mentions(gRegency) || !mentions(gSuper) || mentions(gPupr) {
		t.Fatalf("overdue forward %s: regency %v, super admin %v, agency %v; want the regency desk and its supervisor only",
			fwd.TrackingID, mentions(gRegency), mentions(gSuper), mentions(gPupr))
	}

	expect(t, h.send(gRegency, groupCmd(uRegency, "lapor_id", fwd.TrackingID+" 5566778899")), "5566778899")
	h.drainAll()
	h.now = h.now.AddDate(0, 0, 7)
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	for chat, msgs := range deskMessages(h.drainAll()) {
		for _, m := range msgs {
			if strings.Contains(m, fwd.TrackingID) {
				t.Fatalf("a report in the national LAPOR! still has a clock: %s got %q", chat, m)
			}
		}
	}
}
