package flows

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// SweepResult counts what one sweep did.
type SweepResult struct {
	Reminders        int // items in deadline reminders to desks
	Escalations      int // overdue items reported to supervising desks
	CitizenReminders int
	AutoClosed       int
	Ombudsman        int
	TundaReminders   int
	TundaExpired     int
	DraftsExpired    int
	Digests          int
}

// Sweep does what the deadlines call for at this moment: reminders before
// a deadline, reminders and escalations after it, the citizen's reminder and
// the silent close, forwarding to the Ombudsman, Tunda reminders and
// expiry, abandoned drafts, and the morning digests. It is state-based:
// everything it sends is marked, so a rerun, a second scheduler or a
// process that was down sends each thing once. Nothing runs before the
// policy's working hours on a working day; reminders, escalations and
// digests to desks also wait while it is after working_hours_until (for
// the next working morning), while the citizens' own news goes out.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	if err := s.ReloadCalendar(ctx); err != nil {
		return res, err
	}
	now := s.now()
	cal := s.cal()
	local := now.In(calendar.Local())
	minute := local.Hour()*60 + local.Minute()
	if !cal.IsWorkingDay(now) || minute < s.cfg.Policy.fromMinutes {
		return res, nil
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		sw := &sweep{s: s, tx: tx, ctx: ctx, now: now, cal: cal, res: &res,
			c:        &courier{ctx: ctx, s: s, tx: tx, now: now, lang: s.cfg.DefaultLang},
			toDesks:  minute < s.cfg.Policy.untilMinutes,
			due:      map[deskKey][]dueItem{},
			escalate: map[deskKey][]dueItem{}}
		for _, step := range []func() error{sw.deadlines, sw.firstResponses, sw.ombudsman, sw.tunda, sw.drafts, sw.flush, sw.digests} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

type deskKey struct{ kind, agency string }

type sweep struct {
	s        *Service
	tx       *store.Tx
	ctx      context.Context
	now      time.Time
	cal      *calendar.Calendar
	c        *courier
	res      *SweepResult
	toDesks  bool                  // inside working hours: desks may be reminded
	due      map[deskKey][]dueItem // reminders per responsible desk
	escalate map[deskKey][]dueItem // overdue items per supervising desk
}

func (sw *sweep) lang() Lang { return sw.s.cfg.DefaultLang }

func (sw *sweep) mark(r *store.Report, kind string) (bool, error) {
	return sw.tx.Mark(sw.ctx, r.ID, r.StageStartedAt, kind, sw.now)
}

// holder is the desk that holds a report in its stage.
func holder(r *store.Report) deskKey {
	if k, ok := ppidHolder(Stage(r.Stage)); ok { // flows/ppid.go
		return k
	}
	switch Stage(r.Stage) {
	case StageSubmitted:
		return deskKey{DeskSuperAdmin, ""}
	case StageAtAgency:
		return deskKey{DeskAgency, r.AgencyCode}
	}
	return deskKey{DeskRegency, ""}
}

func (sw *sweep) deadlines() error {
	p := sw.s.cfg.Policy
	ahead := slices.Max(append([]int{p.CitizenRemindBefore}, p.RemindBefore...))
	horizon := sw.cal.Deadline(sw.now, ahead)
	reports, err := sw.tx.ReportsDueBy(sw.ctx, horizon, 50000)
	if err != nil {
		return err
	}
	l := sw.lang()
	today := calendar.DateOf(sw.now).String()
	// Work out every reminder and escalation due now, mark them all in one
	// statement, and keep the lines of those not sent before.
	var todo []dueMark
	for i := range reports {
		r := &reports[i]
		deadline := r.StageDeadline
		if done, err := sw.information(r); err != nil || done { // flows/ppid.go
			if err != nil {
				return err
			}
			continue
		}
		if Stage(r.Stage) == StageAnswered {
			if err := sw.answered(r); err != nil {
				return err
			}
			continue
		}
		if !sw.toDesks {
			continue // after working hours: the next working morning's sweep reminds
		}
		item := dueItem{tracking: r.TrackingID, stage: Stage(r.Stage), deadline: deadline}
		if !sw.now.After(deadline) {
			left := sw.cal.WorkingDaysBetween(sw.now, deadline)
			if !slices.Contains(p.RemindBefore, left) {
				continue
			}
			item.left = left
			todo = append(todo, dueMark{key: store.MarkKey{ReportID: r.ID, StageKey: r.StageStartedAt, Kind: fmt.Sprintf("due-%d", left)},
				desk: holder(r), item: item})
			continue
		}
		item.overdue, item.over = true, sw.cal.WorkingDaysBetween(deadline, sw.now)
		todo = append(todo, dueMark{key: store.MarkKey{ReportID: r.ID, StageKey: r.StageStartedAt, Kind: "overdue:" + today},
			desk: holder(r), item: item})
		h := holder(r)
		item.owner = roleName(l, Role(h.kind))
		if h.kind == DeskAgency {
			item.owner = sw.c.agencyName(h.agency)
		}
		todo = append(todo, dueMark{key: store.MarkKey{ReportID: r.ID, StageKey: r.StageStartedAt, Kind: "escalated"},
			desk: deskKey{p.Supervisor[h.kind], ""}, item: item, escalate: true})
	}
	todo, err = sw.perAgency(reports, todo) // flows/multiagency.go
	if err != nil {
		return err
	}
	return sw.markDue(todo)
}

// answered handles a report whose answer waits for the citizen.
func (sw *sweep) answered(r *store.Report) error {
	p := sw.s.cfg.Policy
	if sw.now.After(r.StageDeadline) {
		cur, err := sw.tx.LockReport(sw.ctx, r.TrackingID)
		if err != nil {
			return err
		}
		if _, err := sw.s.transition(sw.ctx, sw.tx, actor{system: true}, &cur, ActAutoClose, "no reply", sw.now, sw.lang()); err != nil {
			return err
		}
		sw.res.AutoClosed++
		if err := sw.c.refreshCards(&cur); err != nil {
			return err
		}
		return sw.c.autoCloseNotice(&cur, p.Stages[StageAnswered])
	}
	if sw.cal.WorkingDaysBetween(sw.now, r.StageDeadline) > p.CitizenRemindBefore {
		return nil
	}
	ok, err := sw.mark(r, "citizen-remind")
	if err != nil || !ok {
		return err
	}
	sw.res.CitizenReminders++
	return sw.c.tellCitizen(r, "n.citizen.remind", r.TrackingID, sw.c.deadline(r))
}

// ombudsman escalates reports unresolved after the policy's working days
// (flows/ombudsman.go).
func (sw *sweep) ombudsman() error {
	p := sw.s.cfg.Policy
	// 60 working days are at least 84 calendar days: a cheap bound for the
	// query, the calendar decides.
	bound := sw.now.AddDate(0, 0, -p.OmbudsmanAfter*7/5)
	reports, err := sw.tx.ReportsOpenSince(sw.ctx, bound, 10000)
	if err != nil {
		return err
	}
	for i := range reports {
		r := &reports[i]
		if !sw.now.After(sw.cal.Deadline(r.SubmittedAt, p.OmbudsmanAfter)) {
			continue
		}
		if ok, err := sw.mark(r, "ombudsman"); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		cur, err := sw.tx.LockReport(sw.ctx, r.TrackingID)
		if err != nil {
			return err
		}
		if err := sw.escalateOmbudsman(&cur); err != nil { // flows/ombudsman.go
			return err
		}
		sw.res.Ombudsman++
	}
	return nil
}

// summary is a report's timeline and the working days spent in each stage.
func (sw *sweep) summary(r *store.Report) (string, string, error) {
	events, err := sw.tx.Events(sw.ctx, r.ID)
	if err != nil {
		return "", "", err
	}
	l := sw.lang()
	var lines []string
	days := map[string]int{}
	var order []string
	for i, e := range events {
		lines = append(lines, fmt.Sprintf("• %s — %s (%s)", FormatDate(l, e.At.In(calendar.Local())), eventName(l, e.Kind), roleName(l, Role(e.ActorRole))))
		if e.StageTo == "" || e.StageTo == e.StageFrom && i > 0 {
			continue
		}
		end := sw.now
		for _, next := range events[i+1:] {
			if next.StageTo != "" && next.StageTo != next.StageFrom {
				end = next.At
				break
			}
		}
		if _, seen := days[e.StageTo]; !seen {
			order = append(order, e.StageTo)
		}
		days[e.StageTo] += max(0, sw.cal.WorkingDaysBetween(e.At, end))
	}
	var per []string
	for _, st := range order {
		per = append(per, fmt.Sprintf("• %s: %d", stageName(l, Stage(st)), days[st]))
	}
	return strings.Join(lines, "\n"), strings.Join(per, "\n"), nil
}

// tunda reminds citizens of unanswered questions, then closes the report.
func (sw *sweep) tunda() error {
	p := sw.s.cfg.Policy
	reports, err := sw.tx.ReportsWaitingSince(sw.ctx, sw.now.AddDate(0, 0, -p.TundaRemindAfter), 10000)
	if err != nil {
		return err
	}
	for i := range reports {
		r := &reports[i]
		waited := sw.cal.WorkingDaysBetween(r.StageStartedAt, sw.now)
		switch {
		case waited > p.TundaExpireAfter:
			cur, err := sw.tx.LockReport(sw.ctx, r.TrackingID)
			if err != nil {
				return err
			}
			if _, err := sw.s.transition(sw.ctx, sw.tx, actor{system: true}, &cur, ActExpire, "no answer", sw.now, sw.lang()); err != nil {
				return err
			}
			sw.res.TundaExpired++
			if err := sw.c.refreshCards(&cur); err != nil {
				return err
			}
			if err := sw.c.tellCitizen(&cur, "n.tunda.expire", cur.TrackingID); err != nil {
				return err
			}
		case waited >= p.TundaRemindAfter:
			ok, err := sw.mark(r, "tunda-remind")
			if err != nil {
				return err
			}
			if ok {
				sw.res.TundaReminders++
				expires := FormatDate(Lang(r.Lang), sw.cal.Deadline(r.StageStartedAt, p.TundaExpireAfter).In(calendar.Local()))
				if err := sw.c.tellCitizen(r, "n.tunda.remind", r.TrackingID, r.Question, expires); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// drafts sets aside drafts untouched since their reminder.
func (sw *sweep) drafts() error {
	p := sw.s.cfg.Policy
	convs, err := sw.tx.RemindedDrafts(sw.ctx, sw.now.AddDate(0, 0, -p.DraftExpireAfter), 1000,
		[]string{string(StepStatusAsk), "officer_pending"})
	if err != nil {
		return err
	}
	for _, c := range convs {
		if err := sw.tx.ExpireDraft(sw.ctx, c, sw.now); err != nil {
			return err
		}
		lang := Lang(c.Lang)
		if err := sw.c.send(c.Channel, c.ChatID, Outbound{Text: T(lang, "n.draft.expire")}); err != nil {
			return err
		}
		sw.res.DraftsExpired++
	}
	return nil
}

// flush sends one message per desk with its reminders, and one per
// supervising desk with its escalations (reminders.go writes them).
func (sw *sweep) flush() error {
	l := sw.lang()
	for _, batch := range []struct {
		items map[deskKey][]dueItem
		text  func(Lang, time.Time, []dueItem) string
	}{{sw.due, reminderText}, {sw.escalate, escalationText}} {
		keys := make([]deskKey, 0, len(batch.items))
		for k := range batch.items {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b deskKey) int { return strings.Compare(a.kind+a.agency, b.kind+b.agency) })
		for _, k := range keys {
			if err := sw.c.toDesk(k.kind, k.agency, Outbound{Text: batch.text(l, sw.now, batch.items[k])}); err != nil {
				return err
			}
		}
	}
	return nil
}

// digestLines is how many reports a digest lists; it counts them all.
const digestLines = 30

// digests sends each desk, once per working day, its open items by deadline.
func (sw *sweep) digests() error {
	if !sw.toDesks {
		return nil // after working hours: it goes out the next working morning
	}
	desks, err := sw.tx.AllDesks(sw.ctx)
	if err != nil {
		return err
	}
	l := sw.lang()
	today := calendar.DateOf(sw.now)
	for _, d := range desks {
		switch d.Kind {
		case DeskSuperAdmin, DeskRegency, DeskAgency, DeskPPID, DeskPPIDSuperior:
		default:
			continue // the Ombudsman desk holds no queue
		}
		f := queueFilter(d.Kind, d.AgencyCode) // the same items as /antrian (deskqueue.go)
		f.Limit = queueScan
		reports, err := sw.tx.FindReports(sw.ctx, f)
		if err != nil {
			return err
		}
		if len(reports) == 0 {
			continue
		}
		ok, err := sw.tx.MarkDigest(sw.ctx, d.ID, today.Start(), sw.now)
		if err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		lines := []string{T(l, "digest.head", FormatDate(l, today.Start()), len(reports))}
		for _, r := range reports[:min(len(reports), digestLines)] {
			lines = append(lines, fmt.Sprintf("• %s — %s — %s", r.TrackingID, stageName(l, Stage(r.Stage)),
				FormatDate(l, r.StageDeadline.In(calendar.Local()))))
		}
		if rest := len(reports) - digestLines; rest > 0 {
			lines = append(lines, T(l, "rem.more", rest))
		}
		if err := sw.c.send(d.Channel, d.ChatID, Outbound{Text: strings.Join(lines, "\n")}); err != nil {
			return err
		}
		sw.res.Digests++
	}
	return nil
}

// dueMark is a reminder or escalation the sweep found due: the mark that
// makes it once only, the desk it goes to and its line.
type dueMark struct {
	key      store.MarkKey
	desk     deskKey
	item     dueItem
	escalate bool
}

// markDue marks every due reminder and escalation in one statement and keeps
// the lines of those not sent before, for the desks' messages.
func (sw *sweep) markDue(todo []dueMark) error {
	keys := make([]store.MarkKey, len(todo))
	for i, t := range todo {
		keys[i] = t.key
	}
	fresh, err := sw.tx.MarkMany(sw.ctx, keys, sw.now)
	if err != nil {
		return err
	}
	for i, t := range todo {
		switch {
		case !fresh[i]:
		case t.escalate:
			sw.escalate[t.desk] = append(sw.escalate[t.desk], t.item)
			sw.res.Escalations++
		default:
			sw.due[t.desk] = append(sw.due[t.desk], t.item)
			sw.res.Reminders++
		}
	}
	return nil
}
