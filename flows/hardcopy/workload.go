package hardcopy

import (
	"strconv"

	"github.com/lapor-id/lapor/flows/records"
)

// The recap's workload: what each agency holds when the recap is printed,
// from any month, beside the period's compliance (issue 17 §2).
var workloadWords = map[string][2]string{
	"sec.workload": {"Laporan yang sedang ditangani perangkat daerah", "Reports the agencies hold"},
	"wl.note": {"Keadaan saat dicetak, dari bulan mana pun laporan itu masuk; kepatuhan di atas hanya menilai laporan periode ini.",
		"As printed, whatever month the reports came in; the compliance above rates only this period's reports."},
	"c.open":    {"Sedang ditangani", "In hand"},
	"c.overdue": {"Lewat batas waktu", "Past the deadline"},
	"c.pagency": {"Perangkat daerah", "Agency"},
}

func init() {
	for k, v := range workloadWords {
		if _, dup := words[k]; dup {
			panic("hardcopy: word " + k + " defined twice")
		}
		words[k] = v
	}
}

// workload prints what each agency holds now, the most overdue first;
// nothing when no agency holds a report.
func (d *doc) workload(loads []records.Load) {
	if len(loads) == 0 {
		return
	}
	d.section(d.t("sec.workload"))
	rows := make([][]string, len(loads))
	for i, l := range loads {
		rows[i] = []string{strconv.Itoa(i + 1), d.or(first(l.Label, l.Key)), strconv.Itoa(l.Open), strconv.Itoa(l.Overdue)}
	}
	d.table([]col{
		{title: d.t("c.no"), w: 10, align: "R"},
		{title: d.t("c.pagency")},
		{title: d.t("c.open"), w: 32, align: "R"},
		{title: d.t("c.overdue"), w: 32, align: "R"},
	}, rows)
	d.note(d.t("wl.note"))
}
