// Package hardcopy prints records as A4 PDFs: one report with its
// timeline, deadlines and attachment thumbnails (Report), and the monthly
// recap with its tables and charts (Recap). Every page carries the
// regency's header and a footer saying when, by whom, and which page of
// how many.
//
// It owns the printed layout only. What a record holds for its audience
// is decided when the record is made (records), the pictures are drawn by
// package charts. Text is set in DejaVu Sans, embedded in the binary and
// subset into each PDF (fonts.go): what citizens type prints as typed, and
// a character the font lacks (an emoji, a CJK letter) prints as a visible
// placeholder, never as "?".
package hardcopy

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/lapor-id/lapor/flows/calendar"
)

// Header is what every page of a printout says about where it is from.
type Header struct {
	Regency   string // "Pemerintah Kabupaten Magetan"
	Unit      string // "Pengelola LAPOR! SP4N"
	Title     string // the document's title; a default when empty
	PrintedAt time.Time
	PrintedBy string // who printed it: an officer's name, or empty

	Letterhead Letterhead // the office's heading; Regency and Unit when it has no lines
	Signature  Signature  // who signs the documents that need it (the recap)
}

// Page geometry in millimetres (A4 portrait).
const (
	pageW    = 210.0
	pageH    = 297.0
	marginX  = 15.0
	contentW = pageW - 2*marginX
	headTop  = 10.0 // the header block's first line
	bodyTop  = 28.0 // where a page's content starts below a heading of two lines (doc.top)
	bottom   = 18.0 // room kept for the footer
	limitY   = pageH - bottom
	font     = "DejaVuSans"
	bodySize = 9.5
	lineH    = 4.45 // a line of body text
	cellPad  = 1.0  // above and below the lines of a table cell
	sectionH = 8.0  // a section's heading and the space under it
)

// pagesAlias stands for the page count until the document is closed. It
// is made of control characters, which clean removes from every text, so
// no text can contain it by chance.
const pagesAlias = "\x01nb\x01"

// doc is one PDF being written.
type doc struct {
	pdf  *fpdf.Fpdf
	en   bool
	h    Header
	ref  string              // what the document is about, repeated in every header
	head func()              // redraws a table's header row after a page break
	logo *fpdf.ImageInfoType // the letterhead's emblem, when there is one
	rule float64             // where the heading's rule is drawn
	top  float64             // where a page's content starts
}

// newDoc starts a document about ref (a tracking id, a period), titled
// h.Title or else the text of titleKey.
func newDoc(h Header, lang, ref, titleKey string) *doc {
	d := &doc{en: english(lang), h: h, ref: ref}
	if strings.TrimSpace(d.h.Title) == "" {
		d.h.Title = d.t(titleKey)
	}
	p := fpdf.New("P", "mm", "A4", "")
	d.pdf = p
	for _, f := range faces {
		p.AddUTF8FontFromBytes(font, f.style, f.ttf)
	}
	d.registerLogo()
	d.headGeometry()
	p.SetMargins(marginX, d.top, marginX)
	p.SetAutoPageBreak(true, bottom)
	p.AliasNbPages(pagesAlias)
	p.SetCatalogSort(true) // the same input gives the same bytes
	if !h.PrintedAt.IsZero() {
		p.SetCreationDate(h.PrintedAt)
		p.SetModificationDate(h.PrintedAt)
	}
	p.SetTitle(strings.TrimSpace(d.h.Title+" "+ref), true)
	p.SetAuthor(h.Regency, true)
	p.SetCreator("lapor", false)
	if d.en {
		p.SetLang("en")
	} else {
		p.SetLang("id")
	}
	p.SetHeaderFuncMode(d.header, false)
	p.SetFooterFunc(d.footer)
	return d
}

// header draws the letterhead (its lines and emblem), the title and the
// reference at the top of every page.
func (d *doc) header() {
	p := d.pdf
	p.SetTextColor(0, 0, 0)
	x := marginX
	if d.logo != nil {
		w := logoH * d.logo.Width() / max(d.logo.Height(), 1)
		w = min(w, 30)
		d.image("letterhead-logo", d.logo, marginX, headTop, w, logoH)
		x += w + 3
	}
	// The first two lines share their rows with the title and the
	// reference at the right; the address lines below have the width.
	for i, l := range d.headLines() {
		w := marginX + contentW - x
		switch i {
		case 0:
			p.SetFont(font, "B", 11)
			w = marginX + contentW*0.6 - x
		case 1:
			p.SetFont(font, "", 9.5)
			w = marginX + contentW*0.6 - x
		default:
			p.SetFont(font, "", 8)
		}
		p.SetXY(x, headTop+headRowY(i))
		p.CellFormat(w, headLineH, d.fit(l, w), "", 0, "L", false, 0, "")
	}
	p.SetFont(font, "", 8.5)
	p.SetTextColor(90, 90, 90)
	p.SetXY(marginX+contentW*0.6, headTop)
	p.CellFormat(contentW*0.4, 5, d.fit(d.h.Title, contentW*0.4), "", 2, "R", false, 0, "")
	p.CellFormat(contentW*0.4, 5, d.fit(d.ref, contentW*0.4), "", 2, "R", false, 0, "")
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.5)
	p.Line(marginX, d.rule, pageW-marginX, d.rule)
	p.SetLineWidth(0.2)
	p.SetTextColor(0, 0, 0)
	p.SetXY(marginX, d.top)
}

// footer says when and by whom the document was printed, and the page.
func (d *doc) footer() {
	p := d.pdf
	p.SetDrawColor(160, 160, 160)
	p.SetLineWidth(0.2)
	p.Line(marginX, pageH-bottom+4, pageW-marginX, pageH-bottom+4)
	p.SetXY(marginX, pageH-bottom+5.5)
	p.SetFont(font, "", 7.5)
	p.SetTextColor(90, 90, 90)
	printed := fmt.Sprintf(d.t("printed"), d.when(d.h.PrintedAt))
	if by := strings.TrimSpace(d.h.PrintedBy); by != "" {
		printed = fmt.Sprintf(d.t("printedBy"), d.when(d.h.PrintedAt), by)
	}
	text := d.enc(oneLine(printed)+" · "+fmt.Sprintf(d.t("page"), p.PageNo())) + pagesAlias
	p.CellFormat(contentW, 4, text, "", 0, "C", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// finish writes the document out, or the first error met while making it.
func (d *doc) finish(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("error making PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return fmt.Errorf("error making PDF: %w", err)
	}
	if _, err := w.Write(fixToUnicode(buf.Bytes())); err != nil {
		return fmt.Errorf("error writing PDF: %w", err)
	}
	return nil
}

// clean makes text printable in the embedded font: composed (NFC),
// without control and format characters (zero-width joiners, variation
// selectors) or marks left uncomposed, and with each run of characters the
// font lacks as one visible placeholder: "[emoji]" for an emoji with its
// modifiers, "▯" for a letter of a script it does not have. Line breaks
// are kept.
func (d *doc) clean(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	missing := false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\u2028' || r == '\u2029':
			r = '\n'
		case r == '\t':
			r = ' '
		case r < 0x20 || r == 0x7f || unicode.IsControl(r) || unicode.In(r, unicode.Mn, unicode.Cf):
			continue
		case r >= 0x80 && !covered(r):
			if !missing {
				b.WriteString(missingText(r))
			}
			missing = true
			continue
		}
		missing = false
		b.WriteRune(r)
	}
	return b.String()
}

// missingText stands for a run of characters the font lacks, starting
// with r.
func missingText(r rune) string {
	if isEmoji(r) {
		return "[emoji]"
	}
	return "▯"
}

// enc makes UTF-8 text printable (clean); the name stays from the days of
// a code page.
func (d *doc) enc(s string) string { return d.clean(s) }

// fit makes s printable on one line, cut with an ellipsis to w millimetres
// in the current font.
func (d *doc) fit(s string, w float64) string { return d.cut(d.enc(oneLine(s)), w) }

// cut shortens printable text with an ellipsis to w millimetres in the
// current font.
func (d *doc) cut(e string, w float64) string {
	w -= 2 * d.pdf.GetCellMargin()
	if d.pdf.GetStringWidth(e) <= w {
		return e
	}
	const ell = "…"
	r := []rune(e)
	for len(r) > 0 && d.pdf.GetStringWidth(string(r)+ell) > w {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + ell
}

// lines wraps encoded text to w millimetres in the current font; an empty
// text is one empty line.
func (d *doc) lines(e string, w float64) []string {
	var out []string
	for _, para := range strings.Split(e, "\n") {
		if para == "" {
			out = append(out, "")
			continue
		}
		out = append(out, d.pdf.SplitText(para, w)...)
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// room breaks the page unless h millimetres fit below the current line.
func (d *doc) room(h float64) {
	if d.pdf.GetY()+h > limitY {
		d.newPage()
	}
}

func (d *doc) newPage() {
	d.pdf.AddPage()
	if d.head != nil {
		d.head()
	}
}

// title is the document's heading on its first page.
func (d *doc) title(main, sub string) {
	p := d.pdf
	p.SetFont(font, "B", 15)
	for _, l := range d.lines(d.enc(oneLine(main)), contentW) {
		p.CellFormat(contentW, 7, l, "", 1, "L", false, 0, "")
	}
	if sub != "" {
		p.SetFont(font, "B", 11.5)
		p.SetTextColor(60, 60, 60)
		for _, l := range d.lines(d.enc(oneLine(sub)), contentW) {
			p.CellFormat(contentW, 6, l, "", 1, "L", false, 0, "")
		}
		p.SetTextColor(0, 0, 0)
	}
	p.Ln(2)
}

// section starts a part of the document, on a new page when the heading
// and the first lines after it would not fit.
func (d *doc) section(name string) { d.sectionKeep(name, 4*lineH) }

// sectionKeep starts a part of the document that keeps the next keep
// millimetres (a chart) on the heading's page.
func (d *doc) sectionKeep(name string, keep float64) {
	p := d.pdf
	p.Ln(3)
	d.room(sectionH + keep)
	p.SetFont(font, "B", 11.5)
	p.SetTextColor(20, 60, 120)
	p.CellFormat(contentW, sectionH-1.5, d.fit(name, contentW), "B", 1, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.Ln(1.5)
	p.SetFont(font, "", bodySize)
}

// para prints text wrapped across as many lines and pages as it needs.
func (d *doc) para(text string) {
	p := d.pdf
	p.SetFont(font, "", bodySize)
	p.SetX(marginX)
	p.MultiCell(contentW, lineH, d.enc(strings.TrimRight(text, "\n")), "", "L", false)
}

// note prints a line in grey (an empty table, a remark).
func (d *doc) note(text string) {
	p := d.pdf
	p.SetFont(font, "I", bodySize)
	p.SetTextColor(90, 90, 90)
	p.MultiCell(contentW, lineH, d.enc(text), "", "L", false)
	p.SetTextColor(0, 0, 0)
	p.SetFont(font, "", bodySize)
}

// col is a table column: its heading, width in millimetres (0 shares
// what the others leave) and alignment ("L", "C", "R").
type col struct {
	title string
	w     float64
	align string
	label bool // a form's label: shaded, in grey
}

// table prints rows under a heading row repeated on every page. A row
// taller than the space left moves to the next page whole when it fits
// there, and is split across pages otherwise (a long note). Cells wrap;
// a cell may hold several lines of its own.
func (d *doc) table(cols []col, rows [][]string) {
	p := d.pdf
	cols = widths(cols)
	titled := false
	for _, c := range cols {
		titled = titled || c.title != ""
	}
	headH := 0.0
	if titled {
		headH = d.headHeight(cols)
		d.room(headH + lineH + 2*cellPad)
		d.tableHead(cols, headH)
		d.head = func() { d.tableHead(cols, headH) }
		defer func() { d.head = nil }()
	}
	fresh := int((limitY - d.top - headH - 2*cellPad) / lineH) // lines a row may have on a page of its own
	p.SetFont(font, "", bodySize)
	for i, row := range rows {
		cells := make([][]string, len(cols))
		n := 1
		for c := range cols {
			text := ""
			if c < len(row) {
				text = row[c]
			}
			cells[c] = d.lines(d.enc(text), cols[c].w)
			n = max(n, len(cells[c]))
		}
		fill := i%2 == 1 && titled // zebra rows in tables, not in forms
		for start := 0; start < n; {
			if p.Err() {
				return // fpdf stopped at an error, and adds no pages: finish reports it
			}
			free := int((limitY - p.GetY() - 2*cellPad) / lineH)
			switch {
			case n-start <= free:
				d.rowPart(cols, cells, start, n, fill)
				start = n
			case (start == 0 && n <= fresh) || free < 2:
				d.newPage()
			default:
				d.rowPart(cols, cells, start, start+free, fill)
				start += free
				d.newPage()
			}
		}
	}
	p.SetX(marginX)
}

// rowPart prints lines [from, to) of every cell of a row.
func (d *doc) rowPart(cols []col, cells [][]string, from, to int, fill bool) {
	p := d.pdf
	y := p.GetY()
	h := float64(to-from)*lineH + 2*cellPad
	x := marginX
	p.SetDrawColor(200, 200, 200)
	p.SetFillColor(245, 245, 245)
	for c, column := range cols {
		style := "D"
		if fill || column.label {
			style = "FD"
		}
		p.Rect(x, y, column.w, h, style)
		if column.label {
			p.SetTextColor(70, 70, 70)
		}
		for i := from; i < to && i < len(cells[c]); i++ {
			p.SetXY(x, y+cellPad+float64(i-from)*lineH)
			p.CellFormat(column.w, lineH, cells[c][i], "", 0, column.align, false, 0, "")
		}
		p.SetTextColor(0, 0, 0)
		x += column.w
	}
	p.SetXY(marginX, y+h)
}

func (d *doc) headHeight(cols []col) float64 {
	d.pdf.SetFont(font, "B", bodySize-1)
	n := 1
	for _, c := range cols {
		n = max(n, len(d.lines(d.enc(c.title), c.w)))
	}
	d.pdf.SetFont(font, "", bodySize)
	return float64(n)*lineH + 2*cellPad
}

func (d *doc) tableHead(cols []col, h float64) {
	p := d.pdf
	p.SetFont(font, "B", bodySize-1)
	p.SetDrawColor(200, 200, 200)
	p.SetFillColor(225, 232, 242)
	x, y := marginX, p.GetY()
	for _, c := range cols {
		p.Rect(x, y, c.w, h, "FD")
		for i, l := range d.lines(d.enc(c.title), c.w) {
			p.SetXY(x, y+cellPad+float64(i)*lineH)
			p.CellFormat(c.w, lineH, l, "", 0, c.align, false, 0, "")
		}
		x += c.w
	}
	p.SetXY(marginX, y+h)
	p.SetFont(font, "", bodySize)
}

// widths gives the columns without a width what the others leave.
func widths(cols []col) []col {
	out := make([]col, len(cols))
	copy(out, cols)
	used, open := 0.0, 0
	for _, c := range out {
		if c.w > 0 {
			used += c.w
		} else {
			open++
		}
	}
	for i := range out {
		if out[i].w <= 0 {
			out[i].w = max(10, (contentW-used)/float64(max(open, 1)))
		}
		if out[i].align == "" {
			out[i].align = "L"
		}
	}
	return out
}

// fields prints label–value pairs as a form, two pairs to a row, without
// a heading.
func (d *doc) fields(pairs [][2]string) {
	rows := make([][]string, 0, (len(pairs)+1)/2)
	for i := 0; i < len(pairs); i += 2 {
		row := []string{pairs[i][0], pairs[i][1]}
		if i+1 < len(pairs) {
			row = append(row, pairs[i+1][0], pairs[i+1][1])
		}
		rows = append(rows, row)
	}
	const label = 31.0
	d.table([]col{{w: label, label: true}, {w: contentW/2 - label}, {w: label, label: true}, {w: contentW/2 - label}}, rows)
}

// image places a registered picture at most w×h millimetres, keeping its
// shape, centred in that box at (x, y).
func (d *doc) image(name string, info *fpdf.ImageInfoType, x, y, w, h float64) {
	iw, ih := info.Width(), info.Height()
	if iw <= 0 || ih <= 0 {
		return
	}
	scale := math.Min(w/iw, h/ih)
	dw, dh := iw*scale, ih*scale
	d.pdf.ImageOptions(name, x+(w-dw)/2, y+(h-dh)/2, dw, dh, false, fpdf.ImageOptions{ReadDpi: false}, 0, "")
}

// Formatting.

func (d *doc) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(calendar.Local()).Format("02-01-2006 15:04") + " " + calendar.Abbr()
}

// stamp is when on two lines, date over time, for a narrow column.
func (d *doc) stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(calendar.Local()).Format("02-01-2006\n15:04") + " " + calendar.Abbr()
}

func (d *doc) date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(calendar.Local()).Format("02-01-2006")
}

// number prints a count of days: whole numbers plainly, others with one
// decimal, with a decimal comma in Indonesian.
func (d *doc) number(v float64) string {
	r := math.Round(v*10) / 10
	s := strconv.FormatFloat(r, 'f', 1, 64)
	if r == math.Trunc(r) {
		s = strconv.FormatFloat(r, 'f', 0, 64)
	}
	if !d.en {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// percent prints a share 0..1 as "76,9%"; "—" when negative (nothing to
// divide).
func (d *doc) percent(share float64) string {
	if share < 0 || math.IsNaN(share) {
		return "—"
	}
	return d.number(share*100) + "%"
}

func (d *doc) or(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
