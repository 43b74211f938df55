package hardcopy

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/lapor-id/lapor/flows/charts"
	"github.com/lapor-id/lapor/flows/records"
)

// chartTop is how many agencies the agency charts show; the tables list
// them all.
const chartTop = 15

// Recap prints a period's recap: the totals, reports by type, stage,
// agency and kecamatan, deadline compliance by stage and by agency,
// median working days by stage, and the oldest reports still open, each
// as a table and, where a picture helps, a chart. lang is "id" or "en".
//
// The header's regency and unit default to the recap's own. r.To is the
// end of the period, exclusive, as flows builds it.
func Recap(w io.Writer, r records.Recap, h Header, lang string) error {
	if strings.TrimSpace(h.Regency) == "" {
		h.Regency = r.Regency
	}
	if strings.TrimSpace(h.Unit) == "" {
		h.Unit = r.Unit
	}
	d := newDoc(h, lang, r.Period, "title.recap")
	d.pdf.AddPage()
	d.title(d.h.Title, r.Period)

	d.section(d.t("sec.summary"))
	period := d.or(r.Period)
	if !r.From.IsZero() && r.To.After(r.From) {
		period += " (" + fmt.Sprintf(d.t("rc.range"), d.date(r.From), d.date(r.To.Add(-time.Nanosecond))) + ")"
	}
	d.fields([][2]string{
		{d.t("rc.period"), period},
		{d.t("rc.total"), strconv.Itoa(r.Total)},
		{d.t("rc.open"), strconv.Itoa(r.Open)},
		{d.t("rc.closed"), strconv.Itoa(max(r.Total-r.Open, 0))},
		{d.t("rc.generated"), d.when(r.GeneratedAt)},
	})

	steps := []struct {
		section, column string
		items           []records.Count
		limit           int
	}{
		{"sec.type", "c.type", r.ByType, charts.MaxBars},
		{"sec.category", "c.category", d.categoryCounts(r.ByCategory), charts.MaxBars},
		{"sec.stage", "c.stage", r.ByStage, charts.MaxBars},
		{"sec.agency", "c.agency", r.ByAgency, chartTop + 1},
		{"sec.kecamatan", "c.kecamatan", r.ByKecamatan, charts.MaxBars},
	}
	for i, s := range steps {
		if len(s.items) == 0 {
			d.section(d.t(s.section))
			d.note(d.t("none"))
			continue
		}
		title := d.t(s.section) + " — " + r.Period
		if len(s.items) > s.limit {
			title = fmt.Sprintf(d.t("chart.top"), d.t(s.section), s.limit-1)
		}
		png, err := charts.Bars(title, s.items, s.limit, lang)
		if err != nil {
			return err
		}
		d.chart(d.t(s.section), "counts-"+strconv.Itoa(i), png)
		d.counts(d.t(s.column), s.items)
	}

	if len(r.StageCompliance) == 0 {
		d.section(d.t("sec.compStage"))
		d.note(d.t("none"))
	} else {
		png, err := charts.Compliance(d.t("sec.compStage")+" — "+r.Period, r.StageCompliance, lang)
		if err != nil {
			return err
		}
		d.chart(d.t("sec.compStage"), "compliance-stage", png)
		d.compliance(d.t("c.stage"), r.StageCompliance)
		d.note(d.t("rate.note"))
	}

	if len(r.AgencyCompliance) == 0 {
		d.section(d.t("sec.compAgcy"))
		d.note(d.t("none"))
	} else {
		// Worst first, as the recap orders them: the chart shows those
		// that need attention, the table all of them.
		items, title := r.AgencyCompliance, d.t("c.rate")+" — "+r.Period
		if len(items) > chartTop {
			items, title = items[:chartTop], fmt.Sprintf(d.t("chart.worst"), d.t("c.rate"), chartTop)
		}
		png, err := charts.Compliance(title, items, lang)
		if err != nil {
			return err
		}
		d.chart(d.t("sec.compAgcy"), "compliance-agency", png)
		d.compliance(d.t("c.agency"), r.AgencyCompliance)
	}
	d.workload(r.Workload) // what the agencies hold now (workload.go)

	d.section(d.t("sec.median"))
	if len(r.MedianDays) == 0 {
		d.note(d.t("none"))
	} else {
		rows := make([][]string, len(r.MedianDays))
		for i, m := range r.MedianDays {
			rows[i] = []string{d.or(first(m.Label, m.Key)), d.number(m.Days), strconv.Itoa(m.N)}
		}
		d.table([]col{
			{title: d.t("c.stage")},
			{title: d.t("c.median"), w: 35, align: "R"},
			{title: d.t("c.stays"), w: 30, align: "R"},
		}, rows)
	}

	d.section(d.t("sec.oldest"))
	if len(r.Oldest) == 0 {
		d.note(d.t("none"))
	} else {
		rows := make([][]string, len(r.Oldest))
		for i, o := range r.Oldest {
			rows[i] = []string{strconv.Itoa(i + 1), d.or(o.TrackingID), d.or(o.StageName), d.or(o.Agency),
				d.date(o.Submitted), d.number(o.Days)}
		}
		d.table([]col{
			{title: d.t("c.no"), w: 10, align: "R"},
			{title: d.t("c.tracking"), w: 36},
			{title: d.t("c.stage")},
			{title: d.t("c.agency")},
			{title: d.t("c.submitted"), w: 22},
			{title: d.t("c.age"), w: 17, align: "R"},
		}, rows)
	}

	d.signature(h.Signature, h.PrintedAt)
	return d.finish(w)
}

// counts prints a breakdown with each item's share of the whole.
func (d *doc) counts(column string, items []records.Count) {
	total := 0
	for _, c := range items {
		total += c.N
	}
	rows := make([][]string, len(items))
	for i, c := range items {
		share := -1.0
		if total > 0 {
			share = float64(c.N) / float64(total)
		}
		rows[i] = []string{strconv.Itoa(i + 1), d.label(c.Key, c.Label), strconv.Itoa(c.N), d.percent(share)}
	}
	d.table([]col{
		{title: d.t("c.no"), w: 10, align: "R"},
		{title: column},
		{title: d.t("c.count"), w: 22, align: "R"},
		{title: d.t("c.share"), w: 24, align: "R"},
	}, rows)
}

func (d *doc) compliance(column string, items []records.Compliance) {
	rows := make([][]string, len(items))
	for i, c := range items {
		rows[i] = []string{strconv.Itoa(i + 1), d.label(c.Key, c.Label), strconv.Itoa(c.Met), strconv.Itoa(c.Missed),
			strconv.Itoa(c.Running), d.percent(c.Rate())}
	}
	d.table([]col{
		{title: d.t("c.no"), w: 10, align: "R"},
		{title: column},
		{title: d.t("c.met"), w: 21, align: "R"},
		{title: d.t("c.missed"), w: 21, align: "R"},
		{title: d.t("c.running"), w: 21, align: "R"},
		{title: d.t("c.rate"), w: 22, align: "R"},
	}, rows)
}

// label names a row: its label, else its key, else "unknown" (reports
// without a kecamatan or agency).
func (d *doc) label(key, label string) string {
	return first(label, key, d.t("unknown"))
}

// chart starts a section with a PNG across the page's width under its
// heading, both on a new page when they do not fit below, the picture
// smaller when it is taller than a page.
func (d *doc) chart(section, name string, png []byte) {
	p := d.pdf
	info := p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	if p.Err() || info.Width() <= 0 {
		d.section(section)
		return // finish reports it
	}
	w := contentW
	h := w * info.Height() / info.Width()
	if most := limitY - d.top - sectionH - 6; h > most {
		w, h = w*most/h, most
	}
	d.sectionKeep(section, h+2)
	y := p.GetY()
	p.ImageOptions(name, marginX+(contentW-w)/2, y, w, h, false, fpdf.ImageOptions{}, 0, "")
	p.SetXY(marginX, y+h+2)
}
