package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows/media/mediatest"
)

// Image bombs (issue 13): files of a few hundred bytes declaring images
// whose decode needs gigabytes, filed as evidence and printed. The cases
// are in telegramHostileCases; these are their helpers.

// bombPNG8 declares 30000×30000 8-bit RGBA pixels (3.6 GB decoded) and
// holds one row of them; bombPNG16 the same in 16 bits (7.2 GB);
// bombJPEG 65535×65535 progressive 4:4:4 (64 GB: the pixels and the
// coefficients a progressive decoder keeps).
var (
	bombPNG8  = mediatest.PNG(30000, 30000, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 8, Rows: 1})
	bombPNG16 = mediatest.PNG(30000, 30000, mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 16, Rows: 1})
	bombJPEG  = mediatest.JPEG(65535, 65535, mediatest.JPEGOptions{Layout: mediatest.YCbCr44, Progressive: true, Blocks: 1})
)

// tooLargeToPrint is the printout's line for an image it cannot show.
const tooLargeToPrint = "terlalu besar untuk dicetak"

// fileBomb files a report whose evidence is an ordinary photo and then the
// bomb as a document, and waits for the super admin desk to get the card
// with the bomb withheld. It returns the tracking number.
func (h *tgHostile) fileBomb(t *testing.T, name, mime string, bomb []byte) string {
	t.Helper()
	c := h.citizen()
	id := h.file(t, c, "Jalan desa berlubang besar; foto terlampir, satu dari kamera lama.", func() {
		h.fake.SendPhoto(c.chat, c.user, jpegWithGPS(t), "lubang")
		texpect(t, c, "Bukti ke-1 diterima")
		h.fake.SendDocument(c.chat, c.user, name, mime, bomb, "")
		texpect(t, c, "Bukti ke-2 diterima: "+name)
	})
	texpect(t, h.super, id)
	texpect(t, h.super, "gambar tidak ditampilkan: ukurannya terlalu besar")
	return id
}

// printBomb has the super admin print the report with /cetak and checks
// the printout: it comes, with the ordinary photo's thumbnail, and instead
// of the bomb's a line saying it is too large to print.
func (h *tgHostile) printBomb(t *testing.T, id, name string) {
	t.Helper()
	doc := tsay(t, h.superPrivate, "/cetak "+id, "Lembar laporan")
	if len(doc.FileData) == 0 {
		t.Fatalf("/cetak sent no file: %q", doc.Text+doc.Caption)
	}
	checkBombPrintout(t, doc.FileData, id, name)
}

func checkBombPrintout(t *testing.T, pdf []byte, id, name string) {
	t.Helper()
	text, _ := pdfText(t, pdf)
	oneLine := strings.Join(strings.Fields(text), " ")
	if !strings.Contains(oneLine, id) || !strings.Contains(oneLine, "Jalan desa berlubang") {
		t.Errorf("the printout lacks the report:\n%s", text)
	}
	if !strings.Contains(oneLine, name) || !strings.Contains(oneLine, tooLargeToPrint) {
		t.Errorf("the printout does not say %s is too large to print:\n%s", name, text)
	}
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n != 1 {
		t.Errorf("the printout holds %d pictures, want the ordinary photo's thumbnail alone", n)
	}
}

// printBombCommandLine prints the report with `lapor print` and checks the
// file it writes.
func (h *tgHostile) printBombCommandLine(t *testing.T, id, name string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), id+".pdf")
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"print", id, "--out", out}, func(k string) string { return h.env[k] },
		&stdout, &stderr); code != 0 {
		t.Fatalf("lapor print: exit %d: %s", code, stderr.String())
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkBombPrintout(t, pdf, id, name)
}
