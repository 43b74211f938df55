// Package softcopy writes the softcopy exports of reports: a CSV and an
// Excel workbook (XLSX), one row per report, streamed so that memory stays
// flat however many reports there are.
//
// It formats records.Records and decides nothing about privacy: the
// producer builds each record for the audience. The writers only keep two
// promises of their own, defensively: the identity of a reporter is
// printed only as the record holds it and never for an anonymous report, and a
// confidential report in a public export ends the export with
// ErrConfidentialInPublic instead of being printed.
//
// Column headers and sheet names are in Bahasa Indonesia, or in English
// when Options.Lang is "en". Times are shown in Western Indonesia Time
// (WIB, UTC+7), the time of Kabupaten Magetan.
package softcopy

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
)

// Options says how to write an export.
type Options struct {
	// Lang is the language of headers, sheet names and labels: "en" for
	// English, anything else for Bahasa Indonesia.
	Lang string
	// Audience is who the export is for; the reporter identity columns
	// exist only when it is records.Admin.
	Audience records.Audience
	// Progress, when set, is called with the number of reports written
	// every 1000 reports and once at the end of a successful export.
	Progress func(n int)
	// Now is the time of the export: it stamps the workbook and decides
	// whether a running stay at an agency is already late. Zero means
	// time.Now(); callers with a clock should pass it.
	Now time.Time
}

// ErrConfidentialInPublic ends an export for records.Public that was handed
// a confidential report: public sequences never contain one, so the
// producer is wrong and nothing more is written.
var ErrConfidentialInPublic = errors.New("confidential report in a public export")

const (
	// dateTimeLayout is how times read in the CSV.
	dateTimeLayout = "2006-01-02 15:04"
	dateLayout     = "2006-01-02"
	// maxCellChars is Excel's limit on the characters (UTF-16 code units)
	// of one cell.
	maxCellChars = 32767
	// progressEvery is how many reports pass between two Progress calls.
	progressEvery = 1000
)

// kind is how a value is typed in a spreadsheet.
type kind uint8

const (
	kText kind = iota
	kDateTime
	kDate
	kInt
	kFloat
)

// value is one cell before it is written, typed so that the XLSX gets real
// numbers and dates and the CSV gets them formatted. A null value is an
// empty cell.
type value struct {
	kind kind
	null bool
	s    string
	t    time.Time
	i    int64
	f    float64
}

func text(s string) value { return value{kind: kText, s: s} }

func dateTime(t time.Time) value {
	if t.IsZero() {
		return value{kind: kDateTime, null: true}
	}
	return value{kind: kDateTime, t: t.In(calendar.Local())}
}

// date is a calendar day, at midnight WIB.
func date(t time.Time) value {
	if t.IsZero() {
		return value{kind: kDate, null: true}
	}
	y, m, d := t.In(calendar.Local()).Date()
	return value{kind: kDate, t: time.Date(y, m, d, 0, 0, 0, 0, calendar.Local())}
}

func integer(n int) value { return value{kind: kInt, i: int64(n)} }

// positive is a count or score that is blank when zero (a rating of 0
// means not rated).
func positive(n int) value {
	if n <= 0 {
		return value{kind: kInt, null: true}
	}
	return integer(n)
}

func float(p *float64) value {
	if p == nil {
		return value{kind: kFloat, null: true}
	}
	return value{kind: kFloat, f: *p}
}

// column is one column of the reports sheet and the CSV.
type column struct {
	id, en string
	width  float64
	// field is the privacy table's field a column shows (the reporter's
	// identity); the column is in an export only for an audience the
	// table lets see that field. notPersonal for the others.
	field records.Field
	get   func(r *records.Record, rep *records.Reporter, l *labels) value
}

func orKey(name, key string) string {
	if name != "" {
		return name
	}
	return key
}

// reportColumns are the columns of one report, in order.
var reportColumns = []column{
	{"Nomor laporan", "Report number", 16, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.TrackingID) }},
	{"Nomor laporan LAPOR!", "LAPOR! report number", 16, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.LaporID) }},
	{"Jenis", "Type", 18, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(orKey(r.TypeName, r.Type)) }},
	{"Judul", "Title", 36, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.Title) }},
	{"Kategori", "Category", 22, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value {
		return text(orKey(r.CategoryName, r.Category))
	}},
	{"Tahap", "Stage", 22, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value {
		return text(orKey(r.StageName, r.Stage))
	}},
	{"Status", "Status", 10, notPersonal, func(r *records.Record, _ *records.Reporter, l *labels) value { return text(l.status(r)) }},
	{"Kode perangkat daerah", "Agency code", 12, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.AgencyCode) }},
	{"Perangkat daerah", "Agency", 30, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.Agencies()) }},
	{"Kecamatan", "District (kecamatan)", 16, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.Kecamatan) }},
	{"Alamat", "Address", 30, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.Address) }},
	{"Lintang", "Latitude", 11, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return float(r.Lat) }},
	{"Bujur", "Longitude", 11, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return float(r.Lon) }},
	{"Tanggal kejadian", "Occurred on", 12, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return date(r.OccurredOn) }},
	{"Waktu kejadian (keterangan)", "Occurred (as told)", 20, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.OccurredText) }},
	{"Diajukan", "Submitted at", 17, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return dateTime(r.SubmittedAt) }},
	{"Diperbarui", "Updated at", 17, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return dateTime(r.UpdatedAt) }},
	{"Batas waktu tahap", "Stage deadline", 17, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return dateTime(r.StageDeadline) }},
	{"Putaran", "Round", 8, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return integer(r.Round) }},
	{"Alasan selesai atau diarsipkan", "Why finished or archived", 20, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.ClosedReason) }},
	{"Penilaian", "Rating", 9, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return positive(r.Rating) }},
	{"Komentar penilaian", "Rating comment", 24, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.RatingComment) }},
	{"Anonim", "Anonymous", 9, notPersonal, func(r *records.Record, _ *records.Reporter, l *labels) value { return text(l.yesNo(r.Anonymous)) }},
	{"Rahasia", "Confidential", 9, notPersonal, func(r *records.Record, _ *records.Reporter, l *labels) value { return text(l.yesNo(r.Confidential)) }},
	{"Kanal", "Channel", 11, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value {
		return text(orKey(r.ChannelName, r.Channel))
	}},
	{"Jumlah lampiran", "Attachments", 10, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return integer(len(r.Attachments)) }},
	{"Uraian", "Description", 60, notPersonal, func(r *records.Record, _ *records.Reporter, _ *labels) value { return text(r.Description) }},
	{"Nama pelapor", "Reporter name", 24, records.FieldName, func(_ *records.Record, p *records.Reporter, _ *labels) value { return text(reporterField(p, 0)) }},
	{"Username", "Username", 18, records.FieldUsername, func(_ *records.Record, p *records.Reporter, _ *labels) value { return text(reporterField(p, 1)) }},
	{"Kontak", "Contact", 20, records.FieldContact, func(_ *records.Record, p *records.Reporter, _ *labels) value { return text(reporterField(p, 2)) }},
	{"Chat ID", "Chat ID", 16, records.FieldChatID, func(_ *records.Record, p *records.Reporter, _ *labels) value { return text(reporterField(p, 3)) }},
}

func reporterField(p *records.Reporter, i int) string {
	if p == nil {
		return ""
	}
	switch i {
	case 0:
		return p.Name
	case 1:
		return p.Username
	case 2:
		return p.Contact
	}
	return p.ChatID
}

// notPersonal marks a column that shows no identity.
const notPersonal records.Field = -1

// columnsFor returns the report columns an audience sees: an identity
// column is absent, not just empty, for an audience the privacy table never
// lets see that field.
func columnsFor(a records.Audience) []column {
	out := make([]column, 0, len(reportColumns))
	for _, c := range reportColumns {
		if c.field == notPersonal || records.Treat(a, records.Flags{}, c.field) == records.Shown {
			out = append(out, c)
		}
	}
	return out
}

// reporterOf is the identity an export prints for a record: what the
// record holds (Record.For left only what its audience may see), and none
// of an anonymous report whatever the producer handed over.
func reporterOf(r *records.Record, _ records.Audience) *records.Reporter {
	if r.Anonymous {
		return nil
	}
	return r.Reporter
}

// check refuses a record the audience must never see.
func check(r *records.Record, a records.Audience) error {
	if a == records.Public && r.Confidential {
		return ErrConfidentialInPublic
	}
	return nil
}

// rowOf fills dst with the values of one report.
func rowOf(dst []value, cols []column, r *records.Record, a records.Audience, l *labels) []value {
	dst = dst[:0]
	rep := reporterOf(r, a)
	for i := range cols {
		dst = append(dst, cols[i].get(r, rep, l))
	}
	return dst
}

// clip cuts s to Excel's cell limit, ending it with a visible marker so
// that a reader knows the text goes on in the system.
func clip(s, marker string) string {
	// A UTF-8 string never has more UTF-16 units than bytes.
	if len(s) <= maxCellChars || utf16Len(s) <= maxCellChars {
		return s
	}
	room := maxCellChars - utf16Len(marker)
	n, end := 0, len(s)
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 { // invalid UTF-8 decodes to U+FFFD, one unit
			w = 1
		}
		if n+w > room {
			end = i
			break
		}
		n += w
	}
	return s[:end] + marker
}

func utf16Len(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// progress calls Options.Progress every progressEvery reports and once at
// the end.
type progress struct {
	fn   func(int)
	last int
}

func (p *progress) add(n int) {
	if p.fn != nil && n%progressEvery == 0 {
		p.fn(n)
		p.last = n
	}
}

func (p *progress) done(n int) {
	if p.fn != nil && (n != p.last || n == 0) {
		p.fn(n)
	}
}

// labels are the words of an export in its language.
type labels struct {
	en bool
	// sheet names
	reportsSheet, timelineSheet, agencySheet, categorySheet, infoSheet string
	truncated                                                          string
}

func labelsFor(lang string) *labels {
	if lang == "en" {
		return &labels{en: true, reportsSheet: "Reports", timelineSheet: "Timeline", agencySheet: "Per agency", categorySheet: "Per category", infoSheet: "Info",
			truncated: " …[truncated]"}
	}
	return &labels{reportsSheet: "Laporan", timelineSheet: "Riwayat", agencySheet: "Per perangkat daerah", categorySheet: "Per kategori", infoSheet: "Info",
		truncated: " …[dipotong]"}
}

// pick returns the Indonesian or the English word.
func (l *labels) pick(id, en string) string {
	if l.en {
		return en
	}
	return id
}

func (l *labels) yesNo(b bool) string {
	if b {
		return l.pick("Ya", "Yes")
	}
	return l.pick("Tidak", "No")
}

// status is where a report is: open, finished with an answer, or archived
// without one.
func (l *labels) status(r *records.Record) string {
	switch {
	case r.Open:
		return l.pick("Terbuka", "Open")
	case r.Archived:
		return l.pick("Diarsipkan", "Archived")
	}
	return l.pick("Selesai", "Finished")
}

func (l *labels) header(c column) string { return l.pick(c.id, c.en) }

func (l *labels) audience(a records.Audience) string {
	switch a {
	case records.Admin:
		return "Admin"
	case records.Agency:
		return l.pick("Perangkat daerah", "Agency")
	case records.Ombudsman:
		return "Ombudsman"
	}
	return l.pick("Publik", "Public")
}

// csvText formats a value for the CSV.
func csvText(v value, l *labels) string {
	if v.null {
		return ""
	}
	switch v.kind {
	case kDateTime:
		return v.t.Format(dateTimeLayout)
	case kDate:
		return v.t.Format(dateLayout)
	case kInt:
		return strconv.FormatInt(v.i, 10)
	case kFloat:
		return strconv.FormatFloat(v.f, 'f', -1, 64)
	}
	return clip(guard(v.s), l.truncated)
}

// guard keeps a spreadsheet from reading text as a formula (CSV or formula
// injection): a cell that starts with = + - @, a tab or a carriage return
// gets a leading apostrophe, which Excel and LibreOffice show as text.
//
// A cell is not only what this file's commas make of a line: an Excel whose
// list separator is ";" (Indonesian Windows) splits the same line on
// semicolons, quotes in the middle of a field mean nothing to it, and a
// line break inside a quoted field starts a new row. So every place where
// such a reading could start a cell — after ; , a quote, a tab or a line
// break — gets the same apostrophe before a formula character. Only text
// from a report is guarded; numbers and dates the export formats itself (a
// negative latitude) are left as they are.
func guard(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	start := 0
	for i := 0; i < len(s); i++ {
		if !formulaStart(s[i]) || (i > 0 && !cellBreak(s[i-1])) {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s) + 4)
		}
		b.WriteString(s[start:i])
		b.WriteByte('\'')
		start = i
	}
	if start == 0 && (len(s) == 0 || !formulaStart(s[0])) {
		return s
	}
	b.WriteString(s[start:])
	return b.String()
}

// formulaStart: a character that makes a spreadsheet cell a formula.
func formulaStart(c byte) bool {
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
}

// cellBreak: a character after which some spreadsheet's reading of the
// line starts a new cell.
func cellBreak(c byte) bool {
	return c == ';' || c == ',' || c == '"' || c == '\n' || c == '\r' || c == '\t'
}
