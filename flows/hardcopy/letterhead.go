package hardcopy

import (
	"bytes"
	"image"
	_ "image/jpeg" // a logo may be a JPEG
	_ "image/png"  // ... or a PNG
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/lapor-id/lapor/flows/calendar"
)

// Letterhead is the office's heading (kop surat) on every page: its lines,
// the first in bold (the government, e.g. "PEMERINTAH KABUPATEN MAGETAN"),
// then the office and its address, and the emblem at the left. Without
// lines, the heading is the Header's Regency and Unit.
type Letterhead struct {
	Lines []string
	Logo  []byte // PNG or JPEG; none when empty
}

// Signature is who signs a document that needs one (the monthly recap):
// the place and date line, the position, the name and the NIP. An empty
// field is a dotted line to fill in by hand.
type Signature struct {
	Place, Position, Name, NIP string
}

// CheckLogo reports whether b is an image the letterhead can show, for
// the configuration to refuse a bad file at start-up rather than at the
// first print.
func CheckLogo(b []byte) error {
	_, _, err := image.DecodeConfig(bytes.NewReader(b))
	return err
}

const (
	logoH     = 16.0 // the emblem's height in millimetres
	headLineH = 4.6  // a line of the heading
	headRowH  = 5.0  // the first two lines' rows, shared with the title and reference
)

// headRowY is where line i of the heading starts, below headTop.
func headRowY(i int) float64 {
	if i < 2 {
		return float64(i) * headRowH
	}
	return 2*headRowH + float64(i-2)*headLineH
}

// headLines are the letterhead's lines, or Regency and Unit.
func (d *doc) headLines() []string {
	var out []string
	for _, l := range d.h.Letterhead.Lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = []string{d.h.Regency, d.h.Unit}
	}
	return out
}

// registerLogo adds the emblem to the document, and reports whether there
// is one to draw.
func (d *doc) registerLogo() bool {
	logo := d.h.Letterhead.Logo
	if len(logo) == 0 {
		return false
	}
	_, format, err := image.DecodeConfig(bytes.NewReader(logo))
	if err != nil || (format != "png" && format != "jpeg") {
		return false // refused at start-up; never spoil a document over it
	}
	typ := "PNG"
	if format == "jpeg" {
		typ = "JPG"
	}
	info := d.pdf.RegisterImageOptionsReader("letterhead-logo", fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(logo))
	if d.pdf.Err() || info == nil {
		d.pdf.ClearError()
		return false
	}
	d.logo = info
	return true
}

// headGeometry sets where the heading's rule and the body start: below the
// taller of the lines and the emblem.
func (d *doc) headGeometry() {
	h := 12.0
	if n := len(d.headLines()); n > 2 {
		h = headRowY(n) + 2
	}
	if d.logo != nil {
		h = max(h, logoH+1)
	}
	d.rule = headTop + h
	d.top = d.rule + 6
}

// signature prints the signature block at the right, kept on one page.
func (d *doc) signature(s Signature, at time.Time) {
	p := d.pdf
	d.room(42)
	p.Ln(6)
	x, w := marginX+contentW*0.55, contentW*0.45
	dots := "...................................."
	or := func(v string) string {
		if strings.TrimSpace(v) == "" {
			return dots
		}
		return v
	}
	line := func(style, text string) {
		p.SetFont(font, style, bodySize)
		p.SetX(x)
		p.CellFormat(w, lineH+0.4, d.fit(text, w), "", 1, "C", false, 0, "")
	}
	line("", or(s.Place)+", "+d.longDate(at))
	line("", or(s.Position))
	p.Ln(16) // room for the signature and the stamp
	name := s.Name
	if strings.TrimSpace(name) == "" {
		name = "( " + dots + " )"
	}
	line("B", name)
	line("", d.t("nip")+" "+or(s.NIP))
	p.SetFont(font, "", bodySize)
}

var months = [2][12]string{
	{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// longDate is a date as a letter writes it: "7 Desember 2026".
func (d *doc) longDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(calendar.Local())
	lang := 0
	if d.en {
		lang = 1
	}
	return strconv.Itoa(t.Day()) + " " + months[lang][t.Month()-1] + " " + strconv.Itoa(t.Year())
}
