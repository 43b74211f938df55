package hardcopy

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
)

var (
	printedAt = time.Date(2026, 11, 21, 9, 30, 0, 0, calendar.Local())
	header    = Header{
		Regency:   "Pemerintah Kabupaten Magetan",
		Unit:      "Pengelola LAPOR! SP4N",
		PrintedAt: printedAt,
		PrintedBy: "Sri Wahyuni (Admin Kabupaten)",
	}
)

// at is a time in WIB in November 2026.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, calendar.Local())
}

func ptr[T any](v T) *T { return &v }

// thumb is a JPEG like the ones flows makes: w×h, a gradient with a
// pattern so it is not a flat picture.
func thumb(t testing.TB, w, h, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x * 255 / w), G: uint8((y*255/h + seed*40) % 256), B: uint8((x ^ y) + seed), A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngThumb is a thumbnail that is not a JPEG (16-bit, which fpdf would
// refuse).
func pngThumb(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA64(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA64{R: 0xffff, A: 0xffff})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func steps(n int) []records.Step {
	actors := []string{"Pelapor", "Admin Kabupaten (Sri Wahyuni)", "Sistem", "Petugas OPD (Bambang Sutrisno)", "Admin Kabupaten (Sri Wahyuni)"}
	whats := []string{"Laporan diajukan", "Laporan diverifikasi", "Pengingat tenggat", "Jawaban dikirim", "Jawaban disetujui"}
	out := make([]records.Step, n)
	for i := range out {
		out[i] = records.Step{
			At: at(2, 8, 0).Add(time.Duration(i) * 5 * time.Hour), Kind: fmt.Sprintf("kind%d", i%5),
			What: whats[i%5], Actor: actors[i%5], Desk: "",
			Note: fmt.Sprintf("Catatan langkah %d: jalan di Desa Sidomukti berlubang sedalam 30 cm, mohon segera ditangani.", i+1),
		}
	}
	return out
}

// record is an admin's record of a report that is not anonymous, with
// every field set.
func record(t testing.TB) records.Record {
	return records.Record{
		TrackingID: "LPR-2611-0042", LaporID: "2611-7788-1234",
		Type: "pengaduan", TypeName: "Pengaduan",
		Description:  "Jalan kabupaten di Desa Sidomukti rusak parah sejak musim hujan — lubang sedalam 30 cm membahayakan pengendara · mohon “segera” ditindaklanjuti. Café di ujung jalan juga terdampak.",
		OccurredOn:   at(1, 0, 0),
		OccurredText: "sekitar pukul 17.00",
		Address:      "Jl. Raya Plaosan–Sarangan km 3, Desa Sidomukti",
		Lat:          ptr(-7.672301), Lon: ptr(111.250917),
		KecamatanCode: "35.20.11", Kecamatan: "Plaosan",
		Channel: "telegram",
		Reporter: &records.Reporter{Name: "Budi Santoso", Username: "@budisan", Contact: "0812-3456-7890",
			Channel: "telegram", ChatID: "123456789"},
		Stage: "at_agency", StageName: "Ditindaklanjuti OPD", Open: true,
		AgencyCode: "dpupr", Agency: "Dinas Pekerjaan Umum dan Penataan Ruang",
		SubmittedAt: at(2, 8, 0), UpdatedAt: at(20, 14, 5), StageDeadline: at(27, 23, 59),
		Round: 1, ClosedReason: "", Rating: 4, RatingComment: "Cepat ditanggapi, terima kasih.",
		Timeline: []records.Step{
			{At: at(2, 8, 0), Kind: "submitted", What: "Laporan diajukan", To: "Menunggu verifikasi", Actor: "Pelapor",
				Note: "Lubang di depan SD Negeri 2 Sidomukti."},
			{At: at(3, 10, 15), Kind: "verify", What: "Laporan diverifikasi", From: "Menunggu verifikasi", To: "Di Admin Kabupaten",
				Actor: "Admin LAPOR! SP4N (Dewi Lestari)", Note: "Data lengkap, diteruskan ke admin kabupaten."},
			{At: at(10, 13, 40), Kind: "dispose", What: "Laporan didisposisikan", From: "Di Admin Kabupaten", To: "Ditindaklanjuti OPD",
				Actor: "Admin Kabupaten (Sri Wahyuni)", Desk: "Meja Infrastruktur", Note: "Mohon ditinjau ke lokasi minggu ini."},
			{At: at(20, 14, 5), Kind: "ask", What: "Pertanyaan kepada pelapor", Actor: "Petugas OPD (Bambang Sutrisno)",
				Note: "Apakah lubang berada di lajur ke arah Sarangan?"},
		},
		Stints: []records.Stint{
			{Stage: "submitted", StageName: "Menunggu verifikasi", Entered: at(2, 8, 0), Left: at(3, 10, 15), Deadline: at(4, 23, 59), Days: 1},
			{Stage: "at_regency", StageName: "Di Admin Kabupaten", Entered: at(3, 10, 15), Left: at(10, 13, 40), Deadline: at(6, 23, 59), Days: 5},
			{Stage: "at_agency", StageName: "Ditindaklanjuti OPD", Entered: at(10, 13, 40), Deadline: at(27, 23, 59), Days: 12.5},
		},
		Attachments: []records.Attachment{
			{ID: 1, Name: "lubang-jalan-depan-SD.jpg", MIME: "image/jpeg", Kind: "photo", Size: 2_345_678, Thumb: thumb(t, 480, 360, 1)},
			{ID: 2, Name: "foto_lokasi_dari_arah_sarangan_sore_hari_setelah_hujan_deras.jpg", MIME: "image/jpeg", Kind: "photo", Size: 812_000, Thumb: thumb(t, 360, 480, 2)},
			{ID: 3, Name: "surat-pengantar-RT.pdf", MIME: "application/pdf", Kind: "document", Size: 153_600},
			{ID: 4, Name: "rekaman-suara.ogg", MIME: "audio/ogg", Kind: "voice", Size: 900},
		},
	}
}

// render prints rec and reads it back.
func render(t *testing.T, rec records.Record, h Header, lang string) ([]byte, int, string) {
	t.Helper()
	var b bytes.Buffer
	if err := Report(&b, rec, h, lang); err != nil {
		t.Fatal(err)
	}
	n, text := extract(t, b.Bytes())
	return b.Bytes(), n, text
}

// extract reads a PDF's pages and text back with a reader other than
// the one that wrote it. Table cells and wrapped lines come out as lines;
// words are joined by single spaces so that wrapped text reads whole.
func extract(t testing.TB, b []byte) (int, string) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a PDF: %v", err)
	}
	rd, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return r.NumPage(), oneLine(string(raw))
}

// body is the text of every page without the page's header and footer
// and without the lines in drop (a table's repeated heading row), so
// that what runs on from page to page reads whole.
func body(t testing.TB, b []byte, h Header, ref string, drop ...string) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	furniture := map[string]bool{h.Regency: true, h.Unit: true, h.Title: true, ref: true}
	for _, d := range drop {
		furniture[d] = true
	}
	var out strings.Builder
	for n := 1; n <= r.NumPage(); n++ {
		s, err := r.Page(n).GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(s, "\n") {
			l = strings.TrimSpace(l)
			if furniture[l] || strings.HasPrefix(l, "Dicetak ") {
				continue
			}
			out.WriteString(l + " ")
		}
	}
	return oneLine(out.String())
}

// pageText is one page's text, words joined by single spaces.
func pageText(t testing.TB, b []byte, n int) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Page(n).GetPlainText(nil)
	if err != nil {
		t.Fatal(err)
	}
	return oneLine(s)
}

func contains(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, oneLine(w)) {
			t.Errorf("the text has no %q in %q", w, text)
		}
	}
}

func lacks(t *testing.T, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("the text has %q", w)
		}
	}
}

func images(b []byte) int { return bytes.Count(b, []byte("/Subtype /Image")) }

func TestReport(t *testing.T) {
	t.Parallel()
	rec := record(t)
	b, pages, text := render(t, rec, header, "id")
	if pages != 2 {
		t.Errorf("%d pages, want 2", pages)
	}
	contains(t, text,
		"Pemerintah Kabupaten Magetan", "Pengelola LAPOR! SP4N", "Rincian Laporan",
		"LPR-2611-0042", "2611-7788-1234", "Pengaduan", "Ditindaklanjuti OPD", "Terbuka",
		"Dinas Pekerjaan Umum dan Penataan Ruang",
		"02-11-2026 08:00 WIB", "20-11-2026 14:05 WIB", "27-11-2026 23:59 WIB",
		"01-11-2026 (sekitar pukul 17.00)", "Jl. Raya Plaosan–Sarangan km 3, Desa Sidomukti",
		"Plaosan (35.20.11)", "-7.672301, 111.250917", "Telegram", "4 dari 5", "Cepat ditanggapi, terima kasih.",
		// The reporter, for this admin's record.
		"Budi Santoso", "@budisan", "0812-3456-7890", "123456789",
		rec.Description,
		// Timeline.
		"dari Di Admin Kabupaten ke Ditindaklanjuti OPD", "Meja Infrastruktur",
		// Deadlines: kept, missed, and running as of PrintedAt.
		"Tepat waktu", "Terlambat", "Berjalan", "12,5",
		// Attachments: names under thumbnails, and the other files.
		"lubang-jalan-depan-SD.jpg", "surat-pengantar-RT.pdf", "Dokumen (application/pdf)", "150 KB",
		"rekaman-suara.ogg", "0,9 KB",
		"Dicetak 21-11-2026 09:30 WIB oleh Sri Wahyuni (Admin Kabupaten) · Halaman 1 dari 2",
		"Halaman 2 dari 2",
	)
	for _, s := range rec.Timeline {
		contains(t, text, s.Actor, s.Note, s.What)
	}
	lacks(t, text, "Pelapor: Anonim", "Pelapor: tidak ditampilkan")
	// The long name wraps under its thumbnail, two lines at most.
	contains(t, text, "foto_lokasi_dari_arah_sarangan")
	if n := images(b); n != 2 {
		t.Errorf("%d images embedded, want the 2 thumbnails", n)
	}
	// The header is on every page.
	for p := 1; p <= pages; p++ {
		contains(t, pageText(t, b, p), "Pemerintah Kabupaten Magetan", "Pengelola LAPOR! SP4N", "LPR-2611-0042",
			fmt.Sprintf("Halaman %d dari %d", p, pages))
	}
}

func TestReportShortIsOnePage(t *testing.T) {
	t.Parallel()
	rec := record(t)
	rec.Reporter, rec.Anonymous = nil, true
	rec.Lat, rec.Lon = nil, nil
	rec.Attachments = nil
	rec.Timeline = rec.Timeline[:2]
	rec.Stints = rec.Stints[:1]
	_, pages, text := render(t, rec, header, "id")
	if pages != 1 {
		t.Errorf("%d pages, want 1", pages)
	}
	contains(t, text, "Tidak ada lampiran.", "Halaman 1 dari 1")
}

func TestReportReporterHidden(t *testing.T) {
	t.Parallel()
	rec := record(t)
	rec.Reporter = nil
	rec.Anonymous = true
	_, _, text := render(t, rec, header, "id")
	contains(t, text, "Pelapor: Anonim")
	lacks(t, text, "Budi Santoso", "@budisan", "0812-3456-7890", "tidak ditampilkan")

	// An agency's record of a report that is not anonymous.
	rec.Anonymous = false
	_, _, text = render(t, rec, header, "id")
	contains(t, text, "Pelapor: tidak ditampilkan")
	lacks(t, text, "Budi Santoso", "Pelapor: Anonim")

	_, _, text = render(t, rec, header, "en")
	contains(t, text, "Reporter: not shown", "Report Details", "Page 1 of 2", "Printed 21-11-2026 09:30 WIB by")
}

func TestReportLongDescription(t *testing.T) {
	t.Parallel()
	rec := record(t)
	var desc strings.Builder
	for i := 0; desc.Len() < 20_000; i++ {
		if i%12 == 11 {
			desc.WriteString("\n\n")
		}
		fmt.Fprintf(&desc, "Kalimat %d: air menggenang di badan jalan dan saluran tersumbat sampah. ", i+1)
	}
	rec.Description = desc.String()
	rec.Attachments = nil
	rec.Timeline = rec.Timeline[:2]
	b, pages, text := render(t, rec, header, "id")
	if pages != 5 {
		t.Errorf("%d pages, want 5", pages)
	}
	contains(t, text, "Halaman 5 dari 5")
	h := header
	h.Title = "Rincian Laporan"
	contains(t, body(t, b, h, rec.TrackingID), rec.Description)
	// The description goes on across pages under their headers.
	for p := 2; p <= pages; p++ {
		contains(t, pageText(t, b, p), "Pemerintah Kabupaten Magetan", fmt.Sprintf("Halaman %d dari 5", p))
	}
}

func TestReportLongTimeline(t *testing.T) {
	t.Parallel()
	rec := record(t)
	rec.Timeline = steps(60)
	long := strings.Repeat("Petugas sudah meninjau lokasi dan mencatat kerusakan pada bahu jalan serta saluran air. ", 70)
	rec.Timeline[30].Note = long // about 6,000 characters: more than a page in its column
	b, pages, text := render(t, rec, header, "id")
	if pages != 8 {
		t.Errorf("%d pages, want 8", pages)
	}
	h := header
	h.Title = "Rincian Laporan"
	all := body(t, b, h, rec.TrackingID, "Waktu", "Pelaku", "Kejadian", "Catatan")
	for _, s := range rec.Timeline {
		contains(t, all, s.Note)
	}
	contains(t, text, long[:200], long[len(long)-200:])
	// The table's heading row is repeated on the pages it goes on to.
	for p := 3; p <= 6; p++ {
		contains(t, pageText(t, b, p), "Waktu Pelaku Kejadian Catatan")
	}
}

func TestReportCharacters(t *testing.T) {
	t.Parallel()
	rec := record(t)
	rec.Description = "Jalan rusak 😡🙏🏽 parah — mohon “segera” · café ½ € 100 ñ ü\nBaris kedua 道路 selesai. e\u0301 ❤️ 👨‍👩‍👧 akhir"
	rec.Timeline[0].Note = "Terima kasih 🙏"
	rec.Agency = "Dinas Kesehatan \u200b🏥"
	b, _, text := render(t, rec, header, "id")
	// Every character the embedded font has prints as typed (and reads
	// back as typed: the ToUnicode map is the specification's); an emoji
	// it lacks is "[emoji]", a run of CJK letters "▯", never "?".
	contains(t, text,
		"Jalan rusak [emoji] parah — mohon “segera” · café ½ € 100 ñ ü",
		"Baris kedua ▯ selesai. é ❤ [emoji] akhir",
		"Terima kasih [emoji]", "Dinas Kesehatan [emoji]")
	lacks(t, text, "rusak ?", "kedua ?", "kasih ?", "Kesehatan ?", "\x13", "\x14", "\x1c")
	// No UTF-8 bytes read as Windows-1252 (how 😡, 道 or é would look),
	// and no characters the reader could not decode.
	lacks(t, text, "ð", "Ÿ", "è", "Ã", "â€", "\ufffd", "\x00")
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Error("not a PDF")
	}
}

func TestReportOddAttachments(t *testing.T) {
	t.Parallel()
	rec := record(t)
	rec.Attachments = append(rec.Attachments,
		records.Attachment{ID: 5, Name: "rusak.jpg", MIME: "image/jpeg", Kind: "photo", Size: 10, Thumb: []byte("not a jpeg")},
		records.Attachment{ID: 6, Name: "", MIME: "", Kind: "", Size: 0},
		records.Attachment{ID: 7, Name: "tangkapan-layar.png", MIME: "image/png", Kind: "photo", Size: 52_000, Thumb: pngThumb(t)},
	)
	for i := range 10 {
		rec.Attachments = append(rec.Attachments, records.Attachment{ID: int64(10 + i), Name: fmt.Sprintf("foto-%02d.jpg", i),
			MIME: "image/jpeg", Kind: "photo", Size: 300_000, Thumb: thumb(t, 120+i*30, 200, i)})
	}
	b, _, text := render(t, rec, header, "id")
	contains(t, text, "rusak.jpg", "Foto (image/jpeg)", "foto-00.jpg", "foto-09.jpg", "Berkas lain",
		"tangkapan-layar.png Foto (image/png) 50,8 KB")
	if n := images(b); n != 12 {
		t.Errorf("%d images embedded, want 12", n)
	}
}

// An image the decode gate refused as too large to decode has no
// thumbnail; the printout lists it with the other files, as a photo, and
// says in a line of its own that it was too large to print.
func TestReportImageTooLarge(t *testing.T) {
	t.Parallel()
	rec := record(t)
	rec.Attachments = append(rec.Attachments,
		records.Attachment{ID: 8, Name: "bom.png", MIME: "image/png", Kind: "photo", TooLarge: true, Size: 320})
	for lang, want := range map[string][]string{
		"id": {"bom.png: gambar terlalu besar untuk dicetak", "bom.png Foto (image/png) 0,3 KB"},
		"en": {"bom.png: image too large to print", "bom.png Photo (image/png) 0.3 KB"},
	} {
		b, _, text := render(t, rec, header, lang)
		contains(t, text, want...)
		if n := images(b); n != 2 {
			t.Errorf("%s: %d images embedded, want the 2 thumbnails", lang, n)
		}
	}
}

func TestReportEmptyRecord(t *testing.T) {
	t.Parallel()
	_, pages, text := render(t, records.Record{}, Header{}, "")
	if pages != 1 {
		t.Errorf("%d pages, want 1", pages)
	}
	contains(t, text, "Rincian Laporan", "(tanpa uraian)", "Belum ada riwayat.", "Tidak ada batas waktu.",
		"Tidak ada lampiran.", "Pelapor: tidak ditampilkan", "Belum dinilai", "Halaman 1 dari 1")
}

func TestReportDeterministic(t *testing.T) {
	t.Parallel()
	rec := record(t)
	var a, b bytes.Buffer
	if err := Report(&a, rec, header, "id"); err != nil {
		t.Fatal(err)
	}
	if err := Report(&b, rec, header, "id"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same record printed twice differs")
	}
	contains(t, string(a.Bytes()), "/CreationDate (D:20261121093000)")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteError(t *testing.T) {
	t.Parallel()
	if err := Report(failWriter{}, record(t), header, "id"); err == nil {
		t.Error("a failed write was not reported")
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	id, en := &doc{}, &doc{en: true}
	for _, c := range []struct{ got, want string }{
		{id.number(3), "3"}, {id.number(2.5), "2,5"}, {en.number(2.5), "2.5"}, {id.number(2.04), "2"},
		{id.percent(40.0 / 52), "76,9%"}, {en.percent(1), "100%"}, {id.percent(0), "0%"}, {id.percent(-1), "—"},
		{id.size(0), "—"}, {id.size(900), "0,9 KB"}, {id.size(153_600), "150 KB"}, {id.size(2_345_678), "2,2 MB"},
		{id.when(time.Date(2026, 1, 2, 1, 4, 0, 0, time.UTC)), "02-01-2026 08:04 WIB"}, {id.when(time.Time{}), "—"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func BenchmarkReport(b *testing.B) {
	rec := record(b)
	rec.Timeline = steps(80)
	rec.Attachments = nil
	for i := range 10 {
		rec.Attachments = append(rec.Attachments, records.Attachment{ID: int64(i), Name: fmt.Sprintf("foto-%02d.jpg", i),
			MIME: "image/jpeg", Kind: "photo", Size: 1_500_000, Thumb: thumb(b, 480, 360, i)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Report(io.Discard, rec, header, "id"); err != nil {
			b.Fatal(err)
		}
	}
}
