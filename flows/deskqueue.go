package flows

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// queuePage is how many reports one page of a desk's queue lists.
const queuePage = 30

// queueScan bounds how many open reports a queue counts; a desk holding
// more is far beyond what the SOP expects.
const queueScan = 5000

// queueFilter selects the open reports a desk of kind holds.
func queueFilter(kind, agencyCode string) store.ReportFilter {
	var f store.ReportFilter
	switch kind {
	case DeskSuperAdmin:
		f.Stages = []string{string(StageSubmitted), string(StageAnswerReview)}
	case DeskRegency:
		f.Stages = []string{string(StageAtRegency), string(StageAnswerReview), string(StageToLapor)}
	case DeskAgency:
		f.Stages, f.AgencyCode = []string{string(StageAtAgency)}, agencyCode
	case DeskPPID, DeskPPIDSuperior:
		f.Stages = ppidQueue(kind) // flows/ppid.go
	default:
		f.Stages = []string{string(StageSubmitted), string(StageAtRegency), string(StageAtAgency), string(StageAnswerReview)}
	}
	return f
}

// deskQueue renders one page (from 1) of a desk's queue: its open reports,
// the nearest deadline first, the overdue marked with how late they are,
// with the counts on top and the command for the next page below. It
// shows tracking numbers, stages and deadlines only, which every desk
// that holds a report may see.
func (s *Service) deskQueue(ctx context.Context, tx *store.Tx, l Lang, now time.Time, kind, agencyCode, title string, page int) (string, error) {
	f := queueFilter(kind, agencyCode)
	f.Limit = queueScan
	reports, err := tx.FindReports(ctx, f)
	if err != nil {
		return "", err
	}
	if kind == DeskOmbudsman {
		// The Ombudsman's desk holds only what was forwarded to it.
		reports = slices.DeleteFunc(reports, func(r store.Report) bool { return r.OmbudsmanAt.IsZero() })
	}
	if len(reports) == 0 {
		return T(l, "queue.none", title), nil
	}
	cal := s.cal()
	today := calendar.DateOf(now)
	overdue, dueToday := 0, 0
	for _, r := range reports {
		switch {
		case r.StageDeadline.IsZero():
		case now.After(r.StageDeadline):
			overdue++
		case calendar.DateOf(r.StageDeadline) == today:
			dueToday++
		}
	}
	pages := (len(reports) + queuePage - 1) / queuePage
	page = min(max(page, 1), pages)
	lines := []string{T(l, "queue.head", title, len(reports)), T(l, "queue.counts", overdue, dueToday)}
	from := (page - 1) * queuePage
	shown := reports[from:min(len(reports), from+queuePage)]
	for _, r := range shown {
		mark, note, deadline := "•", "", "—"
		if !r.StageDeadline.IsZero() {
			deadline = FormatDate(l, r.StageDeadline.In(calendar.Local()))
			switch {
			case now.After(r.StageDeadline):
				mark, note = "🔴", T(l, "queue.over", max(1, cal.WorkingDaysBetween(r.StageDeadline, now)))
			case calendar.DateOf(r.StageDeadline) == today:
				mark, note = "🟠", T(l, "queue.today")
			}
		}
		lines = append(lines, T(l, "queue.line", mark, r.TrackingID, stageName(l, Stage(r.Stage)), deadline, note))
	}
	if rest := len(reports) - from - len(shown); rest > 0 {
		lines = append(lines, T(l, "queue.more", rest, page+1))
	}
	lines = append(lines, T(l, "queue.hint"))
	return strings.Join(lines, "\n"), nil
}

// queuePageArg reads /antrian's optional page number.
func queuePageArg(args string) int {
	n, err := strconv.Atoi(strings.TrimSpace(args))
	if err != nil {
		return 1
	}
	return n
}
