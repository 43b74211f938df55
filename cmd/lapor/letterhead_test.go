package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The letterhead, the emblem and the signatory come from the
// configuration; the footer names who printed; a logo that is not an image
// is refused at start with the variable's name.
func TestPrintedLetterheadFromConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 40, 48))
	for i := range img.Pix {
		img.Pix[i] = 0xC0
	}
	img.Set(3, 3, color.RGBA{R: 200, A: 255})
	var logo bytes.Buffer
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	logoFile := filepath.Join(dir, "lambang.png")
	if err := os.WriteFile(logoFile, logo.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"LAPOR_DATABASE_URL":    pg.NewDatabase(t),
		"LAPOR_LETTERHEAD":      "PEMERINTAH KABUPATEN MAGETAN|DINAS KOMUNIKASI DAN INFORMATIKA|Jl. Tripandita No. 17, Magetan",
		"LAPOR_LETTERHEAD_LOGO": logoFile,
		"LAPOR_SIGNER_NAME":     "Drs. Sutrisno, M.Si.",
		"LAPOR_SIGNER_POSITION": "Kepala Dinas Komunikasi dan Informatika",
		"LAPOR_SIGNER_NIP":      "19700101 199001 1 001",
	}
	out := filepath.Join(dir, "rekap.pdf")
	var stderr bytes.Buffer
	if code := Run(context.Background(), []string{"recap", "--month", "2026-11", "--by", "Sri Wahyuni", "--out", out},
		func(k string) string { return env[k] }, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("lapor recap: exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := pdfText(t, b)
	text = strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"PEMERINTAH KABUPATEN MAGETAN", "DINAS KOMUNIKASI DAN INFORMATIKA", "Jl. Tripandita No. 17, Magetan",
		"oleh Sri Wahyuni", "Magetan, ", "Kepala Dinas Komunikasi dan Informatika", "Drs. Sutrisno, M.Si.", "NIP. 19700101 199001 1 001"} {
		if !strings.Contains(text, want) {
			t.Errorf("the recap lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "command line") {
		t.Errorf("the footer says \"command line\":\n%s", text)
	}
	if !bytes.Contains(b, []byte("/Subtype /Image")) {
		t.Error("the emblem is not in the PDF")
	}

	env["LAPOR_LETTERHEAD_LOGO"] = filepath.Join(dir, "rekap.pdf") // a file, not an image
	stderr.Reset()
	if code := Run(context.Background(), []string{"recap", "--month", "2026-11", "--out", filepath.Join(dir, "x.pdf")},
		func(k string) string { return env[k] }, &bytes.Buffer{}, &stderr); code == 0 || !strings.Contains(stderr.String(), "LAPOR_LETTERHEAD_LOGO") {
		t.Errorf("a PDF as the emblem: exit %d, %q", code, stderr.String())
	}
}
