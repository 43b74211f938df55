package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// The replica run's deadline sweep reads a fixed clock: lapor writes to
// desks only inside working hours on working days, so a sweep on the real
// clock would remind nobody on a Sunday or in the evening, and the check
// would depend on when the run happens. Instead this process runs the
// sweep itself, as --replicas replicas at once would, on the same database
// (the replicas' own sweep is switched off): on the working morning before
// the latest one during the first half of the run, on the latest working
// morning (09:00 WIB, not after now) during the second. Both lie in the
// past, so what the sweep writes is due at once.

// sweepHour is the working morning's time of day, in WIB.
const sweepHour = 9

// sweepDays are the two working mornings the run's sweeps read: the latest
// at or before now, and the working day before it.
func sweepDays(now time.Time, cal *calendar.Calendar) [2]time.Time {
	local := now.In(calendar.Local())
	day := time.Date(local.Year(), local.Month(), local.Day(), sweepHour, 0, 0, 0, calendar.Local())
	if day.After(now) {
		day = day.AddDate(0, 0, -1)
	}
	prev := func(d time.Time) time.Time {
		for !cal.IsWorkingDay(d) {
			d = d.AddDate(0, 0, -1)
		}
		return d
	}
	second := prev(day)
	return [2]time.Time{prev(second.AddDate(0, 0, -1)), second}
}

// sweeper runs the deadline sweep in this process on a clock it sets.
type sweeper struct {
	db    *store.DB
	svcs  []*flows.Service // one per replica, all on the same clock
	mu    sync.Mutex
	clock time.Time
	log   *slog.Logger
	runs  int
	fails int
}

func (r *Rig) newSweeper(ctx context.Context, replicas int) (*sweeper, error) {
	db, err := store.Open(ctx, r.dbURL, nil)
	if err != nil {
		return nil, err
	}
	sw := &sweeper{db: db, log: r.log}
	now := func() time.Time {
		sw.mu.Lock()
		defer sw.mu.Unlock()
		return sw.clock
	}
	for range max(replicas, 1) {
		sw.svcs = append(sw.svcs, flows.New(db, flows.DefaultConfig(), calendar.Default(), region.Default(), now, r.log))
	}
	return sw, nil
}

func (sw *sweeper) set(t time.Time) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	sw.clock = t
}

// once sweeps from every replica at the same moment.
func (sw *sweeper) once(ctx context.Context) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, svc := range sw.svcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.Sweep(ctx)
			mu.Lock()
			defer mu.Unlock()
			sw.runs++
			if err != nil && ctx.Err() == nil {
				sw.fails++
				sw.log.Warn("deadline sweep failed", "err", err)
			}
		}()
	}
	wg.Wait()
}

// run sweeps every interval until ctx ends, on the first day's clock until
// switchAt, then on the second's.
func (sw *sweeper) run(ctx context.Context, days [2]time.Time, every time.Duration, switchAt time.Time) {
	if every <= 0 {
		every = 2 * time.Second
	}
	for {
		day := days[0]
		if !time.Now().Before(switchAt) {
			day = days[1]
		}
		sw.set(day)
		sw.once(ctx)
		if !sleepUntil(ctx, time.Now().Add(every)) {
			return
		}
	}
}

func (sw *sweeper) close() { sw.db.Close() }

var (
	reminderCounts = regexp.MustCompile(`(?m)^(?:Lewat batas waktu|Overdue): (\d+) · `)
	escalationHead = regexp.MustCompile(`\A⚠️[^\n]*: (\d+)\n`)
	reminderLine   = regexp.MustCompile(`• ([A-Z]{2,5}-[0-9A-Z]{6})\b`)
)

// deskNotice is a reminder or an escalation as a desk reads it: its kind,
// the reports it counts (overdue ones for a reminder, all for an
// escalation), and the reports it names.
type deskNotice struct {
	kind  string // "due" or "escalated"
	count int
	ids   []string
}

// readNotice reads a desk message; ok is false for anything that is not a
// reminder or an escalation.
func readNotice(text string) (deskNotice, bool) {
	var n deskNotice
	var m []string
	switch {
	case strings.HasPrefix(text, "⏰"):
		n.kind, m = "due", reminderCounts.FindStringSubmatch(text)
	case strings.HasPrefix(text, "⚠️"):
		n.kind, m = "escalated", escalationHead.FindStringSubmatch(text)
	default:
		return n, false
	}
	if m == nil {
		n.count = -1 // a reminder without its counts
	} else {
		n.count, _ = strconv.Atoi(m[1])
	}
	for _, id := range reminderLine.FindAllStringSubmatch(text, -1) {
		n.ids = append(n.ids, id[1])
	}
	return n, true
}

// expectedNotices is what each desk's group should read from the sweeps
// about the seeded overdue reports: the overdue count of every reminder
// (one each sweep day) and the count of its one escalation.
func expectedNotices(ds []Desk, seededPerDesk map[string]int) (due, escalated map[int64]int) {
	due, escalated = map[int64]int{}, map[int64]int{}
	p := flows.DefaultPolicy()
	group := map[string]int64{}
	for _, d := range ds {
		key := d.Kind
		if d.Kind == deskAgency {
			key += " " + d.Agency
		}
		group[key] = d.Group
	}
	for desk, n := range seededPerDesk {
		if n == 0 {
			continue
		}
		due[group[desk]] += n
		kind, _, _ := strings.Cut(desk, " ")
		escalated[group[p.Supervisor[kind]]] += n
	}
	return due, escalated
}

// verifySweeps checks the run's sweeps from what the fake delivered: each
// desk got exactly one reminder per sweep day, counting exactly its
// overdue reports and naming no more than a handful, and each supervising
// desk one escalation counting every report newly overdue below it; and
// the outbox holds no reminder written twice.
func (r *Rig) verifySweeps(ctx context.Context, sw *sweeper, days [2]time.Time, ds []Desk, seededPerDesk map[string]int) error {
	rep := r.rep
	rep.Note("the sweeps read the clock of %s, then of %s (WIB), from %d replicas at once",
		days[0].Format("Monday 2 January 2006 15:04"), days[1].Format("Monday 2 January 2006 15:04"), len(sw.svcs))
	rep.Add("sweeps run", float64(sw.runs), "sweeps")
	rep.Check("every sweep finished", sw.fails == 0, "%d of %d sweeps failed", sw.fails, sw.runs)
	wantDue, wantEsc := expectedNotices(ds, seededPerDesk)

	written := map[int64][]deskNotice{}
	err := retryQuery(ctx, func(ctx context.Context) error {
		clear(written)
		rows, err := r.pool.Query(ctx, `SELECT chat_id, payload FROM outbox WHERE chat_id LIKE '-%' ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var chat string
			var payload []byte
			if err := rows.Scan(&chat, &payload); err != nil {
				return err
			}
			var msg flows.Outbound
			_ = json.Unmarshal(payload, &msg)
			if n, ok := readNotice(msg.Text); ok {
				id, _ := strconv.ParseInt(chat, 10, 64)
				written[id] = append(written[id], n)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	// The fake's record, with a message repeated right after itself (an
	// at-least-once redelivery) read once.
	delivered := map[int64][]deskNotice{}
	last := map[int64]string{}
	for _, s := range r.fake.AllSent() {
		if s.ChatID >= 0 || !strings.HasPrefix(s.Method, "send") || last[s.ChatID] == s.Text {
			continue
		}
		last[s.ChatID] = s.Text
		if n, ok := readNotice(s.Text); ok {
			delivered[s.ChatID] = append(delivered[s.ChatID], n)
		}
	}

	var problems []string
	reminders, named := 0, 0
	for _, d := range ds {
		var due, esc []deskNotice
		for _, n := range delivered[d.Group] {
			if n.kind == "due" {
				due = append(due, n)
			} else {
				esc = append(esc, n)
			}
			named = max(named, len(n.ids))
		}
		reminders += len(due) + len(esc)
		if wantDue[d.Group] > 0 && len(due) != len(days) {
			problems = append(problems, fmt.Sprintf("group %d got %d reminders over %d sweep days", d.Group, len(due), len(days)))
		}
		if wantDue[d.Group] == 0 && len(due) > 0 {
			problems = append(problems, fmt.Sprintf("group %d holds no overdue report but got %d reminders", d.Group, len(due)))
		}
		for _, n := range due {
			if n.count != wantDue[d.Group] {
				problems = append(problems, fmt.Sprintf("group %d: a reminder counts %d overdue, it holds %d", d.Group, n.count, wantDue[d.Group]))
			}
		}
		switch {
		case wantEsc[d.Group] > 0 && (len(esc) != 1 || esc[0].count != wantEsc[d.Group]):
			problems = append(problems, fmt.Sprintf("group %d: escalations %+v, want one counting %d", d.Group, esc, wantEsc[d.Group]))
		case wantEsc[d.Group] == 0 && len(esc) > 0:
			problems = append(problems, fmt.Sprintf("group %d supervises no overdue report but got %d escalations", d.Group, len(esc)))
		}
		writtenDue := 0
		for _, n := range written[d.Group] {
			if n.kind == "due" {
				writtenDue++
			}
		}
		if writtenDue > len(days) {
			problems = append(problems, fmt.Sprintf("group %d: %d reminders written to the outbox over %d sweep days", d.Group, writtenDue, len(days)))
		}
	}
	for _, p := range problems {
		rep.Note("%s", p)
	}
	rep.Add("reminder and escalation messages delivered", float64(reminders), "messages")
	rep.Add("most reports named in one reminder", float64(named), "reports")
	rep.Check("one reminder per desk and sweep day, counting the desk's overdue reports; one escalation per supervising desk",
		len(problems) == 0, "%d problems (see notes); %d seeded overdue reports over %d desks", len(problems), sumValues(seededPerDesk), len(wantDue))
	rep.Check("a reminder names a handful of reports, not hundreds", named <= 10, "at most %d reports named in one message", named)
	return nil
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
