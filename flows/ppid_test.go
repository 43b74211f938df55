package flows_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// The PPID's and its superior's people and groups.
const (
	uPPID, uAtasan = "9006", "9007"
	gPPID, gAtasan = "-1006", "-1007"
)

// ppidHarness is the chain's harness with the PPID's and the superior's
// desks registered the way the bot does it.
func ppidHarness(t *testing.T) *harness {
	h := chainHarness(t)
	for _, o := range []struct {
		user, group string
		role        flows.Role
	}{{uPPID, gPPID, flows.RolePPID}, {uAtasan, gAtasan, flows.RolePPIDSuperior}} {
		if err := h.svc.AddOfficer(h.ctx, "test", o.user, "Petugas "+o.user, o.role, "", "test"); err != nil {
			t.Fatal(err)
		}
		code, err := h.svc.IssueDeskCode(h.ctx, string(o.role), "", "test")
		if err != nil {
			t.Fatal(err)
		}
		expect(t, h.send(o.group, groupCmd(o.user, "daftar_grup", code)), "terdaftar sebagai grup petugas")
	}
	h.drainAll()
	return h
}

// seedInfo puts an information request straight into a stage of the
// PPID's path, received now with the policy's deadline.
func (h *harness) seedInfo(stage flows.Stage, anonymous bool) store.Report {
	h.t.Helper()
	who := h.reporter
	if who.chat == "" {
		who = identities["telegram"]
	}
	deadline := h.now.AddDate(0, 0, 14)
	r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "permintaan_informasi",
		Description:   "Mohon salinan laporan realisasi anggaran perbaikan jalan Kecamatan Plaosan tahun 2025.",
		KecamatanCode: "35.20.06", Anonymous: anonymous, Confidential: true, Channel: "test", ChatID: who.chat,
		ReporterUserID: who.chat, ReporterName: who.name, ReporterUsername: who.handle, Lang: "id",
		Stage: string(stage), ResponsibleUnit: "x", StageStartedAt: h.now, StageDeadline: deadline,
		DeadlineBase: h.now, DeadlineDays: 10, SubmittedAt: h.now}
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		if err := tx.CreateReport(h.ctx, &r); err != nil {
			return err
		}
		return tx.AppendEvent(h.ctx, store.Event{ReportID: r.ID, At: h.now, Kind: "submitted", StageTo: string(stage),
			ActorRole: "citizen", Channel: "test", Deadline: deadline})
	}); err != nil {
		h.t.Fatal(err)
	}
	return r
}

// fileInformationRequest walks a citizen through the intake with the
// information request type and returns the receipt and what every chat
// was sent with it.
func (h *harness) fileInformationRequest(chat string) (flows.Outbound, map[string][]flows.Outbound) {
	t := h.t
	t.Helper()
	expect(t, h.send(chat, cmd("start", "")), "Selamat datang")
	expect(t, h.send(chat, press("menu:new")), "Jenis laporan")
	expect(t, h.send(chat, press("type:permintaan_informasi")), "Uraian")
	expect(t, h.send(chat, text("Mohon salinan daftar penerima bantuan rumah tidak layak huni Desa Sidomukti tahun 2025.")), "Dicatat")
	expect(t, h.send(chat, press("what:next")), "Kapan kejadiannya")
	expect(t, h.send(chat, text("kemarin")), "Di mana")
	expect(t, h.send(chat, text("Kantor Desa Sidomukti, Plaosan")), "Plaosan")
	expect(t, h.send(chat, text("Plaosan")), "Bukti")
	expect(t, h.send(chat, press("ev:done")), "Sembunyikan identitas")
	expect(t, h.send(chat, press("anon:yes")), "Rahasiakan")
	expect(t, h.send(chat, press("conf:no")), "Ringkasan")
	h.post(chat, press("sum:send"))
	out := h.drainAll()
	return expect(t, out[chat], "Nomor laporan: MGT-"), out
}

func trackingOf(t *testing.T, s string) string {
	t.Helper()
	i := strings.Index(s, "MGT-")
	if i < 0 {
		t.Fatalf("no tracking number in %q", s)
	}
	return s[i : i+10]
}

// An information request goes straight to the PPID with the law's 10
// working days; without a PPID desk it follows the SOP chain as before.
// A complaint never goes to the PPID.
func TestInformationRequestGoesToThePPID(t *testing.T) {
	h := ppidHarness(t)
	const chat = "4100"
	last, out := h.fileInformationRequest(chat)
	id := trackingOf(t, last.Text)
	// Monday 30 November 2026 + 10 working days.
	for _, want := range []string{"PPID", "14 Desember 2026", "10 hari kerja", "UU 14/2008"} {
		if !strings.Contains(last.Text, want) {
			t.Errorf("the requester's receipt lacks %q:\n%s", want, last.Text)
		}
	}
	r, _ := h.reportNow(id)
	if r.Stage != string(flows.StageAtPPID) || r.ResponsibleUnit != flows.DeskPPID {
		t.Fatalf("stage %s unit %s, want at_ppid with the PPID", r.Stage, r.ResponsibleUnit)
	}
	card, ok := findButton(out[gPPID], fmt.Sprintf("p|info_answer|%s|%d", id, r.Version))
	if !ok {
		t.Fatalf("the PPID desk got no card with Jawab: %+v", out[gPPID])
	}
	for _, b := range []string{"p|info_refuse|", "p|extend|", "p|not_info|"} {
		if _, ok := findButton(out[gPPID], b+id+fmt.Sprintf("|%d", r.Version)); !ok {
			t.Errorf("the PPID's card lacks %s", b)
		}
	}
	if strings.Contains(card.Text, "Siti Aminah") || !strings.Contains(card.Text, "Disembunyikan") && !strings.Contains(card.Text, "anonim") {
		t.Errorf("the anonymous requester's card shows who they are, or does not say they are hidden:\n%s", card.Text)
	}
	if len(out[gSuper]) != 0 || len(out[gRegency]) != 0 {
		t.Errorf("an information request reached the complaint chain: %+v %+v", out[gSuper], out[gRegency])
	}
	expect(t, h.send(chat, cmd("status", id)), "Tindak Lanjut")

	// A complaint stays on the SOP chain.
	complaint := h.fileReport("4101", "anon:no", "conf:yes")
	if r, _ := h.reportNow(complaint); r.Stage != string(flows.StageSubmitted) {
		t.Errorf("a complaint went to %s", r.Stage)
	}

	// Without a PPID desk the request goes to the super admin.
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		_, err := tx.RemoveDesk(h.ctx, "test", gPPID, h.now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	last, _ = h.fileInformationRequest("4102")
	if r, _ := h.reportNow(trackingOf(t, last.Text)); r.Stage != string(flows.StageSubmitted) {
		t.Errorf("without a PPID desk the request went to %s", r.Stage)
	}
}

// claims are the requester's messages that tell of a step, with the event
// each needs: a notification follows the event, never the other way.
var ppidClaims = []struct{ phrase, event string }{
	{"memperpanjang waktu", string(flows.ActExtend)},
	{"Jawaban PPID atas", string(flows.ActInfoAnswer)},
	{"PPID menolak permintaan", string(flows.ActInfoRefuse)},
	{"bukan permintaan informasi publik", string(flows.ActNotInfo)},
	{"sudah kami teruskan kepada Atasan PPID", string(flows.ActObject)},
	{"Tanggapan Atasan PPID atas keberatan", string(flows.ActObjectionAnswer)},
	{"sudah lewat tanpa jawaban", flows.EventPPIDOverdue},
	{"sudah lewat tanpa tanggapan", flows.EventObjectionOverdue},
	{"nyatakan selesai karena tidak ada keberatan", string(flows.ActAutoClose)},
}

func checkPPIDClaims(t *testing.T, citizen []flows.Outbound, events []store.Event) {
	t.Helper()
	kinds := eventKinds(events)
	for _, m := range citizen {
		for _, c := range ppidClaims {
			if strings.Contains(m.Text, c.phrase) && kinds[c.event] == 0 {
				t.Errorf("the requester was told %q without a %s event:\n%s", c.phrase, c.event, m.Text)
			}
		}
		if strings.Contains(m.Text, "Komisi Informasi") && kinds[string(flows.ActObjectionAnswer)]+kinds[flows.EventObjectionOverdue] == 0 {
			t.Errorf("the requester was pointed to the Komisi Informasi before the superior answered or missed the deadline:\n%s", m.Text)
		}
	}
}

// An information request extended once and then objected to, on the
// buttons: the PPID extends (a second extension is refused), refuses the
// information; the requester objects; the superior decides; the requester
// hears of each step after it is recorded and is told of the Komisi
// Informasi without being told anything was sent there.
func TestInformationRequestExtendedOnceThenObjected(t *testing.T) {
	h := ppidHarness(t)
	h.reporter = identities["whatsapp"]
	who := h.reporter
	r := h.seedInfo(flows.StageAtPPID, true)
	id := r.TrackingID
	var citizen []flows.Outbound
	drain := func() map[string][]flows.Outbound {
		out := h.drainAll()
		citizen = append(citizen, out[who.chat]...)
		for chat, msgs := range out {
			if !strings.HasPrefix(chat, "-") {
				continue
			}
			for _, m := range msgs {
				for _, secret := range []string{who.name, who.handle, who.chat, strings.Split(who.chat, "@")[0]} {
					if strings.Contains(m.Text, secret) {
						t.Fatalf("the anonymous requester's %q reached group %s:\n%s", secret, chat, m.Text)
					}
				}
			}
		}
		return out
	}
	officer := func(user, group, data string) map[string][]flows.Outbound {
		h.post(group, flows.Inbound{Kind: flows.KindButton, Button: data, IsGroup: true, UserID: user, UserName: "Petugas " + user})
		return drain()
	}
	reply := func(user, group, s string) map[string][]flows.Outbound {
		h.post(group, flows.Inbound{Kind: flows.KindText, Text: s, IsGroup: true, UserID: user, UserName: "Petugas " + user})
		return drain()
	}
	version := func() int { cur, _ := h.reportNow(id); return cur.Version }

	// The PPID extends, once, with its reason.
	out := officer(uPPID, gPPID, fmt.Sprintf("p|extend|%s|%d", id, version()))
	expect(t, out[gPPID], "alasan perpanjangan")
	out = reply(uPPID, gPPID, "Dokumen ada di arsip Bappeda dan perlu dipindai.")
	expect(t, out[gPPID], "✅ "+id)
	cur, _ := h.reportNow(id)
	if cur.Stage != string(flows.StageAtPPID) || cur.DeadlineDays != 17 {
		t.Fatalf("after the extension: stage %s, %d days; want at_ppid, 17", cur.Stage, cur.DeadlineDays)
	}
	// 17 working days from Monday 30 November 2026: Wednesday 23 December.
	expect(t, out[who.chat], "sampai Rabu, 23 Desember 2026", "hanya boleh satu kali", "arsip Bappeda")
	if len(out[gPPID]) == 0 || slices.ContainsFunc(out[gPPID], func(o flows.Outbound) bool { return hasButton(o, fmt.Sprintf("p|extend|%s|%d", id, cur.Version)) }) {
		t.Errorf("the card still offers a second extension: %+v", out[gPPID])
	}
	out = drain()
	h.post(gPPID, groupCmd(uPPID, "perpanjang", id+" lagi"))
	expect(t, drain()[gPPID], "hanya boleh satu kali")

	// The PPID refuses, naming the exemption.
	officer(uPPID, gPPID, fmt.Sprintf("p|info_refuse|%s|%d", id, version()))
	out = reply(uPPID, gPPID, "Memuat data pribadi penerima bantuan (pasal 17 huruf h UU 14/2008).")
	cur, _ = h.reportNow(id)
	if cur.Stage != string(flows.StageInfoAnswered) {
		t.Fatalf("after the refusal: stage %s", cur.Stage)
	}
	answer := expect(t, out[who.chat], "PPID menolak permintaan informasi "+id, "pasal 17 huruf h", "keberatan")
	objectBtn := fmt.Sprintf("c|object|%s|%d", id, cur.Version)
	if !hasButton(answer, objectBtn) || !hasButton(answer, fmt.Sprintf("c|accept|%s|%d", id, cur.Version)) {
		t.Fatalf("the answer offers no Terima and Ajukan keberatan: %+v", answer.Buttons)
	}

	// The requester objects.
	h.post(who.chat, flows.Inbound{Kind: flows.KindButton, Button: objectBtn, UserID: who.chat})
	expect(t, drain()[who.chat], "alasan keberatan")
	h.post(who.chat, flows.Inbound{Kind: flows.KindText, Text: "Saya hanya meminta jumlah penerima per dusun, bukan nama.", UserID: who.chat})
	out = drain()
	cur, _ = h.reportNow(id)
	if cur.Stage != string(flows.StageObjection) || cur.ResponsibleUnit != flows.DeskPPIDSuperior {
		t.Fatalf("after the objection: stage %s unit %s", cur.Stage, cur.ResponsibleUnit)
	}
	expect(t, out[who.chat], "Atasan PPID", "paling lambat")
	card, ok := findButton(out[gAtasan], fmt.Sprintf("p|objection_answer|%s|%d", id, cur.Version))
	if !ok {
		t.Fatalf("the superior got no card to answer: %+v", out[gAtasan])
	}
	for _, want := range []string{"pasal 17 huruf h", "jumlah penerima per dusun"} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("the superior's card lacks %q:\n%s", want, card.Text)
		}
	}

	// The superior decides; the request is closed.
	officer(uAtasan, gAtasan, fmt.Sprintf("p|objection_answer|%s|%d", id, cur.Version))
	out = reply(uAtasan, gAtasan, "Keberatan diterima: PPID memberikan jumlah penerima per dusun tanpa nama dalam 3 hari kerja.")
	cur, _ = h.reportNow(id)
	if cur.Stage != string(flows.StageClosed) {
		t.Fatalf("after the decision: stage %s", cur.Stage)
	}
	final := expect(t, out[who.chat], "Keberatan diterima", "Komisi Informasi", "14 hari kerja", "tidak mengirimkannya")
	if strings.Contains(final.Text, "kami kirimkan ke Komisi") || strings.Contains(final.Text, "telah diteruskan ke Komisi") {
		t.Errorf("the requester was told of a sending to the Komisi Informasi that never happened:\n%s", final.Text)
	}
	expect(t, out[gPPID], "Keberatan diterima")
	h.post(who.chat, flows.Inbound{Kind: flows.KindCommand, Command: "status", Text: id, UserID: who.chat})
	expect(t, drain()[who.chat], "Status: Selesai", "Atasan PPID menanggapi keberatan")

	events := h.events(id)
	kinds := eventKinds(events)
	for _, k := range []string{"extend", "info_refuse", "object", "objection_answer"} {
		if kinds[k] != 1 {
			t.Errorf("%d %s events, want 1: %v", kinds[k], k, kinds)
		}
	}
	checkPPIDClaims(t, citizen, events)
}

// The PPID path's deadlines in the sweep: reminders and the escalation to
// the superior, the requester told (once, after recording it) that they
// may object when the PPID is silent, objecting before that refused, the
// requester's window closing the request, and the superior's silence
// pointing to the Komisi Informasi.
func TestPPIDDeadlinesInTheSweep(t *testing.T) {
	h := ppidHarness(t)
	who := identities["telegram"]
	silent := h.seedInfo(flows.StageAtPPID, false)
	// Objecting before the deadline is refused, saying why, and changes nothing.
	h.post(who.chat, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("c|object|%s|%d", silent.TrackingID, silent.Version), UserID: who.chat})
	expect(t, h.drainAll()[who.chat], "dapat diajukan setelah PPID menjawab")
	if r, n := h.reportNow(silent.TrackingID); r.Stage != string(flows.StageAtPPID) || n != 1 {
		t.Fatalf("an early objection moved the request: %s, %d events", r.Stage, n)
	}
	h.post(gPPID, groupCmd(uPPID, "jawab_informasi", "")) // a usage error, nothing more
	h.drainAll()

	// Past the deadline (seeded 14 calendar days ahead).
	h.now = h.now.AddDate(0, 0, 15)
	for h.now.Weekday() == 0 || h.now.Weekday() == 6 {
		h.now = h.now.AddDate(0, 0, 1)
	}
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	out := h.drainAll()
	expect(t, out[gPPID], silent.TrackingID)
	expect(t, out[gAtasan], silent.TrackingID)
	told := expect(t, out[who.chat], "sudah lewat tanpa jawaban", "keberatan")
	if !hasButton(told, fmt.Sprintf("c|object|%s|%d", silent.TrackingID, silent.Version)) {
		t.Fatalf("no Ajukan keberatan button: %+v", told.Buttons)
	}
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	if again := h.drainAll(); len(again[who.chat]) != 0 {
		t.Errorf("the requester was told twice: %+v", again[who.chat])
	}
	h.post(who.chat, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("c|object|%s|%d", silent.TrackingID, silent.Version), UserID: who.chat})
	h.post(who.chat, flows.Inbound{Kind: flows.KindText, Text: "Sudah lewat batas waktu tanpa jawaban.", UserID: who.chat})
	out = h.drainAll()
	if r, _ := h.reportNow(silent.TrackingID); r.Stage != string(flows.StageObjection) {
		t.Fatalf("the objection to a silent PPID left the request at %s", r.Stage)
	}
	expect(t, out[gAtasan], "PPID tidak menjawab sampai batas waktunya")

	// The superior is silent too: 30 working days later the requester
	// hears of the Komisi Informasi, once.
	h.now = h.now.AddDate(0, 2, 0)
	for h.now.Weekday() == 0 || h.now.Weekday() == 6 {
		h.now = h.now.AddDate(0, 0, 1)
	}
	answered := h.seedInfo(flows.StageInfoAnswered, false)
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	out = h.drainAll()
	expect(t, out[who.chat], "Atasan PPID", "sudah lewat tanpa tanggapan", "Komisi Informasi")
	checkPPIDClaims(t, out[who.chat], h.events(silent.TrackingID))
	if r, _ := h.reportNow(silent.TrackingID); r.Stage != string(flows.StageObjection) {
		t.Errorf("the superior's silence moved the objection to %s", r.Stage)
	}

	// The requester's window: silence closes the answered request.
	h.now = h.now.AddDate(0, 0, 15)
	for h.now.Weekday() == 0 || h.now.Weekday() == 6 {
		h.now = h.now.AddDate(0, 0, 1)
	}
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	out = h.drainAll()
	if r, _ := h.reportNow(answered.TrackingID); r.Stage != string(flows.StageClosed) {
		t.Fatalf("the requester's silence left the request at %s", r.Stage)
	}
	expect(t, out[who.chat], "nyatakan selesai karena tidak ada keberatan")
	checkPPIDClaims(t, out[who.chat], h.events(answered.TrackingID))

	// An objection after the window is refused, saying why, even before
	// the sweep closed the request.
	late := h.seedInfo(flows.StageInfoAnswered, false)
	h.now = h.now.AddDate(0, 0, 15)
	h.post(who.chat, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("c|object|%s|%d", late.TrackingID, late.Version), UserID: who.chat})
	expect(t, h.drainAll()[who.chat], "sudah berakhir")
	if r, n := h.reportNow(late.TrackingID); r.Stage != string(flows.StageInfoAnswered) || n != 1 {
		t.Errorf("a late objection moved the request: %s, %d events", r.Stage, n)
	}
}

// The PPID path's table as the tests see it, written out independently of
// the code.
var ppidMatrix = []cell{
	{flows.StageAtPPID, "perpanjang %s dokumen perlu dipindai", flows.StageAtPPID, [][2]string{{uPPID, gPPID}}},
	{flows.StageAtPPID, "jawab_informasi %s Salinan terlampir di tautan resmi.", flows.StageInfoAnswered, [][2]string{{uPPID, gPPID}}},
	{flows.StageAtPPID, "tolak_informasi %s Data pribadi (pasal 17 huruf h).", flows.StageInfoAnswered, [][2]string{{uPPID, gPPID}}},
	{flows.StageAtPPID, "bukan_informasi %s ini pengaduan jalan rusak", flows.StageSubmitted, [][2]string{{uPPID, gPPID}}},
	{flows.StageObjection, "jawab_keberatan %s Keberatan ditolak.", flows.StageClosed, [][2]string{{uAtasan, gAtasan}}},
}

// Every PPID path action × every role × every desk, a private chat and an
// unregistered group × anonymous or not: only the PPID (or the superior)
// in their own desk may act; everyone else is refused with an audit line
// and the request does not move.
func TestPPIDAuthorisationMatrix(t *testing.T) {
	h := ppidHarness(t)
	users := []string{uSuper, uRegency, uPupr, uOmbudsman, uPPID, uAtasan, uStranger}
	places := []string{gSuper, gRegency, gPupr, gOmbudsman, gPPID, gAtasan, "private", gUnknown}
	checked := 0
	for _, c := range ppidMatrix {
		for _, user := range users {
			for _, p := range places {
				for _, anon := range []bool{false, true} {
					r := h.seedInfo(c.stage, anon)
					_, before := h.reportNow(r.TrackingID)
					chat, group := place(user, p)
					verb, args, _ := strings.Cut(fmt.Sprintf(c.command, r.TrackingID), " ")
					h.post(chat, flows.Inbound{Kind: flows.KindCommand, Command: verb, Text: args, IsGroup: group, UserID: user, UserName: "Petugas " + user})
					out := h.drainAll()
					got, after := h.reportNow(r.TrackingID)
					want := slices.Contains(c.allowed, [2]string{user, p})
					name := fmt.Sprintf("%s by %s in %s (anonymous %v)", verb, user, p, anon)
					switch {
					case want && (flows.Stage(got.Stage) != c.to || after != before+1):
						t.Errorf("%s: stage %s after %d events, want %s after %d; replies %v", name, got.Stage, after, c.to, before+1, out[chat])
					case !want && (got.Stage != string(c.stage) || after != before):
						t.Errorf("%s: allowed (stage %s → %s) but must be refused", name, c.stage, got.Stage)
					case !want:
						log, err := h.db.AuditLog(h.ctx, 1)
						if err != nil || len(log) != 1 || log[0].Allowed || log[0].UserID != user {
							t.Errorf("%s: refusal without an audit line: %+v", name, log)
						}
						if p == gUnknown && len(out[chat]) != 0 {
							t.Errorf("%s: the bot spoke in an unregistered group", name)
						}
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d cells checked", checked)
}

// Random actions on information requests by random people in random
// places (the PPID's and the chain's commands, the requester's buttons,
// the sweep) never leave a request in an undefined stage, never skip the
// table, and never put an anonymous requester's identity into a message
// for a group — with the identities of Telegram and of WhatsApp.
func TestRandomPPIDActionsKeepTheInvariants(t *testing.T) {
	for name, who := range identities {
		t.Run(name, func(t *testing.T) { randomPPIDWalk(t, who) })
	}
}

func randomPPIDWalk(t *testing.T, who identity) {
	h := ppidHarness(t)
	h.reporter = who
	rng := rand.New(rand.NewPCG(16, 4))
	reports := []store.Report{h.seedInfo(flows.StageAtPPID, true), h.seedInfo(flows.StageAtPPID, false), h.seedInfo(flows.StageAtPPID, true)}
	commands := []string{"perpanjang %s perlu waktu", "jawab_informasi %s Informasi terlampir.", "tolak_informasi %s pasal 17 huruf h",
		"bukan_informasi %s ini pengaduan", "jawab_keberatan %s Keberatan ditolak.", "verifikasi %s", "laporan %s", "identitas %s",
		"disposisi %s pupr", "setujui %s"}
	users := []string{uSuper, uRegency, uPupr, uPPID, uAtasan, uStranger}
	places := []string{gSuper, gRegency, gPupr, gPPID, gAtasan, "private", gUnknown}
	table := map[[2]string]string{}
	for _, tr := range flows.Transitions() {
		table[[2]string{tr[0], tr[1]}] = tr[2]
	}
	secrets := []string{who.name, who.handle, who.chat, strings.Split(who.handle, "@")[0], strings.Split(who.chat, "@")[0]}
	active := []int{0, 1, 2}
	for step := 0; step < 400; step++ {
		slot := rng.IntN(len(active))
		r := reports[active[slot]]
		if cur, _ := h.reportNow(r.TrackingID); flows.Stage(cur.Stage).Final() || cur.Type != "permintaan_informasi" || cur.Stage == string(flows.StageSubmitted) {
			reports = append(reports, h.seedInfo(flows.StageAtPPID, step%2 == 0))
			active[slot] = len(reports) - 1
			r = reports[active[slot]]
		}
		cur, _ := h.reportNow(r.TrackingID)
		switch k := rng.IntN(12); {
		case k < 7:
			user, p := users[rng.IntN(len(users))], places[rng.IntN(len(places))]
			if rng.IntN(10) < 6 {
				pair := [][2]string{{uPPID, gPPID}, {uAtasan, gAtasan}}[rng.IntN(2)]
				user, p = pair[0], pair[1]
			}
			chat, group := place(user, p)
			if rng.IntN(2) == 0 { // a button, then its reason
				act := []string{"info_answer", "info_refuse", "extend", "not_info", "objection_answer"}[rng.IntN(5)]
				h.post(chat, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("p|%s|%s|%d", act, r.TrackingID, cur.Version), IsGroup: group, UserID: user})
				h.post(chat, flows.Inbound{Kind: flows.KindText, Text: "Alasan dan jawaban petugas.", IsGroup: group, UserID: user, ReplyToText: r.TrackingID})
				break
			}
			verb, args, _ := strings.Cut(fmt.Sprintf(commands[rng.IntN(len(commands))], r.TrackingID), " ")
			h.post(chat, flows.Inbound{Kind: flows.KindCommand, Command: verb, Text: args, IsGroup: group, UserID: user})
		case k < 10: // the requester accepts or objects
			act := []string{"accept", "object"}[rng.IntN(2)]
			h.post(who.chat, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("c|%s|%s|%d", act, r.TrackingID, cur.Version), UserID: who.chat})
			h.post(who.chat, flows.Inbound{Kind: flows.KindText, Text: "Informasinya belum lengkap.", UserID: who.chat})
		default: // time passes and the sweep runs
			h.now = h.now.AddDate(0, 0, 1+rng.IntN(20))
			for h.now.Weekday() == 0 || h.now.Weekday() == 6 {
				h.now = h.now.AddDate(0, 0, 1)
			}
			if _, err := h.svc.Sweep(h.ctx); err != nil {
				t.Fatal(err)
			}
		}
		for chat, msgs := range h.drainAll() {
			if !strings.HasPrefix(chat, "-") {
				continue
			}
			for _, m := range msgs {
				for _, rep := range reports {
					if !rep.Anonymous || !strings.Contains(m.Text, rep.TrackingID) {
						continue
					}
					for _, secret := range secrets {
						if strings.Contains(m.Text, secret) && !strings.Contains(m.Text, "tercatat di log audit") {
							t.Fatalf("step %d: identity %q of an anonymous requester sent to group %s: %q", step, secret, chat, m.Text)
						}
					}
				}
			}
		}
		for _, rep := range reports {
			if cur, _ := h.reportNow(rep.TrackingID); !slices.Contains(flows.Stages, flows.Stage(cur.Stage)) {
				t.Fatalf("step %d: request in undefined stage %q", step, cur.Stage)
			}
		}
	}
	seen := map[string]bool{}
	for _, rep := range reports {
		for _, e := range h.events(rep.TrackingID) {
			seen[e.Kind] = true
			switch e.Kind {
			case "identity_viewed", "submitted", flows.EventPPIDOverdue, flows.EventObjectionOverdue,
				flows.EventOmbudsmanLimit, flows.EventOmbudsmanForwarded: // a request passed on as a complaint may reach the limit
				if e.StageFrom != e.StageTo && e.Kind != "submitted" {
					t.Errorf("%s moved the request from %s to %s", e.Kind, e.StageFrom, e.StageTo)
				}
				continue
			}
			to, ok := table[[2]string{e.StageFrom, e.Kind}]
			if !ok {
				t.Errorf("event %s from %s is not in the table", e.Kind, e.StageFrom)
			} else if to != "" && to != e.StageTo {
				t.Errorf("event %s from %s went to %s, the table says %s", e.Kind, e.StageFrom, e.StageTo, to)
			}
		}
	}
	for _, k := range []string{"extend", "info_answer", "info_refuse", "object", "objection_answer", "accept"} {
		if !seen[k] {
			t.Errorf("the walk never did %s: it explores too little (%v)", k, seen)
		}
	}
	t.Logf("events seen: %v", seen)
}

// Who sees an information request: the PPID's desks read it as an agency
// does (an anonymous requester's identity withheld), no agency desk sees
// it, and the PPID's desks see no complaint.
func TestPPIDDesksSeeRequestsAsAnAgencyDoes(t *testing.T) {
	h := ppidHarness(t)
	who := identities["telegram"]
	anon := h.seedInfo(flows.StageAtPPID, true)
	named := h.seedInfo(flows.StageAtPPID, false)
	complaint := h.seedReport(flows.StageAtAgency, "pupr", false)

	got := expect(t, h.send(gPPID, groupCmd(uPPID, "laporan", anon.TrackingID)), anon.TrackingID)
	for _, secret := range []string{who.name, who.handle, who.chat} {
		if strings.Contains(got.Text, secret) {
			t.Errorf("the PPID desk read the anonymous requester's %q:\n%s", secret, got.Text)
		}
	}
	expect(t, h.send(gAtasan, groupCmd(uAtasan, "laporan", named.TrackingID)), who.name)
	expect(t, h.send(gPPID, groupCmd(uPPID, "laporan", complaint.TrackingID)), "tidak ditemukan")
	expect(t, h.send(gPupr, groupCmd(uPupr, "laporan", named.TrackingID)), "tidak ditemukan")
	expect(t, h.send(gRegency, groupCmd(uRegency, "laporan", anon.TrackingID)), anon.TrackingID)

	queue := expect(t, h.send(gPPID, groupCmd(uPPID, "antrian", "")), anon.TrackingID, named.TrackingID)
	if strings.Contains(queue.Text, complaint.TrackingID) {
		t.Errorf("the PPID's queue lists a complaint:\n%s", queue.Text)
	}
	expect(t, h.send(gPPID, groupCmd(uPPID, "sla", "")), "Di PPID (permintaan informasi): 10 hari kerja", "memperpanjang batas waktunya satu kali, 7 hari kerja", "Komisi Informasi dalam 14 hari kerja")
}

// The regency's exports and recap count information requests in the
// PPID's stages by their names, like every other report.
func TestExportsNameThePPIDStages(t *testing.T) {
	h := ppidHarness(t)
	at := h.seedInfo(flows.StageAtPPID, true)
	objected := h.seedInfo(flows.StageObjection, false)
	for _, c := range []struct{ verb, args string }{{"ekspor", "csv " + h.now.Format("2006-01")}, {"rekap", h.now.Format("2006-01")}} {
		h.post(gRegency, groupCmd(uRegency, c.verb, c.args))
		var doc int64
		for _, o := range h.drainAll()[gRegency] {
			if o.DocumentID != 0 {
				doc = o.DocumentID
			}
		}
		if doc == 0 {
			t.Fatalf("/%s made no file", c.verb)
		}
		got := h.documentText(doc)
		wants := []string{"Di PPID (permintaan informasi)", "Keberatan sedang diperiksa Atasan PPID"}
		if c.verb == "ekspor" {
			wants = append(wants, at.TrackingID, objected.TrackingID)
		}
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("/%s lacks %q:\n%.2000s", c.verb, want, got)
			}
		}
	}
}

// seedFuzzInfo files an information request of the chat directly in a
// stage, with the event of its receipt.
func (s *fuzzService) seedInfo(t testing.TB, st flows.Stage, chat string, who identity, anonymous bool) store.Report {
	t.Helper()
	r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "permintaan_informasi",
		Description:   "Mohon salinan laporan realisasi anggaran perbaikan jalan Kecamatan Plaosan tahun 2025.",
		KecamatanCode: "35.20.06", Anonymous: anonymous, Confidential: true, Channel: "test", ChatID: chat,
		ReporterUserID: chat, ReporterName: who.name, ReporterUsername: who.handle, Lang: "id",
		Stage: string(st), ResponsibleUnit: "x", StageStartedAt: monday, StageDeadline: monday.AddDate(0, 0, 14),
		DeadlineBase: monday, DeadlineDays: 10, SubmittedAt: monday}
	if err := s.db.InTx(s.ctx, func(tx *store.Tx) error {
		err := tx.CreateReport(s.ctx, &r)
		for try := 0; errors.Is(err, store.ErrConflict) && try < 5; try++ {
			r.TrackingID = flows.NewTrackingID("MGT")
			err = tx.CreateReport(s.ctx, &r)
		}
		if err != nil {
			return err
		}
		return tx.AppendEvent(s.ctx, store.Event{ReportID: r.ID, At: monday, Kind: "submitted", StageTo: string(st),
			ActorRole: "citizen", Channel: "test", Deadline: r.StageDeadline})
	}); err != nil {
		t.Fatal(err)
	}
	return r
}

// FuzzPPIDInput sends the PPID's and its superior's desks, the chain's
// desks and the requester any command, button or text about an
// information request in any stage of its path. Whatever happens, nothing
// fails inside, the request stays in a defined stage, every recorded move
// is one the table allows, and an anonymous requester's identity never
// reaches a group.
func FuzzPPIDInput(f *testing.F) {
	type seed struct {
		who, stage, kind uint8
		cmd, text        string
	}
	for _, sd := range []seed{
		{0, 0, 0, "", "p|extend|{id}|{v}"}, {0, 0, 0, "", "p|info_answer|{id}|{v}"}, {0, 0, 0, "", "p|info_refuse|{id}|{v}"},
		{0, 0, 0, "", "p|not_info|{id}|{v}"}, {1, 2, 0, "", "p|objection_answer|{id}|{v}"}, {2, 1, 0, "", "c|object|{id}|{v}"},
		{2, 1, 0, "", "c|accept|{id}|{v}"}, {2, 0, 0, "", "c|object|{id}|{v}"}, {0, 0, 0, "", "p|extend|{id}|-1"},
		{0, 0, 1, "perpanjang", "{id} dokumen di arsip"}, {0, 0, 1, "perpanjang", "{id}"}, {0, 0, 1, "jawab_informasi", "{id} Terlampir."},
		{0, 0, 1, "tolak_informasi", "{id} pasal 17 huruf h"}, {0, 0, 1, "bukan_informasi", "{id} ini pengaduan"},
		{1, 2, 1, "jawab_keberatan", "{id} Keberatan diterima."}, {0, 2, 1, "jawab_keberatan", "{id} x"}, {1, 0, 1, "perpanjang", "{id} x"},
		{0, 0, 1, "antrian", ""}, {1, 0, 1, "laporan", "{id}"}, {0, 0, 1, "sla", ""}, {3, 0, 1, "verifikasi", "{id}"},
		{0, 0, 2, "{id} — Perpanjang", "Perlu waktu tambahan."}, {2, 1, 2, "", "Informasinya tidak lengkap."},
	} {
		f.Add(sd.who, sd.stage, sd.kind, true, sd.cmd, sd.text)
	}
	s := newFuzzService(f)
	joins, err := chainOfficers(s.ctx, s.svc)
	if err != nil {
		f.Fatal(err)
	}
	for _, o := range []struct {
		user  string
		role  flows.Role
		group string
	}{{uPPID, flows.RolePPID, gPPID}, {uAtasan, flows.RolePPIDSuperior, gAtasan}} {
		if err := s.svc.AddOfficer(s.ctx, "test", o.user, "Petugas "+o.user, o.role, "", "test"); err != nil {
			f.Fatal(err)
		}
		code, err := s.svc.IssueDeskCode(s.ctx, string(o.role), "", "test")
		if err != nil {
			f.Fatal(err)
		}
		joins = append(joins, deskJoin{o.group, groupCmd(o.user, "daftar_grup", code)})
	}
	for _, j := range joins {
		s.post(f, j.group, j.in)
	}
	s.drain(f)

	reporter := identities["whatsapp"]
	stages := []flows.Stage{flows.StageAtPPID, flows.StageInfoAnswered, flows.StageObjection, flows.StageClosed}
	type actor struct{ user, chat string }
	actors := []actor{{uPPID, gPPID}, {uAtasan, gAtasan}, {reporter.chat, reporter.chat}, {uSuper, gSuper}}
	for _, u := range []string{uPPID, uAtasan, uSuper, uRegency, uPupr, uStranger} {
		for _, p := range []string{gPPID, gAtasan, gSuper, gRegency, gPupr, gUnknown, u} {
			actors = append(actors, actor{u, p})
		}
	}
	moves := map[[2]string]string{}
	for _, tr := range flows.Transitions() {
		moves[[2]string{tr[0], tr[1]}] = tr[2]
	}
	f.Fuzz(func(t *testing.T, who, stage, kind uint8, anonymous bool, cmd, text string) {
		r := s.seedInfo(t, stages[int(stage)%len(stages)], reporter.chat, reporter, anonymous)
		fill := strings.NewReplacer("{id}", r.TrackingID, "{v}", fmt.Sprint(r.Version))
		cmd, text = fill.Replace(cmd), fill.Replace(text)
		a := actors[int(who)%len(actors)]
		m := flows.Inbound{UserID: a.user, UserName: "Petugas " + a.user, IsGroup: strings.HasPrefix(a.chat, "-")}
		switch kind % 3 {
		case 0:
			m.Kind, m.Button = flows.KindButton, text
		case 1:
			m.Kind, m.Command, m.Text = flows.KindCommand, strings.ToLower(cmd), text
		case 2:
			m.Kind, m.Text, m.ReplyToText = flows.KindText, text, cmd
		}
		s.post(t, a.chat, m)
		out := s.drain(t)

		var events []store.Event
		if err := s.db.InTx(s.ctx, func(tx *store.Tx) (err error) {
			cur, err := tx.ReportByTrackingID(s.ctx, r.TrackingID)
			if err != nil {
				return err
			}
			if !slices.Contains(flows.Stages, flows.Stage(cur.Stage)) {
				t.Errorf("request left in undefined stage %q", cur.Stage)
			}
			events, err = tx.Events(s.ctx, r.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			switch e.Kind {
			case "identity_viewed", "submitted":
				continue
			}
			to, ok := moves[[2]string{e.StageFrom, e.Kind}]
			if !ok {
				t.Errorf("event %s from %s is not in the table", e.Kind, e.StageFrom)
			} else if to != "" && to != e.StageTo {
				t.Errorf("event %s from %s went to %s, the table says %s", e.Kind, e.StageFrom, e.StageTo, to)
			}
		}
		if !anonymous {
			return
		}
		for chat, msgs := range out {
			if !strings.HasPrefix(chat, "-") {
				continue
			}
			for _, o := range msgs {
				if !strings.Contains(o.Text, r.TrackingID) || strings.Contains(o.Text, "tercatat di log audit") {
					continue
				}
				for _, secret := range []string{reporter.name, reporter.handle, reporter.chat, strings.Split(reporter.chat, "@")[0]} {
					if strings.Contains(o.Text, secret) && !strings.Contains(cmd+text, secret) {
						t.Fatalf("identity %q of an anonymous requester sent to group %s: %q", secret, chat, o.Text)
					}
				}
			}
		}
	})
}

// Where no superior's desk is registered, the requester's objection is
// recorded, and they are not told it was passed on.
func TestObjectionWithoutASuperiorsDeskIsNotCalledForwarded(t *testing.T) {
	h := ppidHarness(t)
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		_, err := tx.RemoveDesk(h.ctx, "test", gAtasan, h.now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	who := identities["telegram"]
	r := h.seedInfo(flows.StageInfoAnswered, false)
	h.post(who.chat, flows.Inbound{Kind: flows.KindButton, Button: fmt.Sprintf("c|object|%s|%d", r.TrackingID, r.Version), UserID: who.chat})
	h.post(who.chat, flows.Inbound{Kind: flows.KindText, Text: "Jawabannya tidak sesuai permintaan saya.", UserID: who.chat})
	out := h.drainAll()
	if cur, _ := h.reportNow(r.TrackingID); cur.Stage != string(flows.StageObjection) {
		t.Fatalf("stage %s, want objection", cur.Stage)
	}
	got := expect(t, out[who.chat], "sudah kami catat untuk Atasan PPID")
	if strings.Contains(got.Text, "teruskan") {
		t.Errorf("the requester was told the objection was passed on:\n%s", got.Text)
	}
}

// The PPID and its superior join by invitation like every officer, and
// their /bantuan lists the commands of their role.
func TestPPIDOfficersJoinByInvitation(t *testing.T) {
	h := inviteHarness(t, true)
	for _, c := range []struct {
		role, name, user, roleName, command string
	}{{"ppid", "Dewi", "5552001", "PPID", "/perpanjang"}, {"ppid_superior", "Hadi", "5552002", "Atasan PPID", "/jawab_keberatan"}} {
		code, issued := h.invite(gRegency, uRegency, c.role+" "+c.name)
		if !strings.Contains(issued, c.roleName) {
			t.Errorf("the invitation does not name the role %q: %s", c.roleName, issued)
		}
		got := oneText(t, h.sendOn("telegram", c.user, tgStart(c.user, c.name, code)))
		if !strings.Contains(got, "Selamat bergabung") || !strings.Contains(got, c.roleName) {
			t.Errorf("the welcome of %s: %s", c.role, got)
		}
		off, err := h.officerRecord("telegram", c.user)
		if err != nil || off.Role != c.role || off.AgencyCode != "" {
			t.Fatalf("officer after the invitation: %+v, %v", off, err)
		}
		help := expect(t, h.sendOn("telegram", c.user, flows.Inbound{Kind: flows.KindCommand, Command: "bantuan", UserID: c.user}), c.command)
		if strings.Contains(help.Text, "/disposisi") || strings.Contains(help.Text, "/tanggapi ") {
			t.Errorf("the %s's help lists the chain's commands:\n%s", c.role, help.Text)
		}
	}
}
