package hardcopy

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
)

var kecamatan = []string{"Poncol", "Parang", "Lembeyan", "Takeran", "Nguntoronadi", "Kawedanan", "Magetan", "Ngariboyo",
	"Plaosan", "Sidorejo", "Panekan", "Sukomoro", "Bendo", "Maospati", "Karangrejo", "Karas", "Barat", "Kartoharjo"}

// recap is a month of a regency with n agencies.
func recap(n int) records.Recap {
	r := records.Recap{
		Regency: "Kabupaten Magetan", Unit: "Pengelola LAPOR! SP4N", Period: "November 2026",
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, calendar.Local()), To: time.Date(2026, 12, 1, 0, 0, 0, 0, calendar.Local()),
		GeneratedAt: time.Date(2026, 12, 1, 6, 0, 0, 0, calendar.Local()),
		Total:       412, Open: 97,
		ByType: []records.Count{
			{Key: "pengaduan", Label: "Pengaduan", N: 301},
			{Key: "aspirasi", Label: "Aspirasi", N: 88},
			{Key: "permintaan_informasi", Label: "Permintaan informasi", N: 23},
		},
		ByStage: []records.Count{
			{Key: "closed", Label: "Selesai", N: 315},
			{Key: "at_agency", Label: "Ditindaklanjuti OPD", N: 61},
			{Key: "at_regency", Label: "Di Admin Kabupaten", N: 20},
			{Key: "submitted", Label: "Menunggu verifikasi", N: 16},
		},
		StageCompliance: []records.Compliance{
			{Key: "submitted", Label: "Menunggu verifikasi", Met: 380, Missed: 16, Running: 16},
			{Key: "at_regency", Label: "Di Admin Kabupaten", Met: 350, Missed: 20, Running: 20},
			{Key: "at_agency", Label: "Ditindaklanjuti OPD", Met: 40, Missed: 12, Running: 61},
			{Key: "answer_review", Label: "Pemeriksaan jawaban", Met: 0, Missed: 0, Running: 5},
		},
		MedianDays: []records.Median{
			{Key: "submitted", Label: "Menunggu verifikasi", Days: 1, N: 396},
			{Key: "at_regency", Label: "Di Admin Kabupaten", Days: 1.5, N: 370},
			{Key: "at_agency", Label: "Ditindaklanjuti OPD", Days: 7, N: 52},
		},
	}
	for i := range n {
		name := fmt.Sprintf("Dinas Nomor %02d Urusan Pemerintahan Bidang Pelayanan Publik Kabupaten Magetan", i+1)
		r.ByAgency = append(r.ByAgency, records.Count{Key: fmt.Sprintf("opd%02d", i+1), Label: name, N: 40 - i%37})
		r.AgencyCompliance = append(r.AgencyCompliance, records.Compliance{Key: fmt.Sprintf("opd%02d", i+1), Label: name,
			Met: i % 9, Missed: i % 4, Running: i % 3})
	}
	r.ByAgency = append(r.ByAgency, records.Count{}) // reports with no agency yet
	r.ByCategory = []records.Count{{Key: "infrastruktur", Label: "Infrastruktur", N: 200}, {Key: "kesehatan", Label: "Kesehatan", N: 150},
		{Key: "", N: 62}} // reports from before categories
	for i, k := range kecamatan {
		r.ByKecamatan = append(r.ByKecamatan, records.Count{Key: strconv.Itoa(i), Label: k, N: 30 - i})
	}
	for i := range 10 {
		r.Oldest = append(r.Oldest, records.OpenItem{TrackingID: fmt.Sprintf("LPR-2608-%04d", 100+i), StageName: "Ditindaklanjuti OPD",
			Agency: "Dinas Nomor 07", Submitted: time.Date(2026, 8, 3+i, 10, 0, 0, 0, calendar.Local()), Days: float64(80 - i)})
	}
	return r
}

func renderRecap(t *testing.T, r records.Recap, h Header, lang string) ([]byte, int, string) {
	t.Helper()
	var b bytes.Buffer
	if err := Recap(&b, r, h, lang); err != nil {
		t.Fatal(err)
	}
	n, text := extract(t, b.Bytes())
	return b.Bytes(), n, text
}

func TestRecap(t *testing.T) {
	t.Parallel()
	r := recap(60)
	h := header
	h.Regency, h.Unit = "", "" // the recap's own
	b, pages, text := renderRecap(t, r, h, "id")
	if pages != 11 {
		t.Errorf("%d pages, want 11", pages)
	}
	contains(t, text,
		"Kabupaten Magetan", "Pengelola LAPOR! SP4N", "Rekap Bulanan Laporan", "November 2026",
		"November 2026 (01-11-2026 s.d. 30-11-2026)", "01-12-2026 06:00 WIB",
		"Laporan masuk 412", "Masih terbuka 97", "Berakhir (selesai atau diarsipkan) 315",
		"1 Pengaduan 301 73,1%", "3 Permintaan informasi 23 5,6%",
		"Ditindaklanjuti OPD 61", "Plaosan 22", "Kartoharjo 13",
		"Belum ditentukan", // the reports without an agency
		"Laporan menurut kategori LAPOR!", "1 Infrastruktur 200 48,5%", "3 (tanpa kategori) 62 15%",
		// Compliance by stage: 40 of 52, 380 of 396, and nothing finished yet.
		"Ditindaklanjuti OPD 40 12 61 76,9%", "Menunggu verifikasi 380 16 16 96%", "Pemeriksaan jawaban 0 0 5 —",
		"Median hari kerja", "Di Admin Kabupaten 1,5 370",
		"Dicetak 21-11-2026 09:30 WIB oleh Sri Wahyuni (Admin Kabupaten) · Halaman 1 dari 11",
		"Halaman 11 dari 11",
	)
	for _, c := range r.ByAgency[:60] {
		contains(t, text, c.Label) // every agency in the full table
	}
	contains(t, text,
		"1 Dinas Nomor 01 Urusan Pemerintahan Bidang Pelayanan Publik Kabupaten Magetan 0 0 0 —",
		"6 Dinas Nomor 06 Urusan Pemerintahan Bidang Pelayanan Publik Kabupaten Magetan 5 1 2 83,3%",
		"9 Dinas Nomor 09 Urusan Pemerintahan Bidang Pelayanan Publik Kabupaten Magetan 8 0 2 100%")
	for _, c := range r.AgencyCompliance {
		want := "—"
		if c.Met+c.Missed > 0 {
			want = (&doc{}).percent(c.Rate())
		}
		contains(t, text, fmt.Sprintf("%s %d %d %d %s", c.Label, c.Met, c.Missed, c.Running, want))
	}
	for i, o := range r.Oldest {
		contains(t, text, fmt.Sprintf("%d %s Ditindaklanjuti OPD Dinas Nomor 07 %s %d", i+1, o.TrackingID,
			o.Submitted.Format("02-01-2006"), 80-i))
	}
	// Seven charts: type, category, stage, agency, kecamatan, and
	// compliance by stage and by agency.
	if n := images(b); n != 7 {
		t.Errorf("%d images embedded, want 7 charts", n)
	}
	for p := 1; p <= pages; p++ {
		contains(t, pageText(t, b, p), "Kabupaten Magetan", "November 2026", fmt.Sprintf("Halaman %d dari %d", p, pages))
	}
}

func TestRecapEnglish(t *testing.T) {
	t.Parallel()
	_, _, text := renderRecap(t, recap(3), header, "en")
	contains(t, text, "Monthly Report Recap", "Reports submitted 412", "Still open 97",
		"November 2026 (01-11-2026 to 30-11-2026)", "Ditindaklanjuti OPD 40 12 61 76.9%", "Page 1 of", "Oldest open reports")
}

func TestRecapEmpty(t *testing.T) {
	t.Parallel()
	b, pages, text := renderRecap(t, records.Recap{Period: "Januari 2027"}, header, "id")
	if pages != 1 {
		t.Errorf("%d pages, want 1", pages)
	}
	contains(t, text, "Januari 2027", "Laporan masuk 0", "Belum ada data.", "Halaman 1 dari 1")
	if n := images(b); n != 0 {
		t.Errorf("%d images in an empty recap", n)
	}
}

func BenchmarkRecap(b *testing.B) {
	r := recap(60)
	b.ReportAllocs()
	for b.Loop() {
		if err := Recap(io.Discard, r, header, "id"); err != nil {
			b.Fatal(err)
		}
	}
}
