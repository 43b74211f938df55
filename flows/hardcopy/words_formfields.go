package hardcopy

import "github.com/lapor-id/lapor/flows/records"

// Words of the national form's fields: a report's title and LAPOR!
// category, and the recap's breakdown by category.
var formWords = map[string][2]string{
	"f.title":      {"Judul", "Title"},
	"f.category":   {"Kategori LAPOR!", "LAPOR! category"},
	"sec.category": {"Laporan menurut kategori LAPOR!", "Reports by LAPOR! category"},
	"c.category":   {"Kategori", "Category"},
	"cat.none":     {"(tanpa kategori)", "(no category)"},
}

func init() {
	for k, v := range formWords {
		if _, dup := words[k]; dup {
			panic("hardcopy: word " + k + " defined twice")
		}
		words[k] = v
	}
}

// categoryCounts are the recap's counts by category, the reports without
// one named so.
func (d *doc) categoryCounts(items []records.Count) []records.Count {
	out := make([]records.Count, len(items))
	for i, c := range items {
		if c.Key == "" && c.Label == "" {
			c.Label = d.t("cat.none")
		}
		out[i] = c
	}
	return out
}
