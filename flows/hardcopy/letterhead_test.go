package hardcopy

import (
	"testing"
)

// A configured letterhead heads every page: its lines (the government in
// bold, the office, its address) and the emblem; a taller heading moves
// the body down, so the same record may take more pages, never overlaps.
func TestLetterhead(t *testing.T) {
	t.Parallel()
	rec := record(t)
	h := header
	h.Letterhead = Letterhead{
		Lines: []string{"PEMERINTAH KABUPATEN MAGETAN", "DINAS KOMUNIKASI DAN INFORMATIKA",
			"Jl. Tripandita No. 17, Magetan 63319 · Telp. (0351) 895101 · kominfo@magetan.go.id"},
		Logo: pngThumb(t),
	}
	b, pages, text := render(t, rec, h, "id")
	plainB, plainPages, _ := render(t, rec, header, "id")
	contains(t, text, "PEMERINTAH KABUPATEN MAGETAN", "DINAS KOMUNIKASI DAN INFORMATIKA",
		"Jl. Tripandita No. 17, Magetan 63319 · Telp. (0351) 895101 · kominfo@magetan.go.id")
	lacks(t, text, "Pengelola LAPOR! SP4N") // the letterhead replaces Regency and Unit
	if got, plain := images(b), images(plainB); got <= plain {
		t.Errorf("%d images with the emblem, %d without: want more", got, plain)
	}
	if pages < plainPages {
		t.Errorf("%d pages with a taller heading, %d without", pages, plainPages)
	}
	d := newDoc(h, "id", "x", "title.report")
	if d.top <= bodyTop || d.rule < headTop+logoH {
		t.Errorf("a heading of three lines and an emblem: rule at %.1f, body at %.1f", d.rule, d.top)
	}
	// A file that is not an image is refused by CheckLogo and, should it
	// reach a document, left out rather than spoiling it.
	if CheckLogo([]byte("not an image")) == nil {
		t.Error("CheckLogo accepted a text file")
	}
	h.Letterhead.Logo = []byte("not an image")
	if b, _, _ := render(t, rec, h, "id"); images(b) != images(plainB) {
		t.Errorf("a broken emblem was embedded")
	}
}

// The recap ends with the signature block of the official configured to
// sign it; without one, with dotted lines to sign by hand.
func TestRecapSignature(t *testing.T) {
	t.Parallel()
	h := header
	h.Signature = Signature{Place: "Magetan", Position: "Kepala Dinas Komunikasi dan Informatika",
		Name: "Drs. Sutrisno, M.Si.", NIP: "19700101 199001 1 001"}
	_, _, text := renderRecap(t, recap(5), h, "id")
	contains(t, text, "Magetan, 21 November 2026", "Kepala Dinas Komunikasi dan Informatika",
		"Drs. Sutrisno, M.Si.", "NIP. 19700101 199001 1 001")
	_, _, text = renderRecap(t, recap(5), header, "id")
	contains(t, text, "...................................., 21 November 2026", "( .................................... )",
		"NIP. ....................................")
	_, _, text = renderRecap(t, recap(5), h, "en")
	contains(t, text, "Magetan, 21 November 2026", "NIP 19700101 199001 1 001")
}
