package softcopy

import (
	"archive/zip"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/records"
)

// XLSX writes an Excel workbook of the reports of seq and returns the
// number of reports written. Its sheets:
//
//   - Laporan (Reports): one row per report, the columns of the CSV, with
//     real dates and numbers, a bold frozen header and an autofilter;
//   - Riwayat (Timeline): one row per timeline step of every report;
//   - Per OPD (Per agency): per agency, the reports, how many are open and
//     closed, and how the stays at the agency kept their deadline, with the
//     compliance rate, and a total row;
//   - Per kategori (Per category): per LAPOR! category, the reports and
//     how many are open and closed, and a total row;
//   - Info: when the export was made, for whom, and how to read it.
//
// Every sheet is streamed (excelize's StreamWriter spills rows to
// temporary files past 16 MB) and the workbook is zipped straight into w,
// so memory does not grow with the rows of a sheet; it grows only by
// excelize's chunk buffer (up to about 32 MB) for each further sheet past
// Excel's row limit. A sheet that outgrows Excel's 1,048,576 rows
// continues on "Riwayat (2)", "Riwayat (3)"… (the timeline does past about
// 170,000 reports); sheets are added in the order they fill, so a reports
// sheet that overflows, past a million reports, continues after the
// timeline sheets opened by then. A text longer than an Excel cell (32,767
// characters) is cut with a visible marker. Text cells are written as
// text, never as formulas, so they need no guard against formula
// injection.
//
// Nothing reaches w unless the whole workbook is ready: on an error from
// seq (or ErrConfidentialInPublic) XLSX returns it and w is untouched.
func XLSX(w io.Writer, seq records.Seq, o Options) (int, error) {
	return writeXLSX(w, seq, o, excelize.TotalRows)
}

// writeXLSX is XLSX with the row limit of a sheet as a parameter, so tests
// can see a sheet continue without writing a million rows.
func writeXLSX(w io.Writer, seq records.Seq, o Options, maxRows int) (n int, err error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	l := labelsFor(o.Lang)
	cols := columnsFor(o.Audience)

	f := excelize.NewFile()
	defer func() {
		// Close removes the temporary files of the streams.
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("error closing workbook: %w", cerr)
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return 0, err
	}
	if err := f.SetSheetName("Sheet1", l.reportsSheet); err != nil {
		return 0, fmt.Errorf("error naming sheet: %w", err)
	}

	reportHeaders := make([]string, len(cols))
	reportWidths := make([]float64, len(cols))
	for i, c := range cols {
		reportHeaders[i], reportWidths[i] = l.header(c), c.width
	}
	reports := &series{f: f, st: st, name: l.reportsSheet, headers: reportHeaders, widths: reportWidths, maxRows: maxRows, filter: true}
	timeline := &series{f: f, st: st, name: l.timelineSheet, maxRows: maxRows, filter: true,
		headers: []string{
			l.pick("Nomor laporan", "Report number"), l.pick("Waktu", "Date and time"), l.pick("Peristiwa", "Event"),
			l.pick("Dari tahap", "From stage"), l.pick("Ke tahap", "To stage"), l.pick("Pelaku", "Actor"),
			l.pick("Perangkat daerah", "Agency"), l.pick("Catatan", "Note"),
		},
		widths: []float64{16, 17, 28, 22, 22, 28, 18, 60},
	}
	// Both sheets are streamed at once: excelize keeps one StreamWriter
	// per sheet (File.streams), each with its own buffer (spilled to a
	// temporary file past StreamChunkSize, 16 MB), so the timeline needs
	// no spooling of its own.
	if err := reports.open(); err != nil {
		return 0, err
	}
	if err := timeline.open(); err != nil {
		return 0, err
	}

	var (
		vals     []value
		row      = make([]any, len(cols))
		stepRow  = make([]any, len(timeline.headers))
		agencies = map[string]*agencyTotals{}
		cats     = map[string]*categoryTotals{}
		p        = progress{fn: o.Progress}
	)
	for r, err := range seq {
		if err != nil {
			return n, fmt.Errorf("error reading reports: %w", err)
		}
		if err := check(&r, o.Audience); err != nil {
			return n, fmt.Errorf("report %s: %w", r.TrackingID, err)
		}
		r = r.For(o.Audience) // as the table says, whatever the producer handed over
		vals = rowOf(vals, cols, &r, o.Audience, l)
		for i, v := range vals {
			row[i] = st.cell(v, l)
		}
		if err := reports.add(row); err != nil {
			return n, err
		}
		for i := range r.Timeline {
			s := &r.Timeline[i]
			for j, v := range [...]value{
				text(r.TrackingID), dateTime(s.At), text(orKey(s.What, s.Kind)), text(s.From), text(s.To),
				text(s.Who()), text(s.Desk), text(s.Note),
			} {
				stepRow[j] = st.cell(v, l)
			}
			if err := timeline.add(stepRow); err != nil {
				return n, err
			}
		}
		countAgency(agencies, &r, now)
		countCategory(cats, &r)
		n++
		p.add(n)
	}

	if err := reports.finish(); err != nil {
		return n, err
	}
	if err := timeline.finish(); err != nil {
		return n, err
	}
	if err := writeAgencies(f, st, l, agencies); err != nil {
		return n, err
	}
	if err := writeCategories(f, st, l, cats); err != nil { // category.go
		return n, err
	}
	if err := writeInfo(f, st, l, o.Audience, now, n, timeline.total); err != nil {
		return n, err
	}
	// The reports sheet, first, is the active one already (it was
	// Sheet1). No SetActiveSheet: it re-reads every worksheet, and a
	// finished stream would be decoded back from its buffer.

	// File.Write would build the whole zip in a bytes.Buffer first; a zip
	// writer of our own sends it straight to w instead, and the buffer
	// excelize hands to it stays empty. (That buffer is only patched for
	// entries over 4 GB, which Excel's row limit keeps us far from.)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := f.WriteToBuffer(); err != nil {
		return n, fmt.Errorf("error writing workbook: %w", err)
	}
	p.done(n)
	return n, nil
}

// styles are the cell styles of a workbook.
type styles struct {
	header, bold, dateTime, date, percent, boldPercent int
}

func newStyles(f *excelize.File) (*styles, error) {
	var st styles
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill}},
		{&st.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&st.dateTime, excelize.Style{CustomNumFmt: new("yyyy-mm-dd hh:mm")}},
		{&st.date, excelize.Style{CustomNumFmt: new("yyyy-mm-dd")}},
		{&st.percent, excelize.Style{CustomNumFmt: new("0.0%")}},
		{&st.boldPercent, excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: new("0.0%")}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return nil, fmt.Errorf("error creating style: %w", err)
		}
		*s.id = id
	}
	return &st, nil
}

// cell is a value as the stream writer takes it: nil for an empty cell,
// numbers as numbers, times as date cells.
func (st *styles) cell(v value, l *labels) any {
	if v.null {
		return nil
	}
	switch v.kind {
	case kDateTime:
		return excelize.Cell{StyleID: st.dateTime, Value: v.t}
	case kDate:
		return excelize.Cell{StyleID: st.date, Value: v.t}
	case kInt:
		return v.i
	case kFloat:
		return v.f
	}
	if v.s == "" {
		return nil
	}
	return clip(v.s, l.truncated)
}

// series is a streamed worksheet with a frozen header row that continues
// on "Name (2)", "Name (3)"… when it reaches maxRows. A full sheet is
// finished at once, so that at most one stream of a series is open.
type series struct {
	f       *excelize.File
	st      *styles
	name    string
	headers []string
	widths  []float64
	maxRows int
	filter  bool // an autofilter over the header and all rows

	parts int                    // sheets opened so far
	sheet string                 // the current sheet
	sw    *excelize.StreamWriter // its stream
	row   int                    // the last row written on it
	total int                    // rows written on all sheets, headers excluded
}

// open starts a new sheet: column widths, the frozen header row.
func (s *series) open() error {
	name := s.name
	if s.parts > 0 {
		name = fmt.Sprintf("%s (%d)", s.name, s.parts+1)
	}
	if _, err := s.f.NewSheet(name); err != nil {
		return fmt.Errorf("error creating sheet %q: %w", name, err)
	}
	if err := dropDimension(s.f, name); err != nil {
		return err
	}
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("error streaming sheet %q: %w", name, err)
	}
	// Widths and panes must come before the first row.
	for i, w := range s.widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("error setting column width: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("error freezing header: %w", err)
	}
	header := make([]any, len(s.headers))
	for i, h := range s.headers {
		header[i] = excelize.Cell{StyleID: s.st.header, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("error writing header of %q: %w", name, err)
	}
	s.parts++
	s.sheet, s.sw, s.row = name, sw, 1
	return nil
}

// dropDimension removes a new sheet's used range, which a stream writes
// before its first row and so cannot know: the template's "A1" would make
// readers that trust it (openpyxl in read-only mode) see the header only.
// The element is optional; without it readers count the rows.
func dropDimension(f *excelize.File, sheet string) error {
	if err := f.SetSheetDimension(sheet, ""); err != nil {
		return fmt.Errorf("error clearing the used range of %q: %w", sheet, err)
	}
	return nil
}

func (s *series) add(values []any) error {
	if s.row >= s.maxRows {
		if err := s.finish(); err != nil {
			return err
		}
		if err := s.open(); err != nil {
			return err
		}
	}
	s.row++
	if err := s.sw.SetRow("A"+strconv.Itoa(s.row), values); err != nil {
		return fmt.Errorf("error writing row %d of %q: %w", s.row, s.sheet, err)
	}
	s.total++
	return nil
}

// finish ends the current sheet: its autofilter, then its stream.
//
// The filter is kept in a defined name that holds the sheet's position,
// so sheets are never moved once created: a series that continues while
// another is streaming appends its next sheet after the other's.
func (s *series) finish() error {
	if s.filter {
		last, err := excelize.ColumnNumberToName(len(s.headers))
		if err != nil {
			return err
		}
		if err := s.f.AutoFilter(s.sheet, "A1:"+last+strconv.Itoa(s.row), nil); err != nil {
			return fmt.Errorf("error setting autofilter of %q: %w", s.sheet, err)
		}
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("error flushing sheet %q: %w", s.sheet, err)
	}
	return nil
}

// agencyTotals are one agency's numbers in the per-agency sheet.
type agencyTotals struct {
	code, name            string
	reports, open, closed int
	stays                 records.Compliance
}

// countAgency adds a report to its agency. The stays at an agency are
// counted for the agency that holds the report now, as the monthly recap
// counts them: a Stint does not say which agency it was at.
func countAgency(m map[string]*agencyTotals, r *records.Record, now time.Time) {
	a, ok := m[r.AgencyCode]
	if !ok {
		a = &agencyTotals{code: r.AgencyCode, name: r.Agency}
		m[r.AgencyCode] = a
	}
	if a.name == "" {
		a.name = r.Agency
	}
	a.reports++
	if r.Open {
		a.open++
	} else {
		a.closed++
	}
	for _, s := range r.Stints {
		if s.Stage != "at_agency" {
			continue
		}
		switch met, ok := s.Met(now); {
		case !ok:
			a.stays.Running++
		case met:
			a.stays.Met++
		default:
			a.stays.Missed++
		}
	}
}

// writeAgencies writes the per-agency sheet, by agency code, reports not
// yet at an agency last, and a total row.
func writeAgencies(f *excelize.File, st *styles, l *labels, m map[string]*agencyTotals) error {
	rows := make([]*agencyTotals, 0, len(m))
	for _, a := range m {
		rows = append(rows, a)
	}
	slices.SortFunc(rows, func(x, y *agencyTotals) int {
		switch {
		case x.code == "" && y.code != "":
			return 1
		case x.code != "" && y.code == "":
			return -1
		}
		return cmp.Compare(x.code, y.code)
	})
	s := &series{f: f, st: st, name: l.agencySheet, maxRows: excelize.TotalRows,
		headers: []string{
			l.pick("Kode perangkat daerah", "Agency code"), l.pick("Perangkat daerah", "Agency"), l.pick("Laporan", "Reports"),
			l.pick("Terbuka", "Open"), l.pick("Selesai atau diarsipkan", "Finished or archived"),
			l.pick("Di perangkat daerah: tepat waktu", "At agency: on time"), l.pick("Di perangkat daerah: terlambat", "At agency: late"),
			l.pick("Di perangkat daerah: berjalan", "At agency: running"), l.pick("Kepatuhan batas waktu", "Deadline compliance"),
		},
		widths: []float64{12, 36, 10, 10, 10, 18, 18, 18, 18},
	}
	if err := s.open(); err != nil {
		return err
	}
	rate := func(c records.Compliance, style int) any {
		if r := c.Rate(); r >= 0 {
			return excelize.Cell{StyleID: style, Value: r}
		}
		return nil
	}
	var total agencyTotals
	for _, a := range rows {
		name := a.name
		if a.code == "" && name == "" {
			name = l.pick("(belum di perangkat daerah)", "(not at an agency yet)")
		}
		var code any
		if a.code != "" {
			code = a.code
		}
		if err := s.add([]any{code, name, a.reports, a.open, a.closed, a.stays.Met, a.stays.Missed, a.stays.Running,
			rate(a.stays, st.percent)}); err != nil {
			return err
		}
		total.reports += a.reports
		total.open += a.open
		total.closed += a.closed
		total.stays.Met += a.stays.Met
		total.stays.Missed += a.stays.Missed
		total.stays.Running += a.stays.Running
	}
	bold := func(v any) any { return excelize.Cell{StyleID: st.bold, Value: v} }
	if err := s.add([]any{bold(l.pick("Jumlah", "Total")), nil, bold(total.reports), bold(total.open), bold(total.closed),
		bold(total.stays.Met), bold(total.stays.Missed), bold(total.stays.Running), rate(total.stays, st.boldPercent)}); err != nil {
		return err
	}
	return s.finish()
}

// writeInfo writes the sheet that says what the workbook is.
func writeInfo(f *excelize.File, st *styles, l *labels, a records.Audience, now time.Time, reports, steps int) error {
	if _, err := f.NewSheet(l.infoSheet); err != nil {
		return fmt.Errorf("error creating sheet %q: %w", l.infoSheet, err)
	}
	if err := dropDimension(f, l.infoSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(l.infoSheet)
	if err != nil {
		return fmt.Errorf("error streaming sheet %q: %w", l.infoSheet, err)
	}
	if err := sw.SetColWidth(1, 1, 24); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 100); err != nil {
		return err
	}
	lines := [][2]any{
		{l.pick("Dibuat pada", "Generated at"), excelize.Cell{StyleID: st.dateTime, Value: now.In(calendar.Local())}},
		{l.pick("Zona waktu", "Time zone"), zoneName(now)},
		{l.pick("Untuk", "Audience"), l.audience(a)},
		{l.pick("Jumlah laporan", "Reports"), reports},
		{l.pick("Jumlah baris riwayat", "Timeline rows"), steps},
		{l.pick("Identitas pelapor", "Reporter identity"), l.pick(
			"Admin melihat nama, username, kontak, dan chat ID pelapor; perangkat daerah dan Ombudsman hanya nama; publik tidak satu pun. Selalu kosong untuk laporan anonim.",
			"Admins see the reporter's name, username, contact and chat ID; agencies and the Ombudsman only the name; the public none. Always empty for anonymous reports.")},
		{l.agencySheet, l.pick(
			"Tahap di perangkat daerah dihitung untuk perangkat daerah yang sekarang menangani laporan. Kepatuhan = tepat waktu ÷ (tepat waktu + terlambat); yang masih berjalan dan belum lewat batas waktu tidak dihitung.",
			"Stays at an agency count for the agency that holds the report now. Compliance = on time ÷ (on time + late); stays still running and not yet late are left out.")},
		{l.pick("Teks panjang", "Long text"), l.pick(
			"Teks yang melebihi batas sel Excel ("+grouped(maxCellChars, ".")+" karakter) dipotong dan diakhiri dengan"+l.truncated+".",
			"Text over Excel's cell limit ("+grouped(maxCellChars, ",")+" characters) is cut and ends with"+l.truncated+".")},
	}
	for i, line := range lines {
		if err := sw.SetRow("A"+strconv.Itoa(i+1), []any{excelize.Cell{StyleID: st.bold, Value: line[0]}, line[1]}); err != nil {
			return fmt.Errorf("error writing sheet %q: %w", l.infoSheet, err)
		}
	}
	return sw.Flush()
}

// zoneName is the regency's time zone as a reader wants it: "WIB (UTC+7)".
func zoneName(at time.Time) string {
	_, off := at.In(calendar.Local()).Zone()
	return fmt.Sprintf("%s (UTC+%d)", calendar.Abbr(), off/3600)
}
