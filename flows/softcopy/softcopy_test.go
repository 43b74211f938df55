package softcopy

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
)

// now is the time of every export in these tests: 2026-03-10 10:00 WIB.
var now = time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)

// The identity of the one reporter who is not anonymous, chosen so that
// none of it can turn up in an output by accident.
const (
	reporterName     = "Siti Rahayu Wulandari"
	reporterUsername = "siti_wulan_mgt"
	reporterContact  = "0812-7777-0001"
	reporterChatID   = "987650001"
)

var longDescription = strings.Repeat("Jalan berlubang é ", 2500) // 45,000 characters

func ptr(f float64) *float64 { return &f }

// fixture builds the records of four reports as the producer builds them
// for an audience: whole, then as the privacy table lets the audience see
// them (Record.For), and no confidential report in public ones. leak hands
// the whole records over whatever the audience, as a buggy producer would.
func fixture(a records.Audience, leak bool) []records.Record {
	wibTime := func(day, hour, minute int) time.Time {
		return time.Date(2026, 3, day, hour, minute, 0, 0, calendar.Local())
	}
	identity := &records.Reporter{Name: reporterName, Username: reporterUsername, Contact: reporterContact,
		Channel: "telegram", ChatID: reporterChatID}
	r1 := records.Record{
		TrackingID: "MGT-0001", LaporID: "LPR-2026-77", Type: "pengaduan", TypeName: "Pengaduan",
		Title: "Jalan rusak parah di Maospati", Category: "infrastruktur", CategoryName: "Infrastruktur",
		Description: "Jalan rusak, \"parah\" sekali\nmohon segera diperbaiki",
		OccurredOn:  time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Address:     "Jl. Raya Maospati, No. 5", Lat: ptr(-7.6453), Lon: ptr(111.3591),
		KecamatanCode: "35.20.01", Kecamatan: "Maospati", Channel: "telegram",
		Stage: "at_agency", StageName: "Di OPD", Open: true, AgencyCode: "DPUPR", Agency: "Dinas PUPR",
		SubmittedAt: time.Date(2026, 3, 2, 2, 15, 0, 0, time.UTC), // 09:15 WIB
		UpdatedAt:   wibTime(4, 13, 30), StageDeadline: wibTime(12, 16, 0), Round: 1,
		Timeline: []records.Step{
			{At: wibTime(2, 9, 15), Kind: "submit", What: "Laporan diajukan", To: "Diajukan", Actor: "Pelapor"},
			{At: wibTime(3, 8, 0), Kind: "verify", What: "Diverifikasi", From: "Diajukan", To: "Di Kabupaten", Actor: "Admin Kabupaten (Budi)", Desk: "Bagian Umum"},
			{At: wibTime(4, 13, 30), Kind: "dispose", What: "Didisposisi", From: "Di Kabupaten", To: "Di OPD", Actor: "Admin Kabupaten (Budi)", Note: "=SUM(A1)"},
		},
		Stints: []records.Stint{
			{Stage: "at_regency", StageName: "Di Kabupaten", Entered: wibTime(2, 9, 15), Left: wibTime(4, 13, 30), Deadline: wibTime(5, 16, 0)},
			{Stage: "at_agency", StageName: "Di OPD", Entered: wibTime(4, 13, 30), Deadline: wibTime(12, 16, 0)}, // running, not late
		},
		Attachments: []records.Attachment{{ID: 1, Name: "foto.jpg", MIME: "image/jpeg", Kind: "photo"}},
	}
	r2 := records.Record{
		TrackingID: "MGT-0002", Type: "aspirasi", TypeName: "Aspirasi", Category: "infrastruktur", CategoryName: "Infrastruktur",
		Description:  "=HYPERLINK(\"http://example.com\",\"klik\")",
		OccurredText: "minggu lalu", Kecamatan: "Magetan", Anonymous: true, Channel: "whatsapp",
		Stage: "closed", StageName: "Selesai", AgencyCode: "DPUPR", Agency: "Dinas PUPR",
		SubmittedAt: wibTime(1, 7, 0), UpdatedAt: wibTime(8, 10, 0), Round: 2,
		ClosedReason: "Selesai ditindaklanjuti", Rating: 4, RatingComment: "+62 mantap, terima kasih",
		Timeline: []records.Step{
			{At: wibTime(1, 7, 0), Kind: "submit", What: "Laporan diajukan", Actor: "Pelapor"},
			{At: wibTime(8, 10, 0), Kind: "close", What: "Ditutup", From: "Di OPD", To: "Selesai", Actor: "Admin Kabupaten"},
		},
		Stints: []records.Stint{
			{Stage: "at_agency", Entered: wibTime(2, 8, 0), Left: wibTime(3, 8, 0), Deadline: wibTime(5, 16, 0)}, // met
			{Stage: "at_agency", Entered: wibTime(4, 8, 0), Left: wibTime(8, 9, 0), Deadline: wibTime(6, 16, 0)}, // missed
		},
		Attachments: []records.Attachment{{ID: 2}, {ID: 3}},
	}
	r3 := records.Record{
		TrackingID: "MGT-0003", Type: "pengaduan", TypeName: "Pengaduan", Title: "Obat puskesmas habis",
		Category: "kesehatan", CategoryName: "Kesehatan",
		Description: "@admin tolong", Address: "\tRT 02", Confidential: true, Channel: "web",
		Stage: "closed", StageName: "Selesai", AgencyCode: "DINKES", Agency: "Dinas Kesehatan",
		SubmittedAt: wibTime(1, 8, 0), UpdatedAt: wibTime(9, 8, 0), Round: 1,
		Timeline: []records.Step{{At: wibTime(1, 8, 0), Kind: "submit", What: "Laporan diajukan", Actor: "Pelapor"}},
		Stints: []records.Stint{
			{Stage: "at_agency", Entered: wibTime(2, 8, 0), Deadline: wibTime(6, 16, 0)}, // running and late: missed
		},
	}
	r4 := records.Record{
		TrackingID: "MGT-0004", Type: "permintaan_informasi", TypeName: "Permintaan Informasi",
		Description: longDescription, Channel: "conventional",
		Stage: "submitted", StageName: "Diajukan", Open: true,
		SubmittedAt: wibTime(9, 15, 45), UpdatedAt: wibTime(9, 15, 45),
	}
	r1.Reporter, r2.Reporter, r3.Reporter = identity, identity, identity // r2 is anonymous: never printed, even for an admin
	r4.Reporter = &records.Reporter{Contact: reporterContact, Channel: "conventional"}
	out := []records.Record{r1, r2, r3, r4}
	if !leak {
		for i := range out {
			out[i] = out[i].For(a)
		}
	}
	if a == records.Public {
		out = slices.DeleteFunc(out, func(r records.Record) bool { return r.Confidential })
	}
	return out
}

func seqOf(rs []records.Record) records.Seq {
	return func(yield func(records.Record, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func writeFile(t *testing.T, name string, write func(f *os.File) (int, error)) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := write(f)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, n
}

// readCSV checks the byte-level promises (BOM, CRLF) and parses the file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("csv does not start with a UTF-8 BOM: % x", b[:min(len(b), 8)])
	}
	b = b[3:]
	first, _, ok := bytes.Cut(b, []byte("\n"))
	if !ok || !bytes.HasSuffix(first, []byte("\r")) {
		t.Fatalf("header line does not end with CRLF: %q", first)
	}
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("file does not end with CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("csv does not parse: %v", err)
	}
	return rows
}

func headerIndex(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, header)
	}
	return i
}

var identityHeaders = []string{"Nama pelapor", "Username", "Kontak", "Chat ID"}

// identityHeadersOf are the identity columns the privacy table lets an
// audience see: admins all four, agencies and the Ombudsman the name, the
// public none.
func identityHeadersOf(a records.Audience) []string {
	switch a {
	case records.Admin:
		return identityHeaders
	case records.Agency, records.Ombudsman:
		return identityHeaders[:1]
	}
	return nil
}

func TestCSV(t *testing.T) {
	t.Parallel()
	for _, a := range []records.Audience{records.Admin, records.Agency, records.Public} {
		t.Run(a.String(), func(t *testing.T) {
			t.Parallel()
			recs := fixture(a, false)
			path, n := writeFile(t, "laporan.csv", func(f *os.File) (int, error) {
				return CSV(f, seqOf(recs), Options{Audience: a, Now: now})
			})
			if n != len(recs) {
				t.Fatalf("CSV returned %d rows, want %d", n, len(recs))
			}
			rows := readCSV(t, path)
			if len(rows) != len(recs)+1 {
				t.Fatalf("%d lines, want header + %d", len(rows), len(recs))
			}
			header := rows[0]
			want := []string{"Nomor laporan", "Nomor laporan LAPOR!", "Jenis", "Judul", "Kategori", "Tahap", "Status", "Kode perangkat daerah", "Perangkat daerah", "Kecamatan",
				"Alamat", "Lintang", "Bujur", "Tanggal kejadian", "Waktu kejadian (keterangan)", "Diajukan", "Diperbarui",
				"Batas waktu tahap", "Putaran", "Alasan selesai atau diarsipkan", "Penilaian", "Komentar penilaian", "Anonim", "Rahasia",
				"Kanal", "Jumlah lampiran", "Uraian"}
			want = append(want, identityHeadersOf(a)...)
			if !slices.Equal(header, want) {
				t.Fatalf("header\n got %q\nwant %q", header, want)
			}
			col := func(row []string, name string) string { return row[headerIndex(t, header, name)] }
			r1 := rows[1]
			for name, want := range map[string]string{
				"Nomor laporan":        "MGT-0001",
				"Nomor laporan LAPOR!": "LPR-2026-77",
				"Status":               "Terbuka",
				"Alamat":               "Jl. Raya Maospati, No. 5",
				"Lintang":              "-7.6453", // a number: not guarded
				"Bujur":                "111.3591",
				"Tanggal kejadian":     "2026-03-01",
				"Diajukan":             "2026-03-02 09:15", // 02:15 UTC in WIB
				"Batas waktu tahap":    "2026-03-12 16:00",
				"Putaran":              "1",
				"Penilaian":            "",
				"Anonim":               "Tidak",
				"Judul":                "Jalan rusak parah di Maospati",
				"Kategori":             "Infrastruktur",
				"Jumlah lampiran":      map[bool]string{true: "0", false: "1"}[a == records.Public], // evidence is never public
				"Uraian":               "Jalan rusak, \"parah\" sekali\nmohon segera diperbaiki",
			} {
				if got := col(r1, name); got != want {
					t.Errorf("MGT-0001 %s = %q, want %q", name, got, want)
				}
			}
			r2 := rows[2]
			for name, want := range map[string]string{
				"Nomor laporan":               "MGT-0002",
				"Status":                      "Selesai",
				"Waktu kejadian (keterangan)": "minggu lalu",
				"Tanggal kejadian":            "",
				"Lintang":                     "",
				"Uraian":                      "'=HYPERLINK(\"http://example.com\",\"klik\")",
				"Komentar penilaian":          map[bool]string{true: "", false: "'+62 mantap, terima kasih"}[a == records.Public], // notes are never public
				"Penilaian":                   "4",
				"Anonim":                      "Ya",
			} {
				if got := col(r2, name); got != want {
					t.Errorf("MGT-0002 %s = %q, want %q", name, got, want)
				}
			}
			last := rows[len(rows)-1]
			if got := col(last, "Nomor laporan"); got != "MGT-0004" {
				t.Fatalf("last row is %s", got)
			}
			desc := col(last, "Uraian")
			if u := len(utf16.Encode([]rune(desc))); u != maxCellChars || !strings.HasSuffix(desc, " …[dipotong]") {
				t.Errorf("long description: %d UTF-16 units, ends %q", u, desc[len(desc)-20:])
			}
			if a != records.Public {
				r3 := rows[3]
				if got := col(r3, "Uraian"); got != "'@admin tolong" {
					t.Errorf("MGT-0003 Uraian = %q", got)
				}
				if got := col(r3, "Alamat"); got != "'\tRT 02" {
					t.Errorf("MGT-0003 Alamat = %q", got)
				}
			}
			if a == records.Admin {
				for name, want := range map[string]string{"Nama pelapor": reporterName, "Username": reporterUsername,
					"Kontak": reporterContact, "Chat ID": reporterChatID} {
					if got := col(r1, name); got != want {
						t.Errorf("MGT-0001 %s = %q, want %q", name, got, want)
					}
					if got := col(r2, name); got != "" {
						t.Errorf("anonymous MGT-0002 %s = %q, want empty", name, got)
					}
				}
			}
		})
	}
}

func TestCSVEnglish(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if _, err := CSV(&buf, seqOf(fixture(records.Agency, false)), Options{Lang: "en", Audience: records.Agency, Now: now}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Report number" || rows[0][len(rows[0])-1] != "Reporter name" {
		t.Errorf("English header: %q", rows[0])
	}
	if got := rows[1][headerIndex(t, rows[0], "Status")]; got != "Open" {
		t.Errorf("Status = %q, want Open", got)
	}
}

// TestNoIdentityOutsideAdmin hands the writers whole records, as a buggy
// producer would, and checks that they print no more of the identity than
// the privacy table allows: agencies the name of a reporter who is not
// anonymous, the public nothing, nobody an anonymous reporter's.
func TestNoIdentityOutsideAdmin(t *testing.T) {
	t.Parallel()
	for _, a := range []records.Audience{records.Agency, records.Ombudsman, records.Public} {
		secrets := []string{reporterUsername, reporterContact, reporterChatID}
		if a == records.Public {
			secrets = append(secrets, reporterName)
		}
		t.Run(a.String(), func(t *testing.T) {
			t.Parallel()
			recs := slices.DeleteFunc(fixture(a, true), func(r records.Record) bool { return r.Confidential })
			if recs[0].Reporter == nil {
				t.Fatal("fixture does not leak")
			}
			csvPath, _ := writeFile(t, "x.csv", func(f *os.File) (int, error) {
				return CSV(f, seqOf(recs), Options{Audience: a, Now: now})
			})
			b, err := os.ReadFile(csvPath)
			if err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, csvPath)
			for _, h := range identityHeaders {
				if slices.Contains(rows[0], h) != slices.Contains(identityHeadersOf(a), h) {
					t.Errorf("%s CSV has identity column %q: %v", a, h, slices.Contains(rows[0], h))
				}
			}
			if a != records.Public {
				name := headerIndex(t, rows[0], "Nama pelapor")
				if rows[1][name] != reporterName || rows[2][name] != "" {
					t.Errorf("%s CSV names %q (named) and %q (anonymous)", a, rows[1][name], rows[2][name])
				}
			}
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s CSV prints %q", a, s)
				}
			}
			xlsxPath, _ := writeFile(t, "x.xlsx", func(f *os.File) (int, error) {
				return XLSX(f, seqOf(recs), Options{Audience: a, Now: now})
			})
			x := openXLSX(t, xlsxPath)
			header := rowsOf(t, x, "Laporan")[0]
			for _, h := range identityHeaders {
				if slices.Contains(header, h) != slices.Contains(identityHeadersOf(a), h) {
					t.Errorf("%s XLSX has identity column %q: %v", a, h, slices.Contains(header, h))
				}
			}
			for _, sheet := range x.GetSheetList() {
				for _, row := range rowsOf(t, x, sheet) {
					for _, cell := range row {
						for _, s := range secrets {
							if strings.Contains(cell, s) {
								t.Errorf("%s XLSX sheet %s prints %q", a, sheet, s)
							}
						}
					}
				}
			}
		})
	}
	t.Run("anonymous in admin", func(t *testing.T) {
		t.Parallel()
		recs := fixture(records.Admin, true)
		var buf bytes.Buffer
		if _, err := CSV(&buf, seqOf(recs), Options{Audience: records.Admin, Now: now}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		name := headerIndex(t, rows[0], "Nama pelapor")
		if rows[1][name] != reporterName {
			t.Errorf("admin export lost the reporter of MGT-0001: %q", rows[1][name])
		}
		if rows[2][name] != "" { // MGT-0002 is anonymous
			t.Errorf("admin export prints the reporter of anonymous MGT-0002: %q", rows[2][name])
		}
	})
}

func TestConfidentialInPublic(t *testing.T) {
	t.Parallel()
	recs := fixture(records.Agency, false) // MGT-0003 is confidential
	if _, err := CSV(&bytes.Buffer{}, seqOf(recs), Options{Audience: records.Public, Now: now}); !errors.Is(err, ErrConfidentialInPublic) {
		t.Errorf("CSV: %v, want ErrConfidentialInPublic", err)
	}
	var buf bytes.Buffer
	if _, err := XLSX(&buf, seqOf(recs), Options{Audience: records.Public, Now: now}); !errors.Is(err, ErrConfidentialInPublic) {
		t.Errorf("XLSX: %v, want ErrConfidentialInPublic", err)
	}
	if buf.Len() != 0 {
		t.Errorf("XLSX wrote %d bytes of a refused export", buf.Len())
	}
}

func openXLSX(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize cannot open the export: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func rowsOf(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	return rows
}

// raw returns a cell's stored value, unformatted, and whether it is stored
// as a number.
func raw(t *testing.T, f *excelize.File, sheet, cell string) (string, bool) {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v, typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber
}

func number(t *testing.T, f *excelize.File, sheet, cell string) float64 {
	t.Helper()
	v, isNum := raw(t, f, sheet, cell)
	if !isNum {
		t.Fatalf("%s!%s = %q is not a number", sheet, cell, v)
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s!%s = %q: %v", sheet, cell, v, err)
	}
	return x
}

// dateCell reads a cell as a date: a number with a date format. The time
// comes back as its wall clock, in UTC.
func dateCell(t *testing.T, f *excelize.File, sheet, cell string) time.Time {
	t.Helper()
	x := number(t, f, sheet, cell)
	style, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if s.CustomNumFmt == nil || !strings.Contains(*s.CustomNumFmt, "yyyy-mm-dd") {
		t.Errorf("%s!%s has no date format: %+v", sheet, cell, s)
	}
	d, err := excelize.ExcelDateToTime(x, false)
	if err != nil {
		t.Fatal(err)
	}
	return d.Round(time.Second)
}

func cellName(t *testing.T, header []string, name string, row int) string {
	t.Helper()
	c, err := excelize.CoordinatesToCellName(headerIndex(t, header, name)+1, row)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestXLSX(t *testing.T) {
	t.Parallel()
	for _, a := range []records.Audience{records.Admin, records.Agency, records.Public} {
		t.Run(a.String(), func(t *testing.T) {
			t.Parallel()
			recs := fixture(a, false)
			path, n := writeFile(t, "laporan.xlsx", func(f *os.File) (int, error) {
				return XLSX(f, seqOf(recs), Options{Audience: a, Now: now})
			})
			if n != len(recs) {
				t.Fatalf("XLSX returned %d, want %d", n, len(recs))
			}
			x := openXLSX(t, path)
			if got, want := x.GetSheetList(), []string{"Laporan", "Riwayat", "Per perangkat daerah", "Per kategori", "Info"}; !slices.Equal(got, want) {
				t.Fatalf("sheets %q, want %q", got, want)
			}

			// Laporan
			const sh = "Laporan"
			rows := rowsOf(t, x, sh)
			if len(rows) != len(recs)+1 {
				t.Fatalf("%s has %d rows, want %d", sh, len(rows), len(recs)+1)
			}
			header := rows[0]
			wantCols := 27 + len(identityHeadersOf(a))
			if !slices.Equal(header[27:], identityHeadersOf(a)) {
				t.Errorf("identity headers %q", header[27:])
			}
			if len(header) != wantCols || header[0] != "Nomor laporan" || header[26] != "Uraian" {
				t.Fatalf("header %q", header)
			}
			for i, want := range recs {
				if got := rows[i+1][0]; got != want.TrackingID {
					t.Errorf("row %d tracking id %q, want %q", i+2, got, want.TrackingID)
				}
			}
			if got := dateCell(t, x, sh, cellName(t, header, "Diajukan", 2)); !got.Equal(time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)) {
				t.Errorf("Diajukan of MGT-0001 = %v, want 2026-03-02 09:15 (WIB wall clock)", got)
			}
			if got := dateCell(t, x, sh, cellName(t, header, "Tanggal kejadian", 2)); !got.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("Tanggal kejadian of MGT-0001 = %v", got)
			}
			if got := number(t, x, sh, cellName(t, header, "Lintang", 2)); got != -7.6453 {
				t.Errorf("Lintang = %v", got)
			}
			if got := number(t, x, sh, cellName(t, header, "Jumlah lampiran", 3)); got != map[bool]float64{true: 0, false: 2}[a == records.Public] {
				t.Errorf("Jumlah lampiran of MGT-0002 = %v", got)
			}
			if got := number(t, x, sh, cellName(t, header, "Putaran", 3)); got != 2 {
				t.Errorf("Putaran of MGT-0002 = %v", got)
			}
			if got, _ := raw(t, x, sh, cellName(t, header, "Penilaian", 2)); got != "" {
				t.Errorf("Penilaian of an unrated report = %q, want empty", got)
			}
			// Text is stored as text, not as a formula, so it needs no apostrophe.
			desc := cellName(t, header, "Uraian", 3)
			if got, isNum := raw(t, x, sh, desc); got != recs[1].Description || isNum {
				t.Errorf("Uraian of MGT-0002 = %q", got)
			}
			if f, _ := x.GetCellFormula(sh, desc); f != "" {
				t.Errorf("Uraian of MGT-0002 became a formula %q", f)
			}
			long := rows[len(rows)-1][headerIndex(t, header, "Uraian")]
			if u := len(utf16.Encode([]rune(long))); u != maxCellChars || !strings.HasSuffix(long, " …[dipotong]") {
				t.Errorf("long description: %d UTF-16 units, ends %q", u, long[len(long)-20:])
			}
			if a == records.Admin {
				if got := rows[1][headerIndex(t, header, "Nama pelapor")]; got != reporterName {
					t.Errorf("reporter name %q", got)
				}
			}
			style, _ := x.GetCellStyle(sh, "A1")
			if s, _ := x.GetStyle(style); s == nil || s.Font == nil || !s.Font.Bold {
				t.Errorf("header is not bold")
			}
			if p, _ := x.GetPanes(sh); !p.Freeze || p.YSplit != 1 {
				t.Errorf("header is not frozen: %+v", p)
			}
			lastCol, _ := excelize.ColumnNumberToName(wantCols)
			wantFilter := fmt.Sprintf("'%s'!$A$1:$%s$%d", sh, lastCol, len(recs)+1)
			if !hasFilter(x, 0, wantFilter) {
				t.Errorf("no autofilter %s in %+v", wantFilter, x.GetDefinedName())
			}

			// Riwayat
			steps := 0
			for _, r := range recs {
				steps += len(r.Timeline)
			}
			tl := rowsOf(t, x, "Riwayat")
			if len(tl) != steps+1 {
				t.Fatalf("Riwayat has %d rows, want %d", len(tl), steps+1)
			}
			if !slices.Equal(tl[0], []string{"Nomor laporan", "Waktu", "Peristiwa", "Dari tahap", "Ke tahap", "Pelaku", "Perangkat daerah", "Catatan"}) {
				t.Errorf("Riwayat header %q", tl[0])
			}
			desk, note := "Bagian Umum", "=SUM(A1)"
			if a == records.Public {
				desk, note = "", "" // officers and notes are never public
			}
			if got := append(tl[2], "", ""); got[0] != "MGT-0001" || got[2] != "Diverifikasi" || got[3] != "Diajukan" || got[4] != "Di Kabupaten" || got[6] != desk {
				t.Errorf("Riwayat row 3 %q", got)
			}
			if got := append(tl[3], "", ""); got[7] != note {
				t.Errorf("Riwayat note %q", got)
			}
			if got := dateCell(t, x, "Riwayat", "B3"); !got.Equal(time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)) {
				t.Errorf("Riwayat B3 = %v", got)
			}

			// Per OPD
			ag := rowsOf(t, x, "Per perangkat daerah")
			if !slices.Equal(ag[0], []string{"Kode perangkat daerah", "Perangkat daerah", "Laporan", "Terbuka", "Selesai atau diarsipkan", "Di perangkat daerah: tepat waktu",
				"Di perangkat daerah: terlambat", "Di perangkat daerah: berjalan", "Kepatuhan batas waktu"}) {
				t.Errorf("Per OPD header %q", ag[0])
			}
			type totals struct {
				code                                        string
				reports, open, closed, met, missed, running float64
				rate                                        string
			}
			want := []totals{
				{"DINKES", 1, 0, 1, 0, 1, 0, "0"},
				{"DPUPR", 2, 1, 1, 1, 1, 1, "0.5"},
				{"", 1, 1, 0, 0, 0, 0, ""},
				{"Jumlah", 4, 2, 2, 1, 2, 1, "0.3333333333333333"},
			}
			if a == records.Public { // no MGT-0003
				want = []totals{
					{"DPUPR", 2, 1, 1, 1, 1, 1, "0.5"},
					{"", 1, 1, 0, 0, 0, 0, ""},
					{"Jumlah", 3, 2, 1, 1, 1, 1, "0.5"},
				}
			}
			if len(ag) != len(want)+1 {
				t.Fatalf("Per OPD rows %q", ag)
			}
			for i, w := range want {
				row := i + 2
				if got := ag[i+1][0]; got != w.code {
					t.Errorf("Per OPD A%d = %q, want %q", row, got, w.code)
				}
				for j, wn := range []float64{w.reports, w.open, w.closed, w.met, w.missed, w.running} {
					c, _ := excelize.CoordinatesToCellName(j+3, row)
					if got := number(t, x, "Per perangkat daerah", c); got != wn {
						t.Errorf("Per OPD %s = %v, want %v", c, got, wn)
					}
				}
				c := "I" + strconv.Itoa(row)
				got, _ := raw(t, x, "Per perangkat daerah", c)
				if w.rate == "" && got != "" {
					t.Errorf("Per OPD rate %s = %q, want empty", c, got)
				}
				if w.rate != "" {
					wantRate, _ := strconv.ParseFloat(w.rate, 64)
					if gotRate := number(t, x, "Per perangkat daerah", c); math.Abs(gotRate-wantRate) > 1e-9 {
						t.Errorf("Per OPD rate %s = %v, want %v", c, gotRate, wantRate)
					}
				}
				if got != "" {
					style, _ := x.GetCellStyle("Per perangkat daerah", c)
					if s, _ := x.GetStyle(style); s == nil || s.CustomNumFmt == nil || !strings.Contains(*s.CustomNumFmt, "%") {
						t.Errorf("Per OPD %s is not a percentage", c)
					}
				}
			}
			if got := ag[3][1]; a != records.Public && got != "(belum di perangkat daerah)" {
				t.Errorf("reports at no agency are named %q", got)
			}

			// Info
			info := rowsOf(t, x, "Info")
			if info[0][0] != "Dibuat pada" {
				t.Errorf("Info %q", info)
			}
			if got := dateCell(t, x, "Info", "B1"); !got.Equal(time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)) {
				t.Errorf("generated at %v", got)
			}
			if got := number(t, x, "Info", "B4"); got != float64(len(recs)) {
				t.Errorf("Info reports %v", got)
			}
			if got := info[2][1]; got != map[records.Audience]string{records.Admin: "Admin", records.Agency: "Perangkat daerah", records.Public: "Publik"}[a] {
				t.Errorf("Info audience %q", got)
			}
			if !strings.Contains(info[5][1], "perangkat daerah dan Ombudsman hanya nama") {
				t.Errorf("Info has no identity note: %q", info[5])
			}
		})
	}
}

// hasFilter says whether the workbook has an autofilter with range ref on
// the sheet at index.
func hasFilter(x *excelize.File, index int, ref string) bool {
	for _, d := range x.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.Scope == x.GetSheetName(index) && d.RefersTo == ref {
			return true
		}
	}
	return false
}

func TestXLSXEnglish(t *testing.T) {
	t.Parallel()
	path, _ := writeFile(t, "reports.xlsx", func(f *os.File) (int, error) {
		return XLSX(f, seqOf(fixture(records.Admin, false)), Options{Lang: "en", Audience: records.Admin, Now: now})
	})
	x := openXLSX(t, path)
	if got, want := x.GetSheetList(), []string{"Reports", "Timeline", "Per agency", "Per category", "Info"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	header := rowsOf(t, x, "Reports")[0]
	if header[0] != "Report number" || !slices.Contains(header, "Reporter name") {
		t.Errorf("header %q", header)
	}
	if got := rowsOf(t, x, "Timeline")[0][1]; got != "Date and time" {
		t.Errorf("Timeline header %q", got)
	}
	if got := rowsOf(t, x, "Per agency")[4][0]; got != "Total" {
		t.Errorf("total row %q", got)
	}
}

// TestXLSXContinuedSheets lowers the row limit of a sheet to see the
// reports and the timeline continue on further sheets, each with its
// header and its autofilter, added in the order they fill.
func TestXLSXContinuedSheets(t *testing.T) {
	t.Parallel()
	recs := fixture(records.Agency, false)
	path, _ := writeFile(t, "laporan.xlsx", func(f *os.File) (int, error) {
		return writeXLSX(f, seqOf(recs), Options{Audience: records.Agency, Now: now}, 3)
	})
	x := openXLSX(t, path)
	want := []string{"Laporan", "Riwayat", "Riwayat (2)", "Riwayat (3)", "Laporan (2)", "Per perangkat daerah", "Per kategori", "Info"}
	if got := x.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	var ids, steps []string
	for i, sheet := range want[:5] {
		rows := rowsOf(t, x, sheet)
		if len(rows) > 3 || rows[0][0] != "Nomor laporan" {
			t.Errorf("%s: %q", sheet, rows)
		}
		for _, r := range rows[1:] {
			if strings.HasPrefix(sheet, "Laporan") {
				ids = append(ids, r[0])
			} else {
				steps = append(steps, r[0])
			}
		}
		last := "AB" // 27 columns and the reporter's name
		if strings.HasPrefix(sheet, "Riwayat") {
			last = "H"
		}
		if ref := fmt.Sprintf("'%s'!$A$1:$%s$%d", sheet, last, len(rows)); !hasFilter(x, i, ref) {
			t.Errorf("no autofilter %s", ref)
		}
	}
	if !slices.Equal(ids, []string{"MGT-0001", "MGT-0002", "MGT-0003", "MGT-0004"}) {
		t.Errorf("reports %q", ids)
	}
	if !slices.Equal(steps, []string{"MGT-0001", "MGT-0001", "MGT-0001", "MGT-0002", "MGT-0002", "MGT-0003"}) {
		t.Errorf("steps %q", steps)
	}
}

var errDatabase = errors.New("connection reset by peer")

func failing(rs []records.Record) records.Seq {
	return func(yield func(records.Record, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
		yield(records.Record{}, errDatabase)
	}
}

func TestSeqError(t *testing.T) {
	t.Parallel()
	recs := fixture(records.Admin, false)[:2]
	var buf bytes.Buffer
	n, err := CSV(&buf, failing(recs), Options{Audience: records.Admin, Now: now})
	if !errors.Is(err, errDatabase) || n != 2 {
		t.Errorf("CSV = %d, %v; want 2, %v", n, err, errDatabase)
	}
	buf.Reset()
	n, err = XLSX(&buf, failing(recs), Options{Audience: records.Admin, Now: now})
	if !errors.Is(err, errDatabase) || n != 2 {
		t.Errorf("XLSX = %d, %v; want 2, %v", n, err, errDatabase)
	}
	if buf.Len() != 0 {
		t.Errorf("XLSX wrote %d bytes of a failed export", buf.Len())
	}
}

// brokenWriter fails every write, like a client that went away.
type brokenWriter struct{}

var errGone = errors.New("client went away")

func (brokenWriter) Write([]byte) (int, error) { return 0, errGone }

func TestWriteError(t *testing.T) {
	t.Parallel()
	if _, err := CSV(brokenWriter{}, seqOf(fixture(records.Agency, false)), Options{Audience: records.Agency, Now: now}); !errors.Is(err, errGone) {
		t.Errorf("CSV: %v, want %v", err, errGone)
	}
	if _, err := XLSX(brokenWriter{}, seqOf(fixture(records.Agency, false)), Options{Audience: records.Agency, Now: now}); !errors.Is(err, errGone) {
		t.Errorf("XLSX: %v, want %v", err, errGone)
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	writers := map[string]func(records.Seq, Options) (int, error){
		"csv":  func(s records.Seq, o Options) (int, error) { return CSV(&bytes.Buffer{}, s, o) },
		"xlsx": func(s records.Seq, o Options) (int, error) { return XLSX(&bytes.Buffer{}, s, o) },
	}
	for name, write := range writers {
		for _, tc := range []struct {
			n    int
			want []int
		}{
			{0, []int{0}},
			{999, []int{999}},
			{2000, []int{1000, 2000}},
			{2500, []int{1000, 2000, 2500}},
		} {
			t.Run(fmt.Sprintf("%s/%d", name, tc.n), func(t *testing.T) {
				t.Parallel()
				var got []int
				n, err := write(synthetic(tc.n, records.Agency), Options{Audience: records.Agency, Now: now,
					Progress: func(n int) { got = append(got, n) }})
				if err != nil || n != tc.n {
					t.Fatalf("wrote %d, %v", n, err)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("Progress calls %v, want %v", got, tc.want)
				}
			})
		}
	}
}

func TestGuard(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":               "",
		"=1+1":           "'=1+1",
		"+62812":         "'+62812",
		"-5 derajat":     "'-5 derajat",
		"@SUM(A1)":       "'@SUM(A1)",
		"\tTAB":          "'\tTAB",
		"\rCR":           "'\rCR",
		"Jalan = rusak":  "Jalan = rusak",
		" =spasi dahulu": " =spasi dahulu",
		// Where an Excel that splits on ";" (or on a quote or line break
		// inside a field) would start a cell.
		"Jalan rusak;=cmd|' /C calc'!A0": "Jalan rusak;'=cmd|' /C calc'!A0",
		"a,+1;-2":                        "a,'+1;'-2",
		"kutip\"=HYPERLINK(1)":           "kutip\"'=HYPERLINK(1)",
		"baris\n@SUM(A1)":                "baris\n'@SUM(A1)",
		"baris\r\n=1":                    "baris\r\n'=1",
		"=a;=b":                          "'=a;'=b",
		"3 - 2 = 1; 5, 6":                "3 - 2 = 1; 5, 6",
	} {
		if got := guard(in); got != want {
			t.Errorf("guard(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	const marker = " …[dipotong]"
	short := strings.Repeat("a", maxCellChars)
	if got := clip(short, marker); got != short {
		t.Errorf("a cell at the limit was cut")
	}
	// Emoji are two UTF-16 units each: the limit counts units, like Excel.
	for _, s := range []string{strings.Repeat("a", maxCellChars+1), strings.Repeat("😀", 20000), strings.Repeat("é", 40000)} {
		got := clip(s, marker)
		if u := len(utf16.Encode([]rune(got))); u > maxCellChars || u < maxCellChars-1 || !strings.HasSuffix(got, marker) {
			t.Errorf("clip: %d units, suffix %q", u, got[len(got)-16:])
		}
	}
}

// synthetic yields n generated reports, each with six timeline steps and
// three stints, without keeping them: the shape of a big export.
func synthetic(n int, a records.Audience) records.Seq {
	return func(yield func(records.Record, error) bool) {
		base := time.Date(2025, 1, 1, 1, 0, 0, 0, time.UTC)
		agencies := [][2]string{{"DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"}, {"DINKES", "Dinas Kesehatan"},
			{"DISDIK", "Dinas Pendidikan"}, {"DLH", "Dinas Lingkungan Hidup"}, {"DISHUB", "Dinas Perhubungan"}}
		kec := []string{"Maospati", "Magetan", "Plaosan", "Sarangan", "Takeran", "Parang"}
		desc := strings.Repeat("Jalan di depan balai desa berlubang, \"cukup dalam\", dan membahayakan pengendara motor. ", 4)
		for i := range n {
			ag := agencies[i%len(agencies)]
			at := base.Add(time.Duration(i) * 7 * time.Minute)
			r := records.Record{
				TrackingID: fmt.Sprintf("MGT-%07d", i+1), LaporID: "LPR-" + strconv.Itoa(900000+i),
				Type: "pengaduan", TypeName: "Pengaduan", Description: desc, OccurredOn: at.AddDate(0, 0, -2),
				Address: "Jl. Raya No. " + strconv.Itoa(i%300), Lat: ptr(-7.6 - float64(i%100)/1000), Lon: ptr(111.3 + float64(i%100)/1000),
				KecamatanCode: "35.20." + strconv.Itoa(i%18), Kecamatan: kec[i%len(kec)], Channel: "telegram",
				Stage: "at_agency", StageName: "Di OPD", Open: i%3 != 0, AgencyCode: ag[0], Agency: ag[1],
				SubmittedAt: at, UpdatedAt: at.Add(50 * time.Hour), StageDeadline: at.Add(120 * time.Hour), Round: 1 + i%2,
				Rating: i % 6, RatingComment: "Terima kasih", Anonymous: i%4 == 0,
				Attachments: []records.Attachment{{ID: int64(i), Kind: "photo"}},
			}
			if a == records.Admin && !r.Anonymous {
				r.Reporter = &records.Reporter{Name: "Warga " + strconv.Itoa(i), Username: "warga" + strconv.Itoa(i),
					Channel: "telegram", ChatID: strconv.Itoa(100000000 + i)}
			}
			kinds := [6][2]string{{"submit", "Laporan diajukan"}, {"verify", "Diverifikasi"}, {"dispose", "Didisposisi"},
				{"accept", "Diterima OPD"}, {"answer_submitted", "Jawaban dikirim"}, {"answer_approved", "Jawaban disetujui"}}
			for j, k := range kinds {
				r.Timeline = append(r.Timeline, records.Step{At: at.Add(time.Duration(j) * 9 * time.Hour), Kind: k[0], What: k[1],
					From: "Di Kabupaten", To: "Di OPD", Actor: "Admin Kabupaten (Budi)", Desk: "Bagian Umum",
					Note: "Mohon ditindaklanjuti sesuai SOP."})
			}
			r.Stints = []records.Stint{
				{Stage: "at_regency", Entered: at, Left: at.Add(20 * time.Hour), Deadline: at.Add(48 * time.Hour), Days: 1},
				{Stage: "at_agency", Entered: at.Add(20 * time.Hour), Left: at.Add(time.Duration(20+i%200) * time.Hour), Deadline: at.Add(120 * time.Hour), Days: 3},
				{Stage: "answer_review", Entered: at.Add(130 * time.Hour), Deadline: at.Add(170 * time.Hour), Days: 1},
			}
			if i%7 == 0 { // still at the agency
				r.Stints[1].Left = time.Time{}
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// TestXLSXNoStaleDimension guards against the "A1" used range a stream
// writes before it knows its rows, which readers that trust it (openpyxl
// in read-only mode, as pandas uses it) take for an empty sheet.
func TestXLSXNoStaleDimension(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if _, err := XLSX(&buf, seqOf(fixture(records.Agency, false)), Options{Audience: records.Agency, Now: now}); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	sheets := 0
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			continue
		}
		sheets++
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("<dimension")) {
			t.Errorf("%s has a used range written before its rows", f.Name)
		}
	}
	if sheets != 5 {
		t.Errorf("%d worksheets in the zip, want 5", sheets)
	}
}

// The per-category sheet counts every report the export holds by its
// category, reports without one last, and adds them up.
func TestXLSXPerCategory(t *testing.T) {
	t.Parallel()
	for a, want := range map[records.Audience][][]string{
		records.Admin: {{"Kode kategori", "Kategori", "Laporan", "Terbuka", "Selesai atau diarsipkan"},
			{"infrastruktur", "Infrastruktur", "2", "1", "1"}, {"kesehatan", "Kesehatan", "1", "0", "1"},
			{"", "(tanpa kategori)", "1", "1", "0"}, {"Jumlah", "", "4", "2", "2"}},
		records.Public: {{"Kode kategori", "Kategori", "Laporan", "Terbuka", "Selesai atau diarsipkan"}, // no confidential report
			{"infrastruktur", "Infrastruktur", "2", "1", "1"}, {"", "(tanpa kategori)", "1", "1", "0"}, {"Jumlah", "", "3", "2", "1"}},
	} {
		path, _ := writeFile(t, "laporan.xlsx", func(f *os.File) (int, error) {
			return XLSX(f, seqOf(fixture(a, false)), Options{Audience: a, Now: now})
		})
		rows := rowsOf(t, openXLSX(t, path), "Per kategori")
		for i := range rows {
			for len(rows[i]) < 5 {
				rows[i] = append(rows[i], "")
			}
		}
		if !slices.EqualFunc(rows, want, slices.Equal) {
			t.Errorf("%s: Per kategori\n got %q\nwant %q", a, rows, want)
		}
	}
}
