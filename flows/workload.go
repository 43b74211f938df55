package flows

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// Numbers that do not mislead (issue 17 §2): the month's deadline
// compliance of an agency says nothing of the reports it still holds from
// earlier months, so /statistik and the recap put each agency's open
// workload and its overdue reports now beside the month's compliance.

// maxWorkloadLines keeps /statistik's list of agencies to one chat message.
const maxWorkloadLines = 25

// workload is what each agency holds now (reports at the agency stage,
// from any month) and how many of them are past their deadline, the most
// overdue first. It counts every report, as statistics do.
func (s *Service) workload(ctx context.Context, tx *store.Tx, name func(string) string) ([]records.Load, error) {
	counts, err := tx.CountByStage(ctx, s.now())
	if err != nil {
		return nil, err
	}
	byAgency := map[string]*records.Load{}
	for _, c := range counts {
		if c.Stage != string(StageAtAgency) || c.Agency == "" {
			continue
		}
		l, ok := byAgency[c.Agency]
		if !ok {
			l = &records.Load{Key: c.Agency, Label: name(c.Agency)}
			byAgency[c.Agency] = l
		}
		l.Open += c.Count
		l.Overdue += c.Overdue
	}
	out := make([]records.Load, 0, len(byAgency))
	for _, l := range byAgency {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(x, y records.Load) int {
		return cmp.Or(cmp.Compare(y.Overdue, x.Overdue), cmp.Compare(y.Open, x.Open), cmp.Compare(x.Label, y.Label))
	})
	return out, nil
}

// agencyLine is one agency in /statistik: what it holds now and its month.
type agencyLine struct {
	load  records.Load
	month *records.Compliance // its stays at the agency among the month's reports; nil when none
}

// workloadText is /statistik's list of agencies: each agency that holds
// reports now or had some in the month, the most overdue first, with the
// month's compliance beside what it holds.
func (o *office) workloadText(rc records.Recap) string {
	lines := map[string]*agencyLine{}
	var order []string
	for _, l := range rc.Workload {
		lines[l.Key] = &agencyLine{load: l}
		order = append(order, l.Key)
	}
	for i := range rc.AgencyCompliance {
		c := &rc.AgencyCompliance[i]
		if c.Key == "" {
			continue
		}
		if l, ok := lines[c.Key]; ok {
			l.month = c
			continue
		}
		// Nothing held now: after the agencies that hold reports.
		lines[c.Key] = &agencyLine{load: records.Load{Key: c.Key, Label: c.Label}, month: c}
		order = append(order, c.Key)
	}
	if len(order) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(T(o.lang, "st.load.head", rc.Period))
	for i, key := range order {
		if i == maxWorkloadLines {
			b.WriteString("\n" + T(o.lang, "st.load.more", len(order)-i))
			break
		}
		l := lines[key]
		line := T(o.lang, "st.load.now", l.load.Label, l.load.Open, l.load.Overdue)
		if l.month == nil {
			line += T(o.lang, "st.load.nomonth")
		} else {
			rate := "—"
			if r := l.month.Rate(); r >= 0 {
				rate = fmt.Sprintf("%.0f%%", 100*r)
			}
			line += T(o.lang, "st.load.month", l.month.Met, l.month.Missed, rate)
		}
		b.WriteString("\n• " + line)
	}
	return b.String()
}
