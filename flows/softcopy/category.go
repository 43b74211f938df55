package softcopy

import (
	"cmp"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/lapor-id/lapor/flows/records"
)

// categoryTotals are one LAPOR! category's numbers in the per-category
// sheet.
type categoryTotals struct {
	code, name            string
	reports, open, closed int
}

// countCategory adds a report to its category.
func countCategory(m map[string]*categoryTotals, r *records.Record) {
	c, ok := m[r.Category]
	if !ok {
		c = &categoryTotals{code: r.Category, name: r.CategoryName}
		m[r.Category] = c
	}
	c.reports++
	if r.Open {
		c.open++
	} else {
		c.closed++
	}
}

// writeCategories writes the per-category sheet (Per kategori): most
// reports first, reports without a category last, and a total row.
func writeCategories(f *excelize.File, st *styles, l *labels, m map[string]*categoryTotals) error {
	rows := make([]*categoryTotals, 0, len(m))
	for _, c := range m {
		rows = append(rows, c)
	}
	slices.SortFunc(rows, func(x, y *categoryTotals) int {
		if (x.code == "") != (y.code == "") {
			if x.code == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(y.reports, x.reports), cmp.Compare(x.code, y.code))
	})
	s := &series{f: f, st: st, name: l.categorySheet, maxRows: excelize.TotalRows,
		headers: []string{l.pick("Kode kategori", "Category code"), l.pick("Kategori", "Category"),
			l.pick("Laporan", "Reports"), l.pick("Terbuka", "Open"), l.pick("Selesai atau diarsipkan", "Finished or archived")},
		widths: []float64{18, 36, 10, 10, 10},
	}
	if err := s.open(); err != nil {
		return err
	}
	var total categoryTotals
	for _, c := range rows {
		var code any
		name := orKey(c.name, c.code)
		if c.code != "" {
			code = c.code
		} else {
			name = l.pick("(tanpa kategori)", "(no category)")
		}
		if err := s.add([]any{code, name, c.reports, c.open, c.closed}); err != nil {
			return err
		}
		total.reports += c.reports
		total.open += c.open
		total.closed += c.closed
	}
	bold := func(v any) any { return excelize.Cell{StyleID: st.bold, Value: v} }
	if err := s.add([]any{bold(l.pick("Jumlah", "Total")), nil, bold(total.reports), bold(total.open), bold(total.closed)}); err != nil {
		return err
	}
	return s.finish()
}
