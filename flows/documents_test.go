package flows_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/records"
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
