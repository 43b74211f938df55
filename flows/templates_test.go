package flows_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

const puprName = "Dinas Pekerjaan Umum dan Penataan Ruang"

var templateNumber = regexp.MustCompile(`#(\d+)`)

// addTemplate types /templat tambah in a desk and returns the new
// template's number.
func (h *harness) addTemplate(group, user, titleAndBody string) string {
	h.t.Helper()
	got := expect(h.t, h.send(group, groupCmd(user, "templat", "tambah "+titleAndBody)), "disimpan untuk")
	m := templateNumber.FindStringSubmatch(got.Text)
	if m == nil {
		h.t.Fatalf("no template number in %q", got.Text)
	}
	return m[1]
}

func deskPress(user, data string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindButton, Button: data, IsGroup: true, UserID: user, UserName: "Petugas " + user}
}

func deskText(user, s string) flows.Inbound {
	return flows.Inbound{Kind: flows.KindText, Text: s, IsGroup: true, UserID: user, UserName: "Petugas " + user}
}

// draft reads the draft answer of a report's first round.
func (h *harness) draft(r store.Report) store.Answer {
	h.t.Helper()
	var a store.Answer
	err := h.db.InTx(h.ctx, func(tx *store.Tx) (err error) {
		a, err = tx.AnswerFor(h.ctx, r.ID, 1, r.AgencyCode, h.now)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// lastAudit is the newest audit line.
func (h *harness) lastAudit() store.AuditEntry {
	h.t.Helper()
	log, err := h.db.AuditLog(h.ctx, 1)
	if err != nil || len(log) != 1 {
		h.t.Fatalf("audit log: %v %+v", err, log)
	}
	return log[0]
}

func (h *harness) auditHas(action string, allowed bool, detail string) bool {
	h.t.Helper()
	log, err := h.db.AuditLog(h.ctx, 500)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, e := range log {
		if e.Action == action && e.Allowed == allowed && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}

// The whole way of a canned answer: an agency's and a regency-wide template
// are added and listed, one is picked while answering, shown back in full,
// edited, submitted, approved, and the citizen reads it filled in with the
// agency's name and the report's number.
func TestTemplateTranscript(t *testing.T) {
	h := chainHarness(t)
	own := h.addTemplate(gPupr, uPupr, "Jalan ditambal | Laporan {nomor} telah ditindaklanjuti oleh {instansi} pada {tanggal}.\nTerima kasih.")
	regency := h.addTemplate(gRegency, uRegency, "Salam penutup | Hormat kami, {instansi}.")
	if !h.auditHas("template_add", true, "#"+own+" pupr: Jalan ditambal") || !h.auditHas("template_add", true, "#"+regency+" kabupaten: Salam penutup") {
		t.Fatal("no audit line for the added templates")
	}

	// The agency sees its own and the regency's; the admins the regency's.
	list := expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "daftar")), "#"+own+" Jalan ditambal", "#"+regency+" Salam penutup", puprName, "Templat kabupaten")
	if strings.Index(list.Text, "Jalan ditambal") > strings.Index(list.Text, "Salam penutup") {
		t.Errorf("the agency's own templates should come first: %q", list.Text)
	}
	if got := expect(t, h.send(gRegency, groupCmd(uRegency, "templat", "")), "Salam penutup"); strings.Contains(got.Text, "Jalan ditambal") {
		t.Fatalf("the regency desk lists an agency's template: %q", got.Text)
	}
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "lihat "+own)), "Laporan {nomor} telah ditindaklanjuti", "Terima kasih.")

	r := h.seedReport(flows.StageAtAgency, "pupr", true)
	start := expect(t, h.send(gPupr, deskPress(uPupr, fmt.Sprintf("w|answer|%s|%d|", r.TrackingID, r.Version))), r.TrackingID)
	offer := fmt.Sprintf("tpl|%s|%d|", r.TrackingID, r.Version)
	if !hasButton(start, offer) {
		t.Fatalf("no template button while answering: %+v", start.Buttons)
	}
	picks := expect(t, h.send(gPupr, deskPress(uPupr, offer)), "Pilih templat", "Jalan ditambal", "Salam penutup")
	pickOwn := offer + own
	if !hasButton(picks, pickOwn) || !hasButton(picks, offer+regency) {
		t.Fatalf("templates not offered as buttons: %+v", picks.Buttons)
	}

	filled := "Laporan " + r.TrackingID + " telah ditindaklanjuti oleh " + puprName + " pada Senin, 30 November 2026.\nTerima kasih."
	shown := expect(t, h.send(gPupr, deskPress(uPupr, pickOwn)), "Draf tanggapan "+r.TrackingID, filled, "Belum terkirim")
	if !hasButton(shown, fmt.Sprintf("w|submit|%s|%d|", r.TrackingID, r.Version)) {
		t.Fatalf("the draft has no submit button: %+v", shown.Buttons)
	}
	// Picking submitted nothing.
	if cur, _ := h.reportNow(r.TrackingID); cur.Stage != string(flows.StageAtAgency) {
		t.Fatalf("picking a template moved the report to %s", cur.Stage)
	}
	if a := h.draft(r); a.Body != filled || !a.SubmittedAt.IsZero() {
		t.Fatalf("draft %+v, want %q unsubmitted", a, filled)
	}
	if !h.auditHas("template_use", true, "#"+own) {
		t.Fatal("no audit line for the template's use")
	}

	// The officer adds a line, then the regency's closing by number.
	expect(t, h.send(gPupr, deskText(uPupr, "Foto hasil perbaikan terlampir.")), "dicatat")
	added := filled + "\n\nFoto hasil perbaikan terlampir."
	if a := h.draft(r); a.Body != added {
		t.Fatalf("draft %q, want %q", a.Body, added)
	}
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" templat "+regency)), "menggantikan teks draf sebelumnya", "Hormat kami, "+puprName+".")
	// Rewrite: the text goes, the next messages are the whole text.
	expect(t, h.send(gPupr, deskPress(uPupr, fmt.Sprintf("tpl|%s|%d|clear", r.TrackingID, r.Version))), "dikosongkan")
	expect(t, h.send(gPupr, deskText(uPupr, "Jalan sudah ditambal pada 28 November.")), "dicatat")
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" templat "+own)), filled)
	expect(t, h.send(gPupr, deskText(uPupr, "Mohon kabari kami bila masih rusak.")), "dicatat")

	expect(t, h.send(gPupr, deskPress(uPupr, fmt.Sprintf("w|submit|%s|%d|", r.TrackingID, r.Version))), "✅ "+r.TrackingID)
	final := filled + "\n\nMohon kabari kami bila masih rusak."
	if a := h.draft(r); a.Body != final || a.SubmittedAt.IsZero() {
		t.Fatalf("submitted answer %+v, want %q", a, final)
	}
	h.post(gRegency, groupCmd(uRegency, "setujui", r.TrackingID))
	out := h.drainAll()
	citizen := identities["telegram"].chat
	expect(t, out[citizen], "Tanggapan atas laporan "+r.TrackingID+" dari "+puprName, final)
}

// What an agency may not do with another agency's templates, nor anyone
// who is not an officer with templates.
func TestTemplatesStayWithTheirOwner(t *testing.T) {
	h := chainHarness(t)
	pupr := h.addTemplate(gPupr, uPupr, "Jalan ditambal | Sudah kami tambal: {nomor}.")
	dinkes := h.addTemplate(gDinkes, uDinkes, "Fogging | Fogging dijadwalkan untuk laporan {nomor}.")
	regency := h.addTemplate(gRegency, uRegency, "Penutup | Terima kasih.")

	// Dinkes neither sees, reads nor deletes PUPR's, by number or title.
	if got := h.send(gDinkes, groupCmd(uDinkes, "templat", "daftar")); strings.Contains(expect(t, got, "Fogging").Text, "Jalan ditambal") {
		t.Fatalf("dinkes lists pupr's template: %q", got[0].Text)
	}
	for _, typed := range []string{"lihat " + pupr, "lihat #" + pupr, "hapus " + pupr, "hapus Jalan ditambal", "hapus JALAN DITAMBAL"} {
		got := expect(t, h.send(gDinkes, groupCmd(uDinkes, "templat", typed)), "tidak ditemukan")
		if strings.Contains(got.Text, "tambal") && !strings.Contains(typed, "ditambal") {
			t.Errorf("%s: the refusal tells about the template: %q", typed, got.Text)
		}
		if e := h.lastAudit(); e.Allowed || e.UserID != uDinkes {
			t.Errorf("%s: refusal not audited: %+v", typed, e)
		}
	}
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "lihat "+pupr)), "Sudah kami tambal")
	// A liaison officer uses the regency's but cannot delete it.
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "hapus "+regency)), "hanya admin")
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "lihat "+regency)), "Terima kasih.")

	// Using another agency's template while answering: by number, by a
	// forged button, and on another agency's report.
	r := h.seedReport(flows.StageAtAgency, "pupr", false)
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" templat "+dinkes)), "tidak ada lagi", "tidak berubah")
	expect(t, h.send(gPupr, deskPress(uPupr, fmt.Sprintf("tpl|%s|%d|%s", r.TrackingID, r.Version, dinkes))), "tidak ada lagi")
	if e := h.lastAudit(); e.Allowed || e.Action != "template_use" || !strings.Contains(e.Detail, "dinkes") {
		t.Errorf("forged button not audited: %+v", e)
	}
	expect(t, h.send(gDinkes, deskPress(uDinkes, fmt.Sprintf("tpl|%s|%d|%s", r.TrackingID, r.Version, dinkes))), "tidak berwenang")
	expect(t, h.send(gDinkes, deskPress(uDinkes, fmt.Sprintf("tpl|%s|%d|", r.TrackingID, r.Version))), "tidak berwenang")
	expect(t, h.send(gPupr, deskPress(uPupr, fmt.Sprintf("tpl|%s|%d|1;DROP", r.TrackingID, r.Version))), "tidak berlaku")
	if a := h.draft(r); a.Body != "" {
		t.Fatalf("a refused pick wrote the draft: %q", a.Body)
	}
	// The pupr officer in the dinkes group manages nothing there.
	expect(t, h.send(gDinkes, groupCmd(uPupr, "templat", "tambah Milik siapa | teks")), "grup perangkat daerahnya sendiri")
	expect(t, h.send(gDinkes, groupCmd(uPupr, "templat", "hapus "+dinkes)), "grup perangkat daerahnya sendiri")
	// Nor anyone who is not an officer with templates.
	expect(t, h.send(gOmbudsman, groupCmd(uOmbudsman, "templat", "daftar")), "tidak tersedia")
	expect(t, h.send(gPupr, groupCmd(uStranger, "templat", "hapus "+pupr)), "petugas")
	citizen := identities["telegram"].chat
	got := expect(t, h.send(citizen, flows.Inbound{Kind: flows.KindCommand, Command: "templat", Text: "daftar", UserID: citizen}), "tidak dikenal")
	if strings.Contains(got.Text, "Jalan ditambal") {
		t.Fatalf("a citizen sees templates: %q", got.Text)
	}
	if e := h.lastAudit(); e.Allowed || e.UserID != citizen {
		t.Errorf("a citizen's /templat not audited: %+v", e)
	}
	expect(t, h.send(uPupr, flows.Inbound{Kind: flows.KindCommand, Command: "templat", Text: "daftar", UserID: uPupr}), "grup")

	// All three are still there.
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "daftar")), "#"+pupr, "#"+regency)
	expect(t, h.send(gDinkes, groupCmd(uDinkes, "templat", "daftar")), "#"+dinkes)
}

// A template's text is checked when it is added: placeholders are known
// names in one pair of braces, the text and the title have limits, and a
// title is unique per owner.
func TestTemplateTextIsChecked(t *testing.T) {
	h := chainHarness(t)
	add := func(args string) flows.Outbound {
		t.Helper()
		got := h.send(gPupr, groupCmd(uPupr, "templat", "tambah "+args))
		if len(got) != 1 {
			t.Fatalf("%q: replies %+v", args, got)
		}
		return got[0]
	}
	refused := []struct{ args, want string }{
		{"Salam | Yth. {nama}, laporan Anda selesai.", "{nama} tidak dikenal"},
		{"Salam | Nomor {{nomor}}.", "tidak membentuk penanda"},
		{"Salam | Nomor {no{nomor}mor}.", "tidak membentuk penanda"},
		{"Salam | Nomor {nomor", "tidak membentuk penanda"},
		{"Salam | Nomor nomor}", "tidak membentuk penanda"},
		{"Salam | Nomor {}", "{} tidak dikenal"},
		{"Salam | {" + strings.Repeat("x", 1500) + "}", "tidak dikenal"},
		{"Salam | " + strings.Repeat("a", 2001), "terlalu panjang (2001 karakter)"},
		{strings.Repeat("j", 61) + " | isi", "1–60 karakter"},
		{"123 | isi", "hanya angka"},
		{"#7 | isi", "hanya angka"},
		{" | isi", "1–60 karakter"},
		{"Judul {nomor} | isi", "tanpa kurung kurawal"},
		{"Judul tanpa isi", "Cara menambah templat"},
		{"Judul | ", "Cara menambah templat"},
	}
	for _, c := range refused {
		got := add(c.args)
		if !strings.Contains(got.Text, c.want) {
			t.Errorf("%.40q: %q does not contain %q", c.args, got.Text, c.want)
		}
		if strings.Contains(got.Text, "{") && !strings.Contains(got.Text, "{nomor} nomor laporan") && !strings.Contains(got.Text, "Contoh") {
			t.Errorf("%.40q: refused without the valid placeholders: %q", c.args, got.Text)
		}
		if len([]rune(got.Text)) > 900 {
			t.Errorf("%.40q: a reply of %d characters echoes the input", c.args, len([]rune(got.Text)))
		}
	}
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "daftar")), "Belum ada templat")

	// At the limits, in upper case, with every placeholder: taken.
	long := h.addTemplate(gPupr, uPupr, "Panjang | "+strings.Repeat("a", 2000))
	all := h.addTemplate(gPupr, uPupr, strings.Repeat("j", 60)+" | {NOMOR} { instansi } {tanggal} {tanggal_laporan} {batas_waktu}")
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "tambah panjang | lain")), "Sudah ada templat berjudul")
	// Another owner may use the same title.
	h.addTemplate(gDinkes, uDinkes, "Panjang | punya dinkes")
	h.addTemplate(gRegency, uRegency, "Panjang | punya kabupaten")

	r := h.seedReport(flows.StageAtAgency, "pupr", false)
	deadline := flows.FormatDate(flows.LangID, r.StageDeadline)
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" templat "+all)),
		r.TrackingID+" "+puprName+" Senin, 30 November 2026 Senin, 30 November 2026 "+deadline)
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" templat #"+long)), strings.Repeat("a", 2000))
	// Words after "templat" other than a number are answer text.
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Templat surat sudah kami kirim.")), "dicatat")
	if a := h.draft(r); !strings.HasSuffix(a.Body, "\n\nTemplat surat sudah kami kirim.") {
		t.Fatalf("draft %q", a.Body)
	}
}

// An owner keeps at most 50 templates.
func TestTemplatesPerOwnerAreLimited(t *testing.T) {
	h := chainHarness(t)
	for i := range 50 {
		h.addTemplate(gRegency, uRegency, fmt.Sprintf("Templat %d | isi %d", i, i))
	}
	expect(t, h.send(gRegency, groupCmd(uRegency, "templat", "tambah Satu lagi | isi")), "Sudah ada 50 templat")
	// The agency's own count is its own.
	h.addTemplate(gPupr, uPupr, "Satu lagi | isi")
	expect(t, h.send(gRegency, groupCmd(uRegency, "templat", "hapus Templat 0")), "dihapus")
	h.addTemplate(gRegency, uRegency, "Satu lagi | isi")
}

// A template deleted after it was offered is not picked: the draft stays
// as it was and the deletion is in the audit log.
func TestTemplateDeletedBetweenListingAndPicking(t *testing.T) {
	h := chainHarness(t)
	n := h.addTemplate(gPupr, uPupr, "Sementara | Akan segera kami tangani.")
	r := h.seedReport(flows.StageAtAgency, "pupr", false)
	pick := fmt.Sprintf("tpl|%s|%d|%s", r.TrackingID, r.Version, n)
	if picks := expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" templat")), "Sementara"); !hasButton(picks, pick) {
		t.Fatalf("not offered: %+v", picks.Buttons)
	}
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Sudah kami cek.")), "dicatat")
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "hapus Sementara")), "#"+n, "dihapus")
	if !h.auditHas("template_delete", true, "#"+n+" pupr: Sementara") {
		t.Fatal("no audit line for the deletion")
	}
	expect(t, h.send(gPupr, deskPress(uPupr, pick)), "#"+n+" tidak ada lagi", "tidak berubah")
	if a := h.draft(r); a.Body != "Sudah kami cek." {
		t.Fatalf("draft %q changed", a.Body)
	}
	expect(t, h.send(gPupr, groupCmd(uPupr, "templat", "hapus "+n)), "tidak ditemukan")
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" templat")), "Belum ada templat")
}

// Dropping a picked draft leaves nothing sent and nothing waiting: the
// next chat message is chatter again.
func TestTemplateDraftCanBeDropped(t *testing.T) {
	h := chainHarness(t)
	n := h.addTemplate(gPupr, uPupr, "Sementara | Akan segera kami tangani.")
	r := h.seedReport(flows.StageAtAgency, "pupr", false)
	expect(t, h.send(gPupr, deskPress(uPupr, fmt.Sprintf("tpl|%s|%d|%s", r.TrackingID, r.Version, n))), "Akan segera kami tangani.")
	expect(t, h.send(gPupr, deskPress(uPupr, fmt.Sprintf("tpl|%s|%d|cancel", r.TrackingID, r.Version))), "dibuang", "tidak ada yang terkirim")
	if got := h.send(gPupr, deskText(uPupr, "rapat jam 2 ya")); len(got) != 0 {
		t.Fatalf("chatter after dropping became the answer: %+v", got)
	}
	if a := h.draft(r); a.Body != "" {
		t.Fatalf("draft %q after dropping", a.Body)
	}
	expect(t, h.send(gPupr, deskPress(uPupr, fmt.Sprintf("w|submit|%s|%d|", r.TrackingID, r.Version))), "masih kosong")
	if cur, _ := h.reportNow(r.TrackingID); cur.Stage != string(flows.StageAtAgency) {
		t.Fatalf("stage %s", cur.Stage)
	}
	// Typed, the same.
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" templat "+n)), "Akan segera")
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" batal")), "dibuang")
	if a := h.draft(r); a.Body != "" {
		t.Fatalf("draft %q after /tanggapi batal", a.Body)
	}
}

// A reviewer may give a regency-wide template as the reason for sending an
// answer back; an agency's template is not theirs to use.
func TestRevisionReasonFromTemplate(t *testing.T) {
	h := chainHarness(t)
	regency := h.addTemplate(gRegency, uRegency, "Kurang foto | Mohon {instansi} melengkapi foto hasil tindak lanjut laporan {nomor} paling lambat {batas_waktu}.")
	agency := h.addTemplate(gPupr, uPupr, "Internal | teks milik pupr")
	r := h.seedReport(flows.StageAnswerReview, "pupr", false)
	expect(t, h.send(gRegency, groupCmd(uRegency, "perbaiki", r.TrackingID+" templat "+agency)), "tidak ditemukan")
	if cur, _ := h.reportNow(r.TrackingID); cur.Stage != string(flows.StageAnswerReview) {
		t.Fatalf("stage %s after a refused template", cur.Stage)
	}
	h.post(gRegency, deskPress(uRegency, fmt.Sprintf("p|revise|%s|%d", r.TrackingID, r.Version)))
	h.drainAll()
	h.post(gRegency, deskText(uRegency, "templat "+regency))
	out := h.drainAll()
	cur, _ := h.reportNow(r.TrackingID)
	if cur.Stage != string(flows.StageAtAgency) {
		t.Fatalf("stage %s; replies %+v", cur.Stage, out[gRegency])
	}
	want := "Mohon " + puprName + " melengkapi foto hasil tindak lanjut laporan " + r.TrackingID +
		" paling lambat " + flows.FormatDate(flows.LangID, cur.StageDeadline.In(calendar.Local())) + "."
	expect(t, out[gPupr], want)
	if !h.auditHas("template_use", true, "reason: #"+regency) {
		t.Fatal("no audit line for the reason's template")
	}
	// Any other reason stays as typed.
	r2 := h.seedReport(flows.StageAnswerReview, "pupr", false)
	h.post(gRegency, groupCmd(uRegency, "perbaiki", r2.TrackingID+" templat foto kurang jelas"))
	expect(t, h.drainAll()[gPupr], "templat foto kurang jelas")
}
