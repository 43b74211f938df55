package flows

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// Numbers that do not mislead (issue 17 §2): the month's deadline
// compliance of an agency says nothing of the reports it still holds from
// earlier months, so /statistik puts each agency's open workload and its
// overdue reports now beside the month's compliance.

// maxWorkloadLines keeps /statistik's list of agencies to one chat message.
const maxWorkloadLines = 25

// agencyLoad is one agency's line: what it holds now and its month.
type agencyLoad struct {
	code, name    string
	open, overdue int                 // reports at the agency now, and of them past their deadline
	month         *records.Compliance // its stays at the agency among the month's reports; nil when none
}

// workload is /statistik's list of agencies: each agency that holds
// reports now or had some in the month, the most overdue first. counts are
// CountByStage's (every report, any month); rc is the month's recap.
func (o *office) workload(counts []store.StageCount, rc records.Recap) string {
	loads := map[string]*agencyLoad{}
	get := func(code string) *agencyLoad {
		l, ok := loads[code]
		if !ok {
			l = &agencyLoad{code: code, name: o.c.agencyName(code)}
			loads[code] = l
		}
		return l
	}
	for _, c := range counts {
		if c.Stage == string(StageAtAgency) && c.Agency != "" {
			l := get(c.Agency)
			l.open += c.Count
			l.overdue += c.Overdue
		}
	}
	for i := range rc.AgencyCompliance {
		if c := &rc.AgencyCompliance[i]; c.Key != "" {
			get(c.Key).month = c
		}
	}
	if len(loads) == 0 {
		return ""
	}
	list := make([]*agencyLoad, 0, len(loads))
	for _, l := range loads {
		list = append(list, l)
	}
	slices.SortFunc(list, func(x, y *agencyLoad) int {
		return cmp.Or(cmp.Compare(y.overdue, x.overdue), cmp.Compare(y.open, x.open), cmp.Compare(x.name, y.name))
	})
	var b strings.Builder
	b.WriteString(T(o.lang, "st.load.head", rc.Period))
	for i, l := range list {
		if i == maxWorkloadLines {
			b.WriteString("\n" + T(o.lang, "st.load.more", len(list)-i))
			break
		}
		line := T(o.lang, "st.load.now", l.name, l.open, l.overdue)
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
