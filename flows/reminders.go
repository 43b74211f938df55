package flows

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// RemindIdleDrafts reminds, once, every citizen whose draft report has been
// idle for DraftReminderAfter, offering to continue or discard it. The draft
// is kept either way. It is safe to run on several replicas at once: each
// conversation is locked while it is reminded. It returns how many were
// reminded.
func (s *Service) RemindIdleDrafts(ctx context.Context) (int, error) {
	now := s.now()
	n := 0
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		convs, err := tx.IdleDrafts(ctx, now.Add(-s.cfg.DraftReminderAfter), 500, []string{string(StepStatusAsk)})
		if err != nil {
			return err
		}
		for _, c := range convs {
			lang := Lang(c.Lang)
			o := s.outboxTo(ctx, tx, c.Channel, c.ChatID, lang, now)
			if err := o.say(T(lang, "draft.reminder"), []Button{
				{Label: T(lang, "btn.resume"), Data: "draft:resume"},
				{Label: T(lang, "btn.canceldraft"), Data: "draft:cancel"},
			}); err != nil {
				return err
			}
			if err := tx.MarkReminded(ctx, c.Channel, c.ChatID, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// dueItem is one report a desk is reminded of, or a supervising desk is
// told is overdue.
type dueItem struct {
	tracking string
	stage    Stage
	deadline time.Time
	left     int    // working days left, when not overdue
	over     int    // working days overdue
	overdue  bool   // the deadline has passed
	owner    string // the desk that holds it (escalations)
	label    string // what is due, when not the stage's end (a first response)
}

// reminderTop is how many reports a reminder names; the rest are counted
// and /antrian lists them.
const reminderTop = 5

// mostUrgent orders items by deadline, the earliest first, and keeps the
// first reminderTop.
func mostUrgent(items []dueItem) []dueItem {
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b dueItem) int {
		if c := a.deadline.Compare(b.deadline); c != 0 {
			return c
		}
		return strings.Compare(a.tracking, b.tracking)
	})
	return items[:min(len(items), reminderTop)]
}

// reminderText is a desk's one reminder message of a sweep, however many
// reports it holds: how many are overdue, due today and due soon, the most
// urgent few, and the command that lists the rest.
func reminderText(l Lang, now time.Time, items []dueItem) string {
	var overdue, today, soon int
	for _, it := range items {
		switch {
		case it.overdue:
			overdue++
		case it.left == 0:
			today++
		default:
			soon++
		}
	}
	lines := []string{T(l, "rem.head", FormatDate(l, now.In(calendar.Local()))), T(l, "rem.counts", overdue, today, soon), T(l, "rem.top")}
	top := mostUrgent(items)
	for _, it := range top {
		when := T(l, "due.over", max(1, it.over))
		switch {
		case !it.overdue && it.left == 0:
			when = T(l, "due.today")
		case !it.overdue:
			when = T(l, "due.left", it.left)
		}
		what := stageName(l, it.stage)
		if it.label != "" {
			what = it.label
		}
		lines = append(lines, T(l, "due.line", it.tracking, what, FormatDate(l, it.deadline.In(calendar.Local())), when))
	}
	if rest := len(items) - len(top); rest > 0 {
		lines = append(lines, T(l, "rem.more", rest))
	} else {
		lines = append(lines, T(l, "rem.all"))
	}
	return strings.Join(lines, "\n")
}

// escalationText is a supervising desk's one message of a sweep about
// reports newly overdue at the desks it supervises: how many at each, and
// the longest overdue few.
func escalationText(l Lang, _ time.Time, items []dueItem) string {
	per := map[string]int{}
	var owners []string
	for _, it := range items {
		if per[it.owner] == 0 {
			owners = append(owners, it.owner)
		}
		per[it.owner]++
	}
	slices.Sort(owners)
	counts := make([]string, len(owners))
	for i, o := range owners {
		counts[i] = T(l, "esc.count", o, per[o])
	}
	lines := []string{T(l, "esc.total", len(items)), strings.Join(counts, " · "), T(l, "esc.top")}
	top := mostUrgent(items)
	for _, it := range top {
		lines = append(lines, T(l, "esc.line", it.tracking, it.owner, FormatDate(l, it.deadline.In(calendar.Local())), max(1, it.over)))
	}
	if rest := len(items) - len(top); rest > 0 {
		lines = append(lines, T(l, "esc.more", rest))
	}
	return strings.Join(lines, "\n")
}
