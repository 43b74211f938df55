package flows

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// firstResponses reminds an agency desk of a first response coming due,
// and after its deadline reminds it each working morning and tells the
// supervising desk once, like the stage deadlines (sweep.deadlines). A
// report whose first response was sent has no first-response deadline any
// more, so it drops out by itself.
func (sw *sweep) firstResponses() error {
	p := sw.s.cfg.Policy
	if !sw.toDesks || p.FirstResponse == 0 {
		return nil
	}
	horizon := sw.cal.Deadline(sw.now, slices.Max(append([]int{0}, p.RemindBefore...)))
	clocks, err := sw.tx.FirstResponsesDueBy(sw.ctx, horizon, 50000)
	if err != nil {
		return err
	}
	l := sw.lang()
	today := calendar.DateOf(sw.now).String()
	label := T(l, "due.first_response")
	var todo []dueMark
	for _, r := range clocks {
		due := r.Due
		desk := deskKey{DeskAgency, r.AgencyCode}
		item := dueItem{tracking: r.TrackingID, stage: StageAtAgency, deadline: due, label: label}
		if !sw.now.After(due) {
			left := sw.cal.WorkingDaysBetween(sw.now, due)
			if !slices.Contains(p.RemindBefore, left) {
				continue
			}
			item.left = left
			todo = append(todo, dueMark{key: store.MarkKey{ReportID: r.ReportID, StageKey: r.StageStartedAt, Kind: fmt.Sprintf("first-due-%d", left)},
				desk: desk, item: item})
			continue
		}
		item.overdue, item.over = true, sw.cal.WorkingDaysBetween(due, sw.now)
		todo = append(todo, dueMark{key: store.MarkKey{ReportID: r.ReportID, StageKey: r.StageStartedAt, Kind: "first-overdue:" + today},
			desk: desk, item: item})
		item.owner = sw.c.agencyName(r.AgencyCode) + " (" + label + ")"
		todo = append(todo, dueMark{key: store.MarkKey{ReportID: r.ReportID, StageKey: r.StageStartedAt, Kind: "first-escalated"},
			desk: deskKey{p.Supervisor[DeskAgency], ""}, item: item, escalate: true})
	}
	return sw.markDue(todo)
}

// describeFollowups is the /sla line of the first response and follow-ups.
func (p Policy) describeFollowups(lang Lang) string {
	how := T(lang, "sla.fu.direct")
	if p.reviewFollowups() {
		how = T(lang, "sla.fu.reviewed")
	}
	return T(lang, "sla.fu", p.FirstResponse, how)
}

// recomputeFirstResponses moves running first-response deadlines to the
// calendar in force (a holiday added or removed).
func (s *Service) recomputeFirstResponses(ctx context.Context, tx *store.Tx) error {
	days := s.cfg.Policy.FirstResponse
	if days == 0 {
		return nil
	}
	clocks, err := tx.FirstResponsesDueBy(ctx, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 50000)
	if err != nil {
		return err
	}
	for _, r := range clocks {
		if r.Base.IsZero() {
			continue
		}
		if d := s.cal().Deadline(r.Base, days); !d.Equal(r.Due) {
			if err := tx.SetFirstResponseDue(ctx, r.ReportID, r.Base, d); err != nil {
				return err
			}
		}
	}
	return nil
}
