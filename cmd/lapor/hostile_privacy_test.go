package main

// Hostile cases of the privacy rule (issue 13): where a message goes
// decides what it may contain. They run in the Telegram group's service
// (its desks and fixtures; see tgHostile).

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/store"
)

// ombudsmanGroup is the Ombudsman's desk group, registered by the case
// that needs it.
const ombudsmanGroup = -1005

// fileAs runs the whole intake with the citizen's choices: where (an
// address typed, or a pin when lat is not 0), the kecamatan, evidence,
// anonymity and confidentiality. It returns the tracking number.
func (h *tgHostile) fileAs(t *testing.T, c *citizen, description, address string, lat, lon float64, kecamatan string,
	evidence func(), anonymous, confidential bool) string {
	t.Helper()
	h.startDraft(t, c)
	tsay(t, c, description, "Dicatat")
	tpress(t, c, "what:next", "Kapan")
	tpress(t, c, "when:today", "Di mana")
	if lat != 0 {
		h.fake.SendLocation(c.chat, c.user, lat, lon)
		texpect(t, c, "ecamatan")
	} else {
		tsay(t, c, address, "ecamatan")
	}
	tpress(t, c, "kec:"+kecamatan, "Bukti")
	if evidence != nil {
		evidence()
	}
	tpress(t, c, "ev:done", "Sembunyikan identitas")
	if anonymous {
		tpress(t, c, "anon:yes", "Rahasiakan")
	} else {
		tpress(t, c, "anon:no", "nama Anda")
		tsay(t, c, "Warga Magetan", "telepon atau alamat e-mail")
		tsay(t, c, "warga@contoh.id", "Rahasiakan")
	}
	tpress(t, c, map[bool]string{true: "conf:yes", false: "conf:no"}[confidential], "Ringkasan")
	done := tpress(t, c, "sum:send", "Nomor laporan: ")
	id := trackingRE.FindString(done.Text)
	if id == "" {
		t.Fatalf("no tracking number in %q", done.Text)
	}
	return id
}

// toAgency verifies a report and disposes it to an agency.
func (h *tgHostile) toAgency(t *testing.T, id, agency string, desk *citizen) {
	t.Helper()
	tsay(t, h.super, "/verifikasi "+id, "✅ "+id)
	tsay(t, h.regency, "/disposisi "+id+" "+agency, "✅ "+id)
	texpect(t, desk, id)
}

// since is what the bot sent to chat after the first n messages, as text:
// texts, captions, file names and the text of every PDF.
func (h *tgHostile) since(t *testing.T, chat int64, n int) string {
	t.Helper()
	hquiet(t, h.db)
	var b strings.Builder
	for _, s := range h.fake.Sent(chat)[n:] {
		b.WriteString(s.Text + "\n" + s.Caption + "\n" + s.FileName + "\n")
		if r, err := pdf.NewReader(bytes.NewReader(s.FileData), int64(len(s.FileData))); err == nil {
			for i := 1; i <= r.NumPage(); i++ {
				if p := r.Page(i); !p.V.IsNull() {
					text, _ := p.GetPlainText(nil)
					b.WriteString(text + "\n")
				}
			}
		} else {
			b.Write(s.FileData) // a CSV, or a citizen's file as it is
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// newest waits for the next file the bot sends to chat after n messages.
func (h *tgHostile) newestFile(t *testing.T, chat int64, n int) telegramtest.Sent {
	t.Helper()
	var found telegramtest.Sent
	hwait(t, "a file in the chat", func() bool {
		for _, s := range h.fake.Sent(chat)[n:] {
			if len(s.FileData) > 0 {
				found = s
				return true
			}
		}
		return false
	})
	return found
}

func (h *tgHostile) open311(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + h.env["LAPOR_HTTP_ADDR"] + "/open311/v2/" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustNotShow(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s shows %q", where, s)
		}
	}
}

func privacyHostileCases() []hostileCase[*tgHostile] {
	type E = *tgHostile
	return []hostileCase[E]{
		{id: "H100", channel: "telegram", name: "anonymous reporter's name in evidence file names",
			input: "an anonymous report whose evidence is foto_Siti_Rahayu_Wulandari_Jl_Mawar_5.jpg (a photo sent as a document) " +
				"and KTP_Siti_Rahayu_Wulandari.pdf, disposed to pupr; then /cetak in the pupr desk",
			expect: "the pupr desk gets the photo as bukti-1.jpg and a line that the other file is not passed on; its printout lists " +
				"bukti-1.jpg and bukti-2.pdf; the original names reach no agency message or file; the super admin desk still sees them",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				id := h.fileAs(t, c, "Saluran air di depan rumah tersumbat sampah sejak dua minggu.", "Jl. Raya Plaosan No. 3", 0, 0,
					"35.20.09", func() {
						h.fake.SendDocument(c.chat, c.user, "foto_Siti_Rahayu_Wulandari_Jl_Mawar_5.jpg", "image/jpeg", jpegWithGPS(t), "")
						texpect(t, c, "Bukti ke-1 diterima")
						h.fake.SendDocument(c.chat, c.user, "KTP_Siti_Rahayu_Wulandari.pdf", "application/pdf", []byte("%PDF-1.4 KTP Siti"), "")
						texpect(t, c, "Bukti ke-2 diterima")
					}, true, false)
				n := len(h.fake.Sent(puprGroup))
				h.toAgency(t, id, "pupr", h.pupr)
				texpect(t, h.pupr, "tidak diteruskan")
				tsay(t, h.pupr, "/cetak "+id, "Lembar laporan")
				h.newestFile(t, puprGroup, n)
				desk := h.since(t, puprGroup, n)
				mustNotShow(t, "the pupr desk", desk, "Siti", "Rahayu", "Wulandari", "Mawar", "KTP")
				if !strings.Contains(desk, "bukti-1.jpg") || !strings.Contains(desk, "bukti-2.pdf") {
					t.Errorf("the pupr desk does not name the files neutrally: %s", desk)
				}
				if super := h.since(t, superGroup, 0); !strings.Contains(super, "KTP_Siti_Rahayu_Wulandari.pdf") {
					t.Error("the super admin desk lost the files' names")
				}
			}},
		{id: "H101", channel: "telegram", name: "anonymous reporter's typed address and pin in open data",
			input: "two anonymous reports, one with the address \"Jl. Mawar No. 5 RT 02 RW 03, Kel. Selosari, rumah Bu Siti Rahayu\", " +
				"one with a map pin, both verified; a third filed and not verified; then GET /open311/v2/requests.json and each request",
			expect: "the first is published with the address \"Kelurahan Selosari, Kecamatan Magetan\", the second without lat/long; " +
				"neither the street, the name nor the pin appears; the unverified report is not published (404 on its own)",
			run: func(t *testing.T, h E) {
				typed := h.fileAs(t, h.citizen(), "Lampu jalan mati di depan rumah sejak sebulan, gelap sekali malam hari.",
					"Jl. Mawar No. 5 RT 02 RW 03, Kel. Selosari, rumah Bu Siti Rahayu", 0, 0, "35.20.06", nil, true, false)
				pinned := h.fileAs(t, h.citizen(), "Pohon tumbang menutup separuh jalan sejak kemarin sore.", "",
					-7.64871, 111.33912, "35.20.06", nil, true, false)
				unverified := h.fileAs(t, h.citizen(), "Trotoar rusak di depan sekolah membahayakan anak-anak.",
					"Jl. Melati 7, Selosari", 0, 0, "35.20.06", nil, false, false)
				for _, id := range []string{typed, pinned} {
					tsay(t, h.super, "/verifikasi "+id, "✅ "+id)
				}
				for _, format := range []string{"json", "xml"} {
					_, list := h.open311(t, "requests."+format)
					if !strings.Contains(list, typed) || !strings.Contains(list, pinned) {
						t.Errorf("requests.%s lacks the verified reports", format)
					}
					if strings.Contains(list, unverified) {
						t.Errorf("requests.%s publishes an unverified report", format)
					}
					mustNotShow(t, "requests."+format, list, "Mawar", "Siti", "RT 02", "7.64871", "111.33912", "-7.65", "111.34")
				}
				var reqs []map[string]any
				_, one := h.open311(t, "requests/"+typed+".json")
				if err := json.Unmarshal([]byte(one), &reqs); err != nil || len(reqs) != 1 || reqs[0]["address"] != "Kelurahan Selosari, Kecamatan Magetan" {
					t.Errorf("the typed address is published as %s", one)
				}
				_, one = h.open311(t, "requests/"+pinned+".json")
				if err := json.Unmarshal([]byte(one), &reqs); err != nil || len(reqs) != 1 || reqs[0]["lat"] != nil || reqs[0]["long"] != nil {
					t.Errorf("the pin is published: %s", one)
				}
				if status, _ := h.open311(t, "requests/"+unverified+".json"); status != 404 {
					t.Errorf("the unverified report answers %d", status)
				}
			}},
		{id: "H102", channel: "telegram", name: "admin commands typed in another desk",
			input: "a named, confidential report at dinkes; the super admin types /laporan, /cetak and /ekspor csv in the pupr desk; " +
				"then the Ombudsman desk's officer asks /laporan and /cetak of a report not forwarded to the Ombudsman",
			expect: "in the pupr desk: \"tidak ditemukan\", \"tidak berwenang\", and an export without the dinkes report; nothing of " +
				"it (name, description) reaches the pupr desk; in the Ombudsman desk both refused alike",
			run: func(t *testing.T, h E) {
				c := h.citizen()
				id := h.fileAs(t, c, "Pelayanan puskesmas pembantu tutup di jam kerja tanpa pemberitahuan.", "Jl. Raya Plaosan No. 3",
					0, 0, "35.20.09", nil, false, true)
				h.toAgency(t, id, "dinkes", h.dinkes)
				superInPupr := newCitizen(h.fake, puprGroup)
				superInPupr.user, superInPupr.wait = 9001, 30*time.Second
				n := len(h.fake.Sent(puprGroup))
				tsay(t, superInPupr, "/laporan "+id, "tidak ditemukan")
				tsay(t, superInPupr, "/cetak "+id, "tidak berwenang")
				tsay(t, superInPupr, "/ekspor csv", "Ekspor")
				export := h.newestFile(t, puprGroup, n)
				if strings.Contains(string(export.FileData), id) {
					t.Error("the pupr desk's export holds the dinkes report")
				}
				mustNotShow(t, "the pupr desk", h.since(t, puprGroup, n), fmt.Sprintf("Citizen %d", c.chat), "puskesmas pembantu")
				haudited(t, h.db, "the refused /cetak in the pupr desk", func(e store.AuditEntry) bool {
					return e.Action == "/cetak" && !e.Allowed && e.ChatID == fmt.Sprint(puprGroup) && e.UserID == "9001"
				})

				// The Ombudsman desk: /laporan refuses what /cetak refuses.
				tsay(t, h.superPrivate, "/petugas tambah 9005 ombudsman Omar", "9005")
				code := codeRE.FindStringSubmatch(tsay(t, h.superPrivate, "/kode_grup ombudsman", "Kode pendaftaran").Text)
				omb := newCitizen(h.fake, ombudsmanGroup)
				omb.user, omb.wait = 9005, 30*time.Second
				tsay(t, omb, "/daftar_grup "+code[1], "terdaftar sebagai grup petugas")
				tsay(t, omb, "/cetak "+h.atPupr, "tidak berwenang")
				tsay(t, omb, "/laporan "+h.atPupr, "tidak ditemukan")
				mustNotShow(t, "the Ombudsman desk", h.since(t, ombudsmanGroup, 0), "jembatan kayu")
			}},
		{id: "H103", channel: "telegram", name: "walk-in citizen's contact on the agency's card",
			input: "/catat pengaduan | Magetan | <description> | Bu Sri Wahyuni 0812-3456-7890 Jl. Melati 7 in the regency desk; " +
				"verified and disposed to pupr; /cetak in the pupr desk",
			expect: "the pupr card says the reporter came in person and that the regency admins hold the contact; neither the " +
				"card nor the printout shows the name, the phone or the address; the regency desk's card does",
			run: func(t *testing.T, h E) {
				n := len(h.fake.Sent(puprGroup))
				rec := tsay(t, h.regency, "/catat pengaduan | Magetan | Saluran irigasi jebol dan air meluap ke jalan desa sejak semalam. | "+
					"Bu Sri Wahyuni 0812-3456-7890 Jl. Melati 7", "dicatat sebagai")
				id := trackingRE.FindString(rec.Text)
				h.toAgency(t, id, "pupr", h.pupr)
				tsay(t, h.pupr, "/cetak "+id, "Lembar laporan")
				h.newestFile(t, puprGroup, n)
				desk := h.since(t, puprGroup, n)
				if !strings.Contains(desk, "melapor langsung") {
					t.Errorf("the pupr card does not say the reporter came in person: %s", desk)
				}
				mustNotShow(t, "the pupr desk", desk, "Sri", "Wahyuni", "0812", "Melati")
				if !strings.Contains(h.since(t, regencyGroup, 0), "0812-3456-7890") {
					t.Error("the regency desk does not see the walk-in's contact")
				}
			}},
		{id: "H104", channel: "telegram", name: "CSV formula behind a semicolon",
			input: "a report whose description is \"Jalan rusak;=cmd|' /C calc'!A0;+SUM(1);@x\", then /ekspor csv by the super admin; " +
				"the file read as an Indonesian Excel reads it (split on ;)",
			expect: "no cell of any row, split on commas or on semicolons, starts with = + - or @",
			run: func(t *testing.T, h E) {
				id := h.fileAs(t, h.citizen(), "Jalan rusak;=cmd|' /C calc'!A0;+SUM(1);@x berlubang di depan balai desa.",
					"Jl. Raya Plaosan No. 3", 0, 0, "35.20.09", nil, false, false)
				n := len(h.fake.Sent(h.superPrivate.chat))
				tsay(t, h.superPrivate, "/ekspor csv", "Ekspor")
				doc := bytes.TrimPrefix(h.newestFile(t, h.superPrivate.chat, n).FileData, []byte("\ufeff"))
				if !bytes.Contains(doc, []byte(id)) {
					t.Fatal("the report is not in the export")
				}
				for _, sep := range []rune{',', ';'} {
					r := csv.NewReader(bytes.NewReader(doc))
					r.Comma, r.LazyQuotes, r.FieldsPerRecord = sep, true, -1
					rows, err := r.ReadAll()
					if err != nil && sep == ',' {
						t.Fatal(err)
					}
					for _, row := range rows {
						for _, cell := range row {
							if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) && strings.Contains(cell, "SUM") ||
								strings.HasPrefix(cell, "=cmd") || strings.HasPrefix(cell, "@x") {
								t.Errorf("split on %q, a cell starts a formula: %q", sep, cell)
							}
						}
					}
				}
				// Excel reads a ;-line cell by cell without CSV quoting: check
				// the raw lines as well.
				for _, line := range strings.Split(string(doc), "\n") {
					for _, cell := range strings.Split(line, ";") {
						if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "+") || strings.HasPrefix(cell, "@") {
							t.Errorf("a ;-cell starts a formula: %q", cell)
						}
					}
				}
			}},
	}
}
