package flows_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// photoJPEG is a real JPEG (a thumbnail can be made of it), w×h in one
// colour with a stripe.
func photoJPEG(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			px := c
			if y > h/3 && y < h/2 {
				px = color.RGBA{R: 255 - c.R, G: 255 - c.G, B: 255 - c.B, A: 255}
			}
			img.Set(x, y, px)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// documentBytes is a made file's bytes.
func (h *harness) documentBytes(id int64) []byte {
	h.t.Helper()
	d, err := h.db.Document(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	data, err := h.db.ReadBlob(h.ctx, d.BlobID)
	if err != nil {
		h.t.Fatal(err)
	}
	return data
}

// printed is the PDF a /cetak in chat answered with.
func (h *harness) printed(chat, user, id string) []byte {
	h.t.Helper()
	h.post(chat, groupCmd(user, "cetak", id))
	for _, m := range h.drainAll()[chat] {
		if m.DocumentID != 0 {
			return h.documentBytes(m.DocumentID)
		}
	}
	h.t.Fatalf("/cetak %s in %s sent no document", id, chat)
	return nil
}

// sendPhoto replies to prompt in the agency's desk with a photo.
func (h *harness) sendPhoto(prompt, fileID, name string, data []byte) []flows.Outbound {
	h.t.Helper()
	h.files[fileID] = data
	m := replyTo(uPupr, "", prompt)
	m.Kind, m.File = flows.KindPhoto, &flows.FileRef{ID: fileID, Name: name, MIME: "image/jpeg", Size: int64(len(data))}
	h.post(gPupr, m)
	return h.drainAll()[gPupr]
}

// A printed report carries what the agency sent, whole: the first
// response, a progress update and the final answer, each with its text and
// its photos as thumbnails beside the citizen's evidence. The agency's
// desk prints the same answers; the public never gets them.
func TestPrintCarriesTheAgencysAnswersWithTheirPhotos(t *testing.T) {
	h := followupHarness(t, false) // follow-ups go straight to the citizen
	r := h.disposed(true)          // anonymous: the agency's photos are still its own

	// The first response, with a photo.
	h.post(gPupr, pressIn(uPupr, fmt.Sprintf("fu|first_response|%s|%d", r.TrackingID, r.Version)))
	prompt := expect(t, h.drainAll()[gPupr], "respon awal").Text
	h.post(gPupr, replyTo(uPupr, "Laporan kami terima; tim UPT meninjau lokasi hari Kamis.", prompt))
	h.drainAll()
	noted := h.sendPhoto(prompt, "fu-1", "survei-lokasi.jpg", photoJPEG(t, 640, 480, color.RGBA{R: 200, A: 255}))
	h.post(gPupr, pressIn(uPupr, labelData(t, noted, "📨 Kirim respon awal")))
	h.drainAll()

	// A progress update with two photos.
	cur, _ := h.reportNow(r.TrackingID)
	h.post(gPupr, pressIn(uPupr, fmt.Sprintf("fu|progress|%s|%d", r.TrackingID, cur.Version)))
	prompt = expect(t, h.drainAll()[gPupr], "tindak lanjut").Text
	h.post(gPupr, replyTo(uPupr, "Pengerjaan 50%: gorong-gorong sudah dipasang 👷.", prompt))
	h.drainAll()
	h.sendPhoto(prompt, "fu-2", "progres-1.jpg", photoJPEG(t, 480, 640, color.RGBA{G: 180, A: 255}))
	noted = h.sendPhoto(prompt, "fu-3", "progres-2.jpg", photoJPEG(t, 500, 300, color.RGBA{B: 180, A: 255}))
	h.post(gPupr, pressIn(uPupr, labelData(t, noted, "📨 Kirim tindak lanjut")))
	h.drainAll()

	// The final answer: a long text (the whole of it prints) and a photo.
	long := strings.Repeat("Perbaikan jalan dikerjakan bertahap sesuai anggaran perubahan. ", 60) + "Akhir tanggapan."
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" "+long))
	answerPrompt := expect(t, h.drainAll()[gPupr], "dicatat").Text
	h.sendPhoto(answerPrompt, "ans-1", "hasil-perbaikan.jpg", photoJPEG(t, 800, 600, color.RGBA{R: 90, G: 90, A: 255}))
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai"))
	expect(t, h.drainAll()[gPupr], "✅ "+r.TrackingID)

	for _, desk := range []struct{ chat, user string }{{gRegency, uRegency}, {gPupr, uPupr}} {
		b := h.printed(desk.chat, desk.user, r.TrackingID)
		text := strings.Join(strings.Fields(pdfText(t, b)), " ")
		for _, want := range []string{"Tanggapan dan tindak lanjut perangkat daerah",
			"Respon awal", "tim UPT meninjau lokasi hari Kamis", "survei-lokasi.jpg",
			"Tindak lanjut", "gorong-gorong sudah dipasang [emoji]", "progres-1.jpg", "progres-2.jpg",
			"Status: sudah diteruskan ke pelapor",
			"Tanggapan", "Akhir tanggapan.", "hasil-perbaikan.jpg", "Dinas Pekerjaan Umum"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the printout has no %q", desk.chat, want)
			}
		}
		// The citizen's evidence (seeded without files) and the agency's
		// four photos: four thumbnails.
		if n := bytes.Count(b, []byte("/Subtype /Image")); n != 4 {
			t.Errorf("%s: %d images in the printout, want the agency's 4 photos", desk.chat, n)
		}
	}

	// The same record as the public would read it carries no answer; as
	// the agency reads it, every answer with its files.
	rec, err := h.svc.Record(h.ctx, r.TrackingID, flows.AgencyReaders("pupr"), flows.LangID)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, rsp := range rec.Responses {
		files += len(rsp.Attachments)
	}
	if len(rec.Responses) != 3 || files != 4 {
		t.Errorf("the agency's record has %d responses with %d files, want 3 with 4", len(rec.Responses), files)
	}
	if pub := rec.For(records.Public); len(pub.Responses) != 0 {
		t.Errorf("a public record carries %d responses", len(pub.Responses))
	}
}

// /statistik puts each agency's open workload and its overdue reports now
// (any month) beside the month's compliance: an agency that kept every
// deadline this month but holds overdue reports from October does not read
// as 100% alone. The counts are checked against the database itself.
func TestStatistikShowsTheWorkloadBesideTheMonth(t *testing.T) {
	h := chainHarness(t)
	old := []store.Report{h.seedReport(flows.StageAtAgency, "pupr", false), h.seedReport(flows.StageAtAgency, "pupr", false),
		h.seedReport(flows.StageAtAgency, "dinkes", false)}
	h.seedReport(flows.StageAtAgency, "pupr", false) // this month's, not yet due
	conn, err := pgx.Connect(h.ctx, h.db.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(h.ctx)
	october := time.Date(2026, 10, 5, 9, 0, 0, 0, calendar.Local())
	for _, r := range old {
		if _, err := conn.Exec(h.ctx, `UPDATE reports SET submitted_at = $2, stage_started_at = $2, stage_deadline = $3
			WHERE id = $1`, r.ID, october, october.AddDate(0, 0, 14)); err != nil {
			t.Fatal(err)
		}
	}
	// This month pupr answers one report in time: 100% for November.
	r := h.disposed(false)
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Sudah kami perbaiki kemarin."))
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai"))
	h.drainAll()

	h.post(gRegency, groupCmd(uRegency, "statistik", ""))
	var load string
	for _, m := range h.drainAll()[gRegency] {
		if strings.Contains(m.Text, "🏢") {
			load = m.Text
		}
	}
	if load == "" {
		t.Fatal("/statistik sent no agency workload")
	}

	rows, err := conn.Query(h.ctx, `SELECT a.name, count(*), count(*) FILTER (WHERE r.stage_deadline < $1)
		FROM reports r JOIN agencies a ON a.code = r.agency_code
		WHERE r.stage = 'at_agency' GROUP BY a.name`, h.now)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := h.svc.Recap(h.ctx, h.now, flows.LangID)
	if err != nil {
		t.Fatal(err)
	}
	recapLoad := map[string][2]int{}
	for _, l := range rc.Workload {
		recapLoad[l.Label] = [2]int{l.Open, l.Overdue}
	}
	n := 0
	for rows.Next() {
		var name string
		var open, overdue int
		if err := rows.Scan(&name, &open, &overdue); err != nil {
			t.Fatal(err)
		}
		n++
		if got := recapLoad[name]; got != [2]int{open, overdue} {
			t.Errorf("the recap's workload of %s is %v, the database says %d open, %d overdue", name, got, open, overdue)
		}
		if want := fmt.Sprintf("• %s: %d sedang ditangani, %d lewat batas waktu", name, open, overdue); !strings.Contains(load, want) {
			t.Errorf("/statistik lacks %q:\n%s", want, load)
		}
	}
	if rows.Err() != nil || n != 2 || len(rc.Workload) != n {
		t.Fatalf("SQL: %d agencies, %v; the recap has %d", n, rows.Err(), len(rc.Workload))
	}
	for _, want := range []string{
		"Dinas Pekerjaan Umum dan Penataan Ruang: 3 sedang ditangani, 2 lewat batas waktu; bulan ini 1 tepat waktu, 0 terlambat (100%)",
		"lewat batas waktu; bulan ini belum ada yang dinilai", // dinkes: only its October report
		"November 2026"} {
		if !strings.Contains(load, want) {
			t.Errorf("/statistik lacks %q:\n%s", want, load)
		}
	}
	// The most overdue agency comes first.
	if strings.Index(load, "Dinas Pekerjaan Umum") > strings.Index(load, "Dinas Kesehatan") {
		t.Errorf("pupr (2 overdue) is not before dinkes (1):\n%s", load)
	}
}

// exported is the file an /ekspor in chat answered with: its name and text.
func (h *harness) exported(chat string, in flows.Inbound) (string, string) {
	h.t.Helper()
	h.post(chat, in)
	msgs := h.drainAll()[chat]
	for _, m := range msgs {
		if m.DocumentID != 0 {
			d, err := h.db.Document(h.ctx, m.DocumentID)
			if err != nil {
				h.t.Fatal(err)
			}
			return d.Name, h.documentText(m.DocumentID)
		}
	}
	h.t.Fatalf("/ekspor in %s sent no file: %q", chat, allText(msgs))
	return "", ""
}

// A liaison officer exports their own agency's reports, in the agency's
// desk or their private chat: only the reports disposed to the agency, as
// the privacy table lets the agency see them — no contact, username or chat
// id column at all, and no name of an anonymous reporter. The admin's
// export of the same reports has them.
func TestAgencyExportsItsOwnReports(t *testing.T) {
	h := chainHarness(t)
	named := h.seedReport(flows.StageAtAgency, "pupr", false)
	anon := h.seedReport(flows.StageAtAgency, "pupr", true)
	other := h.seedReport(flows.StageAtAgency, "dinkes", false)
	conn, err := pgx.Connect(h.ctx, h.db.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(h.ctx)
	if _, err := conn.Exec(h.ctx, `UPDATE reports SET contact = '0812-5555-0101'`); err != nil {
		t.Fatal(err)
	}
	who := identities["telegram"]

	private := flows.Inbound{Kind: flows.KindCommand, Command: "ekspor", Text: "xlsx", UserID: uPupr, UserName: "Petugas " + uPupr}
	for _, c := range []struct {
		chat string
		in   flows.Inbound
	}{{gPupr, groupCmd(uPupr, "ekspor", "csv")}, {uPupr, private}} {
		name, text := h.exported(c.chat, c.in)
		if !strings.Contains(name, "agency-pupr") {
			t.Errorf("%s: the file is named %q", c.chat, name)
		}
		header := text[:strings.IndexAny(text, "\r\n")]
		for _, col := range []string{"Kontak", "Chat ID", "Username"} {
			if strings.Contains(header, col) {
				t.Errorf("%s: the agency's export has a %q column: %s", c.chat, col, header)
			}
		}
		for _, id := range []string{named.TrackingID, anon.TrackingID} {
			if !strings.Contains(text, id) {
				t.Errorf("%s: the agency's export lacks its report %s", c.chat, id)
			}
		}
		for _, secret := range []string{other.TrackingID, "0812-5555-0101", who.handle, who.chat} {
			if strings.Contains(text, secret) {
				t.Errorf("%s: the agency's export shows %q", c.chat, secret)
			}
		}
		// The named reporter's name, as the agency's desk sees it; the
		// anonymous one's never.
		if n := strings.Count(text, who.name); n != 1 {
			t.Errorf("%s: the reporter's name appears %d times, want once (the named report's)", c.chat, n)
		}
	}
	h.post(gPupr, groupCmd(uPupr, "ekspor", "csv dinkes"))
	if got := allText(h.drainAll()[gPupr]); !strings.Contains(got, "tidak berwenang") || strings.Contains(got, "Ekspor") {
		t.Errorf("a liaison asking for another agency's export: %q", got)
	}

	// The regency's export of the same agency is the admin's.
	_, admin := h.exported(gRegency, groupCmd(uRegency, "ekspor", "csv pupr"))
	for _, want := range []string{"Kontak", "0812-5555-0101", who.chat, named.TrackingID} {
		if !strings.Contains(admin, want) {
			t.Errorf("the admin's export lacks %q", want)
		}
	}
	if strings.Contains(admin, other.TrackingID) {
		t.Errorf("the admin's export of pupr has dinkes's report")
	}
}
