package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// The printed documents as a clerk's tools read them: poppler's pdftotext
// (what a copy from a PDF viewer gives) and pdftoppm (the page as it
// prints). A report with an agency's answer and its photo, and the month's
// recap, both made by the command line with the configured letterhead:
// the Indonesian reads back as typed, an emoji as its placeholder, the
// letterhead is on every page, and every page rasterises to a picture that
// is not blank. With LAPOR_PAGES_OUT set (make pages) the page images are
// kept there.
func TestPrintedPagesReadBack(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("LAPOR_PAGES_OUT") != "" { // make pages asked for the pictures
				t.Fatalf("%s is not installed (Debian: poppler-utils): %v", tool, err)
			}
			t.Skipf("%s is not installed (Debian: poppler-utils): %v", tool, err)
		}
	}
	ctx := context.Background()
	db := pg.NewDB(t)
	svc := flows.New(db, flows.DefaultConfig(), calendar.Default(), region.Default(), time.Now, nil)
	if err := svc.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	answer := strings.Repeat("Tim UPT Jalan dan Jembatan sudah menambal lubang dan memasang rambu peringatan. ", 30) +
		"Terima kasih atas laporan Anda 🙏."
	id := seedAnsweredReport(t, ctx, db, now, answer)
	// And one the agency still holds past its deadline, for the recap's
	// workload.
	late := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan",
		Description: "Saluran air di Jl. Sawo tersumbat sampah.", KecamatanCode: "35.20.06", Channel: "telegram", ChatID: "8102",
		ReporterUserID: "8102", ReporterName: "Warga Sawo", Lang: "id", Stage: string(flows.StageAtAgency), ResponsibleUnit: "x",
		StageStartedAt: now.AddDate(0, 0, -20), StageDeadline: now.AddDate(0, 0, -6), SubmittedAt: now.AddDate(0, 0, -21)}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateReport(ctx, &late); err != nil {
			return err
		}
		late.AgencyCode = "pupr"
		return tx.UpdateReport(ctx, &late)
	}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	env := map[string]string{
		"LAPOR_DATABASE_URL":    db.URL(),
		"LAPOR_LETTERHEAD":      "PEMERINTAH KABUPATEN MAGETAN|DINAS KOMUNIKASI DAN INFORMATIKA|Jl. Tripandita No. 17, Magetan",
		"LAPOR_SIGNER_NAME":     "Drs. Sutrisno, M.Si.",
		"LAPOR_SIGNER_POSITION": "Kepala Dinas Komunikasi dan Informatika",
	}
	run := func(args ...string) {
		t.Helper()
		var stderr bytes.Buffer
		if code := Run(ctx, args, func(k string) string { return env[k] }, &bytes.Buffer{}, &stderr); code != 0 {
			t.Fatalf("lapor %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
		}
	}
	report, recap := filepath.Join(dir, "laporan.pdf"), filepath.Join(dir, "rekap.pdf")
	run("print", id, "--by", "Sri Wahyuni", "--out", report)
	run("recap", "--month", now.In(calendar.Local()).Format("2006-01"), "--by", "Sri Wahyuni", "--out", recap)

	letterhead := []string{"PEMERINTAH KABUPATEN MAGETAN", "DINAS KOMUNIKASI DAN INFORMATIKA", "Jl. Tripandita No. 17, Magetan"}
	pages := pdftotext(t, report)
	if len(pages) < 2 {
		t.Errorf("the report has %d pages, want the long answer to run onto a second", len(pages))
	}
	all := strings.Join(pages, " ")
	for _, want := range []string{"Rincian Laporan", id, "Uraian laporan", "Riwayat penanganan",
		"Lampu penerangan jalan di depan Pasar Sayur mati — gelap [emoji] berbahaya",
		"Tanggapan dan tindak lanjut perangkat daerah", "Terima kasih atas laporan Anda [emoji].",
		"Dinas Pekerjaan Umum dan Penataan Ruang", "foto-hasil.jpg", "oleh Sri Wahyuni"} {
		if !strings.Contains(all, want) {
			t.Errorf("the report's text has no %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "🙏") || strings.Contains(all, "?.") {
		t.Errorf("an emoji read back as itself or as \"?\":\n%s", all)
	}
	rpages := pdftotext(t, recap)
	rall := strings.Join(rpages, " ")
	for _, want := range []string{"Rekap Bulanan Laporan", "Laporan menurut jenis", "Kepatuhan",
		"Laporan yang sedang ditangani perangkat daerah", "Keadaan saat dicetak, dari bulan mana pun", "Kepala Dinas Komunikasi dan Informatika", "Drs. Sutrisno, M.Si."} {
		if !strings.Contains(rall, want) {
			t.Errorf("the recap's text has no %q:\n%s", want, rall)
		}
	}
	for name, ps := range map[string][]string{"report": pages, "recap": rpages} {
		for i, p := range ps {
			for _, l := range letterhead {
				if !strings.Contains(p, l) {
					t.Errorf("%s page %d has no letterhead line %q", name, i+1, l)
				}
			}
		}
	}

	out := os.Getenv("LAPOR_PAGES_OUT")
	if out == "" {
		out = filepath.Join(dir, "pages")
	}
	for name, pdf := range map[string]string{"laporan": report, "rekap": recap} {
		want := len(pages)
		if name == "rekap" {
			want = len(rpages)
		}
		pngs := pdftoppm(t, pdf, out, name)
		if len(pngs) != want {
			t.Errorf("%s: %d page images for %d pages", name, len(pngs), want)
		}
		for _, p := range pngs {
			if ink := inked(t, p); ink < 0.01 {
				t.Errorf("%s: %.2f%% of the page is printed, the page looks blank", p, 100*ink)
			}
		}
	}
}

// seedAnsweredReport stores a report disposed to pupr whose answer, with a
// photo, was submitted, and the citizen's evidence photo; the events say
// so. It returns the tracking number.
func seedAnsweredReport(t *testing.T, ctx context.Context, db *store.DB, now time.Time, answer string) string {
	t.Helper()
	r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan",
		Description: "Lampu penerangan jalan di depan Pasar Sayur mati — gelap 🌑 berbahaya bagi pengendara sejak dua minggu.",
		Address:     "Jl. Pahlawan No. 3, Kelurahan Selosari", KecamatanCode: "35.20.06", Channel: "telegram", ChatID: "8101",
		ReporterUserID: "8101", ReporterName: "Warga Selosari", Lang: "id", Stage: string(flows.StageAnswerReview),
		ResponsibleUnit: "x", StageStartedAt: now, StageDeadline: now.AddDate(0, 0, 7), SubmittedAt: now.Add(-2 * time.Hour)}
	// Each photo came with a message of its own (the inbox row it was
	// taken from), already handled.
	inbox := []int64{910001, 910002}
	for _, id := range inbox {
		if err := db.Exec(ctx, `INSERT INTO inbox (id, channel, external_id, chat_id, payload, received_at, next_attempt_at, processed_at, outcome)
			VALUES ($1, 'telegram', $2, '8101', '{}', $3, $3, $3, 'handled')`, id, "seed-"+strconv.FormatInt(id, 10), now); err != nil {
			t.Fatal(err)
		}
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateReport(ctx, &r); err != nil {
			return err
		}
		r.AgencyCode = "pupr"
		if err := tx.UpdateReport(ctx, &r); err != nil {
			return err
		}
		photo := func(name string, inboxID int64, c color.RGBA) (*store.Attachment, error) {
			b, err := tx.WriteBlob(ctx, bytes.NewReader(jpegOf(t, c)), -1)
			if err != nil {
				return nil, err
			}
			a := &store.Attachment{Channel: "telegram", ChatID: "8101", InboxID: inboxID, Kind: "photo", OriginalName: name, MIMEType: "image/jpeg",
				BlobID: b.ID, CreatedAt: now}
			return a, tx.AddAttachment(ctx, a)
		}
		evidence, err := photo("lampu-mati.jpg", inbox[0], color.RGBA{R: 40, G: 40, B: 90, A: 255})
		if err != nil {
			return err
		}
		if _, err := tx.AttachToReport(ctx, r.ID, "telegram", "8101", []int64{evidence.ID}); err != nil {
			return err
		}
		ans, err := tx.AnswerFor(ctx, r.ID, 1, "pupr", now)
		if err != nil {
			return err
		}
		result, err := photo("foto-hasil.jpg", inbox[1], color.RGBA{R: 230, G: 200, B: 60, A: 255})
		if err != nil {
			return err
		}
		if err := tx.AttachToAnswer(ctx, result.ID, ans.ID); err != nil {
			return err
		}
		ans.Body, ans.AuthorName, ans.SubmittedAt = answer, "Bambang", now.Add(-time.Hour)
		if err := tx.SaveAnswer(ctx, ans); err != nil {
			return err
		}
		for i, e := range []store.Event{
			{Kind: "submitted", StageTo: "submitted", ActorRole: "citizen"},
			{Kind: "verify", StageFrom: "submitted", StageTo: "at_regency", ActorRole: "super_admin", ActorID: "1 Dewi"},
			{Kind: "dispose", StageFrom: "at_regency", StageTo: "at_agency", ActorRole: "regency_admin", ActorID: "2 Sri Wahyuni"},
			{Kind: "submit", StageFrom: "at_agency", StageTo: "answer_review", ActorRole: "liaison_officer", ActorID: "3 Bambang",
				Desk: "agency:pupr"},
		} {
			e.ReportID, e.At = r.ID, r.SubmittedAt.Add(time.Duration(i)*20*time.Minute)
			if err := tx.AppendEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r.TrackingID
}

func jpegOf(t *testing.T, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			px := c
			if (x/40+y/40)%2 == 0 {
				px = color.RGBA{R: c.R / 2, G: c.G / 2, B: c.B / 2, A: 255}
			}
			img.Set(x, y, px)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdftotext is each page's text as poppler reads it, words joined by
// single spaces.
func pdftotext(t *testing.T, pdf string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", pdf, err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f\n"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return pages
}

// pdftoppm rasterises every page of pdf into dir as name-N.png and lists
// the images.
func pdftoppm(t *testing.T, pdf, dir, name string) []string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, name+"-*.png"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "72", pdf, filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v: %s", pdf, err, out)
	}
	pngs, err := filepath.Glob(filepath.Join(dir, name+"-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	return pngs
}

// inked is the share of a page image's pixels that are not white.
func inked(t *testing.T, file string) float64 {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xe000 || g < 0xe000 || bl < 0xe000 {
				dark++
			}
		}
	}
	return float64(dark) / float64(b.Dx()*b.Dy())
}
