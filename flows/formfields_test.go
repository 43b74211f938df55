package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// giveIdentity answers the privacy question with notAnonymous (a "no" or
// a skip), takes the account's name and gives a phone number, up to the
// confidentiality question.
func (h *harness) giveIdentity(chat string, notAnonymous flows.Inbound) {
	h.t.Helper()
	last := expect(h.t, h.send(chat, notAnonymous), "nama Anda", "Siti Aminah")
	if !hasButton(last, "name:profile") || !hasButton(last, "name:anon") {
		h.t.Fatalf("name question without its buttons: %+v", last.Buttons)
	}
	expect(h.t, h.send(chat, press("name:profile")), "telepon atau alamat e-mail", "Lewati")
	expect(h.t, h.send(chat, text("0812-3456-7890")), "Rahasiakan")
}

// report reads a report as stored.
func (h *harness) report(id string) store.Report {
	h.t.Helper()
	var r store.Report
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		var err error
		r, err = tx.ReportByTrackingID(h.ctx, id)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return r
}

// The title and category are suggested in the summary and changed there
// with one button each; the name and contact are asked after the citizen
// chooses not to be anonymous, and a wrong contact is refused with the
// reason. Everything is stored with the report.
func TestFormFieldsAtIntake(t *testing.T) {
	h := chainHarness(t)
	chat := "5100"
	h.intakeToEvidence(chat)
	expect(t, h.send(chat, press("ev:skip")), "Sembunyikan identitas")
	expect(t, h.send(chat, press("anon:no")), "Nama di akun Anda: Siti Aminah", "Pakai nama ini")
	expect(t, h.send(chat, text("x")), "2 sampai 80 karakter")
	expect(t, h.send(chat, text("  Siti   Rahayu ")), "telepon atau alamat e-mail")
	last := expect(t, h.send(chat, text("besok saja")), "\"besok saja\" bukan nomor telepon atau alamat e-mail")
	if !hasButton(last, "contact:skip") {
		t.Fatalf("no Lewati after a wrong contact: %+v", last.Buttons)
	}
	expect(t, h.send(chat, text("siti.rahayu@contoh.id")), "Rahasiakan")
	last = expect(t, h.send(chat, press("conf:yes")), "Ringkasan", "Judul: Jalan rusak Jalan desa di depan balai desa",
		"Kategori: Pembangunan Desa", "Nama pelapor: Siti Rahayu", "Kontak: siti.rahayu@contoh.id")
	if !hasButton(last, "sum:title") || !hasButton(last, "sum:category") || last.Buttons[0][0].Data != "sum:send" {
		t.Fatalf("summary buttons: %+v", last.Buttons)
	}

	expect(t, h.send(chat, press("sum:title")), "judul singkat", "paling banyak 80")
	expect(t, h.send(chat, text(strings.Repeat("panjang ", 11))), "paling banyak 80")
	expect(t, h.send(chat, text("Jalan Sidomukti   berlubang")), "Ringkasan", "Judul: Jalan Sidomukti berlubang")
	last = expect(t, h.send(chat, press("sum:category")), "Pilih kategori", "Kategori sekarang: Pembangunan Desa")
	if !hasButton(last, "cat:perhubungan") || !hasButton(last, "cat:lainnya") {
		t.Fatalf("category buttons: %+v", last.Buttons)
	}
	expect(t, h.send(chat, text("tidak tahu")), "tidak kami kenali")
	expect(t, h.send(chat, press("cat:perhubungan")), "Ringkasan", "Kategori: Perhubungan", "Judul: Jalan Sidomukti berlubang")
	// Changing the description later keeps what the citizen chose.
	expect(t, h.send(chat, press("sum:edit")), "Bagian mana")
	expect(t, h.send(chat, press("edit:what")), "Uraian lama akan diganti")
	expect(t, h.send(chat, text("Lampu jalan di depan balai desa Sidomukti mati sejak sebulan, gelap sekali.")), "Dicatat")
	expect(t, h.send(chat, press("what:next")), "Ringkasan", "Judul: Jalan Sidomukti berlubang", "Kategori: Perhubungan")
	h.post(chat, press("sum:send"))
	out := h.drainAll()
	last = expect(t, out[chat], "Nomor laporan: MGT-")
	id := last.Text[strings.Index(last.Text, "MGT-"):][:10]

	expect(t, h.send(chat, cmd("laporan", "")), id, "Jalan Sidomukti berlubang") // the citizen's own list
	r := h.report(id)
	if r.Title != "Jalan Sidomukti berlubang" || r.Category != "perhubungan" || r.ReporterName != "Siti Rahayu" ||
		r.Contact != "siti.rahayu@contoh.id" || r.Anonymous {
		t.Errorf("stored title %q category %q name %q contact %q anonymous %v", r.Title, r.Category, r.ReporterName, r.Contact, r.Anonymous)
	}
	// The super admin's card has all of it; the agency's, the name but
	// not the contact.
	expect(t, out[gSuper], "📋 "+id, "Judul: Jalan Sidomukti berlubang\nKategori: Perhubungan", "Siti Rahayu", "siti.rahayu@contoh.id")
	// The LAPOR! packet fills the form's fields from them.
	text, pdf, _ := h.packetParts(h.send(gSuper, groupCmd(uSuper, "paket", id)))
	for _, want := range []string{"Judul laporan:\nJalan Sidomukti berlubang", "Kategori:\nPerhubungan",
		"Identitas pelapor:\nSiti Rahayu\n@siti\nsiti.rahayu@contoh.id"} {
		if !strings.Contains(text, want) {
			t.Errorf("the packet has no %q:\n%s", want, text)
		}
	}
	if !strings.Contains(pdf, "Perhubungan") || !strings.Contains(pdf, "siti.rahayu@contoh.id") {
		t.Errorf("the packet's PDF lacks the category or the contact:\n%s", pdf)
	}
	expect(t, h.send(gSuper, groupCmd(uSuper, "verifikasi", id)), "✅ "+id)
	h.post(gRegency, groupCmd(uRegency, "disposisi", id+" pupr"))
	var card string
	for _, o := range h.drainAll()[gPupr] {
		if strings.Contains(o.Text, "📋 "+id) {
			card = o.Text
		}
	}
	if !strings.Contains(card, "Judul: Jalan Sidomukti berlubang") || !strings.Contains(card, "Siti Rahayu") ||
		strings.Contains(card, "siti.rahayu@contoh.id") {
		t.Errorf("agency card: %q", card)
	}
}

// An anonymous reporter is asked neither name nor contact, and can still
// turn anonymous at the name question.
func TestAnonymousSkipsIdentity(t *testing.T) {
	h := newHarness(t)
	h.intakeToEvidence("5200")
	expect(t, h.send("5200", press("ev:skip")), "Sembunyikan identitas")
	expect(t, h.send("5200", press("anon:yes")), "Rahasiakan")
	last := expect(t, h.send("5200", press("conf:no")), "Ringkasan", "Anonim: ya", "Judul: ")
	if strings.Contains(last.Text, "Nama pelapor") || strings.Contains(last.Text, "Kontak") {
		t.Errorf("an anonymous summary names the reporter: %q", last.Text)
	}

	h.intakeToEvidence("5201")
	expect(t, h.send("5201", press("ev:skip")), "Sembunyikan identitas")
	expect(t, h.send("5201", press("anon:no")), "nama Anda")
	expect(t, h.send("5201", press("name:anon")), "Rahasiakan")
	expect(t, h.send("5201", press("conf:no")), "Ringkasan", "Anonim: ya")
	last = expect(t, h.send("5201", press("sum:send")), "Nomor laporan: MGT-")
	r := h.report(last.Text[strings.Index(last.Text, "MGT-"):][:10])
	if !r.Anonymous || r.Contact != "" {
		t.Errorf("anonymous %v, contact %q", r.Anonymous, r.Contact)
	}
	// Skipping the contact is allowed and says what it means.
	h.intakeToEvidence("5202")
	expect(t, h.send("5202", press("ev:skip")), "Sembunyikan identitas")
	expect(t, h.send("5202", press("anon:no")), "nama Anda")
	expect(t, h.send("5202", text("Budi")), "hanya dapat menghubungi Anda lewat chat ini")
	expect(t, h.send("5202", press("contact:skip")), "Rahasiakan")
	expect(t, h.send("5202", press("conf:no")), "Nama pelapor: Budi", "Kontak: tidak diberikan")
}

// A channel that knows the reporter's number (WhatsApp) asks only the name
// and keeps the number as the contact.
func TestKnownNumberIsTheContact(t *testing.T) {
	h := newHarness(t)
	cfg := flows.DefaultConfig()
	cfg.FloodPerMinute = 0
	cfg.Handles = map[string]func(string) string{"test": func(h string) string { return "+62 812-0000-" + h }}
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	h.intakeToEvidence("5300")
	expect(t, h.send("5300", press("ev:skip")), "Sembunyikan identitas")
	expect(t, h.send("5300", press("anon:no")), "Pakai nama ini")
	expect(t, h.send("5300", press("name:profile")), "Rahasiakan")
	expect(t, h.send("5300", press("conf:no")), "Nama pelapor: Siti Aminah", "Kontak: +62 812-0000-siti")
	last := expect(t, h.send("5300", press("sum:send")), "Nomor laporan: MGT-")
	if r := h.report(last.Text[strings.Index(last.Text, "MGT-"):][:10]); r.Contact != "+62 812-0000-siti" {
		t.Errorf("contact %q", r.Contact)
	}
}

// The admins correct the title and the category: each change is in the
// history, refreshes the report's cards (the agency's too), and is
// refused to an agency desk.
func TestAdminsCorrectTitleAndCategory(t *testing.T) {
	h := chainHarness(t)
	id := h.fileReport("5400", "anon:no", "conf:no")
	expect(t, h.send(gSuper, groupCmd(uSuper, "verifikasi", id)), "✅ "+id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "disposisi", id+" pupr")), "✅ "+id)
	h.drainAll()

	expect(t, h.send(gSuper, groupCmd(uSuper, "judul", id+" Jalan   Sidomukti rusak berat")), "✅ Judul laporan "+id+": Jalan Sidomukti rusak berat")
	edited := func(chat, want string) {
		t.Helper()
		for _, o := range h.drainAll()[chat] {
			if o.EditCard != 0 && strings.Contains(o.Text, "📋 "+id) && strings.Contains(o.Text, want) {
				return
			}
		}
		t.Errorf("%s: no card of %s edited to %q", chat, id, want)
	}
	h.post(gSuper, groupCmd(uSuper, "judul", id+" Jalan Sidomukti rusak parah"))
	edited(gPupr, "Judul: Jalan Sidomukti rusak parah")

	last := expect(t, h.send(gRegency, groupCmd(uRegency, "kategori", id)), "Kategori laporan "+id+" sekarang: Pembangunan Desa")
	var pick string
	for _, row := range last.Buttons {
		for _, b := range row {
			if b.Label == "Perhubungan" {
				pick = b.Data
			}
		}
	}
	if !strings.HasPrefix(pick, "kat|"+id+"|") {
		t.Fatalf("no Perhubungan button: %+v", last.Buttons)
	}
	h.post(gRegency, flows.Inbound{Kind: flows.KindButton, Button: pick, IsGroup: true, UserID: uRegency})
	edited(gPupr, "Kategori: Perhubungan")
	// The same button again is stale: the version moved on.
	expect(t, h.send(gRegency, flows.Inbound{Kind: flows.KindButton, Button: pick, IsGroup: true, UserID: uRegency}), id)
	expect(t, h.send(gSuper, groupCmd(uSuper, "kategori", id+" kesehatan")), "✅ Kategori laporan "+id+": Kesehatan")
	expect(t, h.send(gSuper, groupCmd(uSuper, "kategori", id+" kesehatan")), "tidak ada yang diubah")
	expect(t, h.send(gSuper, groupCmd(uSuper, "kategori", id+" entah")), "Kategori \"entah\" tidak ada")
	expect(t, h.send(gSuper, groupCmd(uSuper, "judul", id+" ab")), "3 sampai 80")

	// Not for agencies, not even in their own desk.
	expect(t, h.send(gPupr, groupCmd(uPupr, "judul", id+" Judul dari OPD")), "tidak tersedia untuk peran Anda")
	expect(t, h.send(gPupr, groupCmd(uSuper, "kategori", id+" sosial")), "tidak berwenang")

	r := h.report(id)
	if r.Title != "Jalan Sidomukti rusak parah" || r.Category != "kesehatan" {
		t.Errorf("title %q category %q", r.Title, r.Category)
	}
	var kinds []string
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		events, err := tx.Events(h.ctx, r.ID)
		for _, e := range events {
			if e.Kind == "title_set" || e.Kind == "category_set" {
				kinds = append(kinds, e.Kind+": "+e.Note)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 4 || !strings.HasSuffix(kinds[1], "→ Jalan Sidomukti rusak parah") ||
		kinds[2] != "category_set: Pembangunan Desa → Perhubungan" || kinds[3] != "category_set: Perhubungan → Kesehatan" {
		t.Errorf("history: %q", kinds)
	}
	expect(t, h.send(gSuper, groupCmd(uSuper, "laporan", id)), "Judul diubah", "Kategori diubah")
}
