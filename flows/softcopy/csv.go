package softcopy

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/lapor-id/lapor/flows/records"
)

// utf8BOM makes Excel read the file as UTF-8 rather than in the code page
// of the PC. It also means the file does not begin with "ID" (our first
// header is "ID Laporan"), which Excel would take for a SYLK file.
const utf8BOM = "\uFEFF"

// CSV writes one row per report of seq, after a header row, and returns the
// number of reports written.
//
// The file is meant to open in Excel by a double click: UTF-8 with a byte
// order mark, CRLF line ends, fields quoted as RFC 4180 says, times as
// "2006-01-02 15:04" in WIB. Text that Excel would take for a formula gets a
// leading apostrophe (see guard), and text longer than an Excel cell is cut
// with a visible marker.
//
// On an error (from seq, from w, or ErrConfidentialInPublic) CSV stops and
// returns it with the reports written so far; what reached w is then a
// partial file that the caller should discard.
func CSV(w io.Writer, seq records.Seq, o Options) (int, error) {
	l := labelsFor(o.Lang)
	cols := columnsFor(o.Audience)
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return 0, fmt.Errorf("error writing csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	line := make([]string, len(cols))
	for i, c := range cols {
		line[i] = l.header(c)
	}
	if err := cw.Write(line); err != nil {
		return 0, fmt.Errorf("error writing csv: %w", err)
	}
	var (
		n    int
		vals []value
		p    = progress{fn: o.Progress}
	)
	for r, err := range seq {
		if err != nil {
			cw.Flush()
			return n, fmt.Errorf("error reading reports: %w", err)
		}
		if err := check(&r, o.Audience); err != nil {
			cw.Flush()
			return n, fmt.Errorf("report %s: %w", r.TrackingID, err)
		}
		r = r.For(o.Audience) // as the table says, whatever the producer handed over
		vals = rowOf(vals, cols, &r, o.Audience, l)
		for i, v := range vals {
			line[i] = csvText(v, l)
		}
		if err := cw.Write(line); err != nil {
			return n, fmt.Errorf("error writing csv: %w", err)
		}
		n++
		p.add(n)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("error writing csv: %w", err)
	}
	p.done(n)
	return n, nil
}
