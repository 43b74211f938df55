package hardcopy

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/lapor-id/lapor/flows/records"
)

// Report prints one report: its fields, the reporter (only when the
// record holds one), the full description, the timeline, the deadline of
// every stage it stayed in (kept, missed or running as of h.PrintedAt),
// and its attachments, images as thumbnails. lang is "id" or "en".
//
// It prints what rec holds and nothing else: a record made for an
// agency or the public has no Reporter, and none is printed.
func Report(w io.Writer, rec records.Record, h Header, lang string) error {
	d := newDoc(h, lang, rec.TrackingID, "title.report")
	d.pdf.AddPage()

	sub := rec.TrackingID
	if name := first(rec.TypeName, rec.Type); name != "" {
		sub += " · " + name
	}
	d.title(d.h.Title, sub)

	d.section(d.t("sec.report"))
	d.fields(d.reportFields(rec))

	d.section(d.t("sec.reporter"))
	d.reporter(rec)

	d.section(d.t("sec.description"))
	if strings.TrimSpace(rec.Description) == "" {
		d.note(d.t("desc.none"))
	} else {
		d.para(rec.Description)
	}

	if len(rec.Responses) > 0 { // the agencies' answers, whole, with their photos (responses.go)
		d.section(d.t("sec.responses"))
		d.responses(rec.Responses)
	}

	d.section(d.t("sec.timeline"))
	d.timeline(d.besideResponses(rec.Timeline, rec.Responses))

	d.section(d.t("sec.deadlines"))
	d.stints(rec, h)

	d.section(d.t("sec.attachments"))
	d.attachments("thumb-", rec.Attachments)

	return d.finish(w)
}

func (d *doc) reportFields(rec records.Record) [][2]string {
	status := d.t("status.open")
	switch {
	case rec.Archived:
		status = d.t("status.archived")
	case !rec.Open:
		status = d.t("status.closed")
	}
	occurred := rec.OccurredText
	if !rec.OccurredOn.IsZero() {
		occurred = strings.TrimSpace(d.date(rec.OccurredOn) + " " + paren(rec.OccurredText))
	}
	kecamatan := first(rec.Kecamatan, rec.KecamatanCode)
	if rec.Kecamatan != "" && rec.KecamatanCode != "" {
		kecamatan += " (" + rec.KecamatanCode + ")"
	}
	rating := d.t("rating.none")
	if rec.Rating > 0 {
		rating = fmt.Sprintf(d.t("rating.of"), rec.Rating)
	}
	out := [][2]string{
		{d.t("f.tracking"), d.or(rec.TrackingID)},
		{d.t("f.lapor"), d.or(rec.LaporID)},
		{d.t("f.type"), d.or(first(rec.TypeName, rec.Type))},
		{d.t("f.title"), d.or(rec.Title)},
		{d.t("f.category"), d.or(first(rec.CategoryName, rec.Category))},
		{d.t("f.stage"), d.or(first(rec.StageName, rec.Stage))},
		{d.t("f.status"), status},
		{d.t("f.agency"), d.or(rec.Agencies())},
		{d.t("f.submitted"), d.when(rec.SubmittedAt)},
		{d.t("f.updated"), d.when(rec.UpdatedAt)},
		{d.t("f.deadline"), d.when(rec.StageDeadline)},
		{d.t("f.occurred"), d.or(occurred)},
		{d.t("f.address"), d.or(rec.Address)},
		{d.t("f.kecamatan"), d.or(kecamatan)},
	}
	if rec.Lat != nil && rec.Lon != nil {
		out = append(out, [2]string{d.t("f.coords"), coords(*rec.Lat, *rec.Lon)})
	}
	return append(out,
		[2]string{d.t("f.anonymous"), d.yes(rec.Anonymous)},
		[2]string{d.t("f.confidential"), d.yes(rec.Confidential)},
		[2]string{d.t("f.channel"), d.or(first(rec.ChannelName, d.channel(rec.Channel)))},
		[2]string{d.t("f.round"), strconv.Itoa(rec.Round)},
		[2]string{d.t("f.closed"), d.or(rec.ClosedReason)},
		[2]string{d.t("f.rating"), rating},
		[2]string{d.t("f.comment"), d.or(rec.RatingComment)},
	)
}

// reporter prints who filed the report when the record says, and only a
// line otherwise: anonymous reports have no reporter to show, other
// records leave the identity out for their audience.
func (d *doc) reporter(rec records.Record) {
	switch {
	case rec.Reporter != nil:
		// Only what the record holds: an agency's record has the name
		// and none of the contact details.
		r := rec.Reporter
		fields := [][2]string{{d.t("r.name"), d.or(r.Name)}}
		for _, f := range [][2]string{{d.t("r.username"), r.Username}, {d.t("r.contact"), r.Contact}} {
			if f[1] != "" {
				fields = append(fields, f)
			}
		}
		fields = append(fields, [2]string{d.t("r.channel"), d.or(d.channel(r.Channel))})
		if r.ChatID != "" {
			fields = append(fields, [2]string{d.t("r.chat"), r.ChatID})
		}
		d.fields(fields)
	case rec.Anonymous:
		d.line(d.t("reporter.anon"))
	default:
		d.line(d.t("reporter.hidden"))
	}
}

// line prints one line of body text.
func (d *doc) line(s string) {
	d.pdf.SetFont(font, "", bodySize)
	d.pdf.CellFormat(contentW, lineH, d.fit(s, contentW), "", 1, "L", false, 0, "")
}

func (d *doc) timeline(steps []records.Step) {
	if len(steps) == 0 {
		d.note(d.t("tl.none"))
		return
	}
	rows := make([][]string, len(steps))
	for i, s := range steps {
		actor := d.or(s.Who())
		if s.Desk != "" {
			actor += "\n" + s.Desk
		}
		what := d.or(s.What)
		switch {
		case s.From != "" && s.To != "":
			what += "\n" + fmt.Sprintf(d.t("tl.move"), s.From, s.To)
		case s.To != "":
			what += "\n" + fmt.Sprintf(d.t("tl.to"), s.To)
		}
		rows[i] = []string{d.stamp(s.At), actor, what, s.Note}
	}
	d.table([]col{
		{title: d.t("tl.when"), w: 22},
		{title: d.t("tl.actor"), w: 40},
		{title: d.t("tl.what"), w: 44},
		{title: d.t("tl.note")},
	}, rows)
}

// status is a stint's deadline as of now: kept, missed, or still running.
func (d *doc) status(s records.Stint, now time.Time) string {
	met, over := s.Met(now)
	switch {
	case !over:
		return d.t("status.running")
	case met:
		return d.t("status.met")
	}
	return d.t("status.missed")
}

func (d *doc) stints(rec records.Record, h Header) {
	if len(rec.Stints) == 0 {
		d.note(d.t("st.none"))
		return
	}
	rows := make([][]string, len(rec.Stints))
	for i, s := range rec.Stints {
		rows[i] = []string{d.or(first(s.StageName, s.Stage)), d.stamp(s.Entered), d.stamp(s.Deadline), d.stamp(s.Left),
			d.number(s.Days), d.status(s, h.PrintedAt)}
	}
	d.table([]col{
		{title: d.t("st.stage")},
		{title: d.t("st.entered"), w: 22},
		{title: d.t("st.deadline"), w: 22},
		{title: d.t("st.left"), w: 22},
		{title: d.t("st.days"), w: 17, align: "R"},
		{title: d.t("st.status"), w: 22},
	}, rows)
}

// Thumbnail grid: four to a row, each picture within a box, its name
// under it on at most two lines.
const (
	thumbCols  = 4
	thumbCellW = contentW / thumbCols
	thumbBoxW  = thumbCellW - 5
	thumbBoxH  = 36.0
	thumbLineH = 3.4
	thumbRowH  = thumbBoxH + 2 + 2*thumbLineH + 4
)

// attachments prints the images with a thumbnail in a grid, a line for
// each image too large to print, then every other file as a table row. A
// thumbnail that is not a JPEG (all that records make) is listed as a
// file rather than spoiling the document. prefix names the document's
// images apart (the evidence, each answer's files).
func (d *doc) attachments(prefix string, atts []records.Attachment) {
	if len(atts) == 0 {
		d.note(d.t("att.none"))
		return
	}
	type thumb struct {
		name string
		info *fpdf.ImageInfoType
		att  records.Attachment
	}
	var thumbs []thumb
	var files, tooLarge []records.Attachment
	for i, a := range atts {
		if a.TooLarge {
			tooLarge = append(tooLarge, a)
		}
		if len(a.Thumb) == 0 {
			files = append(files, a)
			continue
		}
		// fpdf embeds every JPEG this accepts, as it is (DCTDecode).
		if _, err := jpeg.DecodeConfig(bytes.NewReader(a.Thumb)); err != nil {
			files = append(files, a)
			continue
		}
		name := prefix + strconv.Itoa(i)
		info := d.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(a.Thumb))
		if d.pdf.Err() {
			return // finish reports it
		}
		thumbs = append(thumbs, thumb{name: name, info: info, att: a})
	}

	p := d.pdf
	for row := 0; row*thumbCols < len(thumbs); row++ {
		d.room(thumbRowH)
		y := p.GetY()
		for c := 0; c < thumbCols && row*thumbCols+c < len(thumbs); c++ {
			t := thumbs[row*thumbCols+c]
			x := marginX + float64(c)*thumbCellW
			bx := x + (thumbCellW-thumbBoxW)/2
			p.SetDrawColor(200, 200, 200)
			p.Rect(bx, y, thumbBoxW, thumbBoxH, "D")
			d.image(t.name, t.info, bx+0.5, y+0.5, thumbBoxW-1, thumbBoxH-1)
			p.SetFont(font, "", 7.5)
			lines := d.lines(d.enc(oneLine(first(t.att.Name, d.t("kind."+t.att.Kind)))), thumbCellW)
			if len(lines) > 2 {
				lines = []string{lines[0], d.cut(strings.Join(lines[1:], " "), thumbCellW)}
			}
			for i, l := range lines {
				p.SetXY(x, y+thumbBoxH+1+float64(i)*thumbLineH)
				p.CellFormat(thumbCellW, thumbLineH, l, "", 0, "C", false, 0, "")
			}
		}
		p.SetXY(marginX, y+thumbRowH)
	}
	p.SetFont(font, "", bodySize)
	for _, a := range tooLarge {
		d.room(2 * lineH)
		d.note(fmt.Sprintf(d.t("att.toolarge"), oneLine(first(a.Name, d.t("kind.photo")))))
	}

	if len(files) == 0 {
		return
	}
	if len(thumbs) > 0 {
		p.Ln(1)
		d.room(4 * lineH)
		p.SetFont(font, "B", bodySize)
		p.CellFormat(contentW, lineH+1, d.enc(d.t("att.other")), "", 1, "L", false, 0, "")
		p.SetFont(font, "", bodySize)
	}
	rows := make([][]string, len(files))
	for i, a := range files {
		kind := d.kind(a.Kind)
		if a.MIME != "" {
			kind = strings.TrimSpace(kind + " (" + a.MIME + ")")
		}
		if a.Withheld {
			kind += "\n" + d.t("att.withheld")
		}
		rows[i] = []string{d.or(a.Name), d.or(kind), d.size(a.Size)}
	}
	d.table([]col{
		{title: d.t("att.name")},
		{title: d.t("att.type"), w: 55},
		{title: d.t("att.size"), w: 22, align: "R"},
	}, rows)
}

func (d *doc) kind(k string) string {
	if _, ok := words["kind."+k]; ok {
		return d.t("kind." + k)
	}
	return k
}

func (d *doc) channel(c string) string {
	if _, ok := words["channel."+c]; ok {
		return d.t("channel." + c)
	}
	return c
}

func (d *doc) yes(b bool) string {
	if b {
		return d.t("yes")
	}
	return d.t("no")
}

// size prints a file size in KB below a megabyte and in MB from there.
func (d *doc) size(n int64) string {
	switch {
	case n <= 0:
		return "—"
	case n < 1<<20:
		return d.number(max(float64(n)/1024, 0.1)) + " KB"
	}
	return d.number(float64(n)/(1<<20)) + " MB"
}

// coords prints a point as latitude, longitude (the decimal point is kept
// in both languages: it is what maps accept).
func coords(lat, lon float64) string {
	return strconv.FormatFloat(lat, 'f', 6, 64) + ", " + strconv.FormatFloat(lon, 'f', 6, 64)
}

func paren(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	return "(" + s + ")"
}

// first is the first of its arguments that is not blank.
func first(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
