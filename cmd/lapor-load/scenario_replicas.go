package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// runReplicas runs --replicas lapor serve processes on one database under
// the throughput load. Only one replica at a time long-polls Telegram and
// sends to it (an advisory lock, like the scheduler's); the others stand by,
// and every replica's workers handle stored messages. Overdue reports are
// seeded so that the deadline sweep (every --sweep-every) has reminders and
// escalations to send. Halfway the replica that talks to Telegram is killed
// and started again. Asserted from the database and the fake: no message
// handled twice, no reminder sent twice, nothing lost, one poller at a time.
func runReplicas(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	rig, err := NewRig(ctx, o, rep, o.Limits, true, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "flood-per-minute", "replicas", "citizens", "officers", "rate", "duration", "workers", "sweep-every", "overdue", "outbox-lease")
	extra := map[string]string{"LAPOR_SWEEP_EVERY": o.SweepEvery.String()}
	var replicas []*Proc
	for i := 0; i < o.Replicas; i++ {
		p, err := rig.startLapor(ctx, fmt.Sprintf("lapor-%d", i+1), extra)
		if err != nil {
			return err
		}
		replicas = append(replicas, p)
	}
	ds := desks(o.Officers - 2)
	if err := rig.registerDesks(ctx, ds); err != nil {
		return err
	}
	seeded, err := rig.seedOverdue(ctx, o.Overdue)
	if err != nil {
		return err
	}
	ds = ds[:min(max(o.Officers, 0), len(ds))]

	kills := 0
	between := func(ctx context.Context, start time.Time) {
		if !o.KillActive || !sleepUntil(ctx, start.Add(o.Duration/2)) {
			return
		}
		active := activeReplica(replicas)
		if active == nil {
			rep.Check("one replica talks to Telegram", false, "no replica logged taking the lapor-telegram lock")
			return
		}
		log.Warn("fault: SIGKILL the replica that talks to Telegram", "replica", active.Name)
		killed := time.Now()
		active.Kill()
		kills++
		took, next := waitTakeover(ctx, replicas, active, killed, 60*time.Second)
		if next == nil {
			rep.Check("a standby takes over Telegram", false, "nobody took the lock within 60 s of killing %s", active.Name)
		} else {
			rep.AddDuration("failover: another replica polls Telegram after", took).Want("≤ 10 s", took <= healthyWithin)
			rep.Check("a standby takes over Telegram within 10 s", took <= healthyWithin, "%s took over %s after %s was killed",
				next.Name, took.Round(time.Millisecond), active.Name)
		}
		time.Sleep(2 * time.Second)
		if err := active.Start(); err != nil {
			rep.Check("the killed replica starts again", false, "%v", err)
		}
	}
	l := rig.drive(ctx, ds, false, between)
	rig.reportLoad(ctx, l, "lapor (all replicas)")
	if err := rig.verifyZeroLoss(ctx, l.Citizens); err != nil {
		return err
	}

	st := rig.fake.Stats()
	conflicts := 0
	for k, v := range st.Errors {
		if strings.Contains(k, "Conflict") {
			conflicts += v
		}
	}
	rep.Check("one getUpdates poller at a time", conflicts <= kills,
		"%d answers of 409 Conflict (a competing poller); at most %d allowed for the killed replica's abandoned poll", conflicts, kills)
	active := 0
	for _, p := range replicas {
		if ok, _ := p.LogContains(`msg="lock taken" lock=lapor-telegram`, 0); ok {
			active++
		}
	}
	rep.Add("replicas that held the Telegram lock at some time", float64(active), "replicas")

	return rig.verifyReminders(ctx, seeded)
}

// seedOverdue imports n reports past their stage deadline, spread over the
// super admin, regency admin and pupr desks, for the sweep to remind and
// escalate.
func (r *Rig) seedOverdue(ctx context.Context, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	db, err := store.Open(ctx, r.dbURL, nil)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	now := time.Now()
	stages := []string{"submitted", "at_regency", "at_agency"}
	var reports []store.Report
	var ids []string
	for i := 0; i < n; i++ {
		rp := store.Report{TrackingID: fmt.Sprintf("LOAD-%06d", i), Type: "pengaduan", Description: "laporan uji beban yang lewat batas waktu",
			Confidential: true, Channel: "telegram", ChatID: fmt.Sprint(800000 + i), Stage: stages[i%3], KecamatanCode: "35.20.06",
			StageStartedAt: now.AddDate(0, 0, -14), SubmittedAt: now.AddDate(0, 0, -14), DeadlineBase: now.AddDate(0, 0, -14),
			DeadlineDays: 3, StageDeadline: now.AddDate(0, 0, -7)}
		if rp.Stage == "at_agency" {
			rp.AgencyCode = "pupr"
		}
		reports = append(reports, rp)
		ids = append(ids, rp.TrackingID)
	}
	if _, err := db.ImportReports(ctx, reports); err != nil {
		return nil, fmt.Errorf("seeding overdue reports: %w", err)
	}
	r.log.Info("seeded overdue reports", "n", n)
	return ids, nil
}

// sweepOpen reports whether lapor's sweep writes to desks now: on working
// days in Asia/Jakarta from the policy's working hours.
func sweepOpen(now time.Time) (bool, string) {
	local := now.In(calendar.Jakarta)
	if !calendar.Default().IsWorkingDay(now) {
		return false, local.Format("Monday 2 January 2006") + " is not a working day in Asia/Jakarta"
	}
	from, _ := time.Parse("15:04", flows.DefaultPolicy().WorkingHoursFrom)
	if local.Hour()*60+local.Minute() < from.Hour()*60+from.Minute() {
		return false, "it is " + local.Format("15:04") + " in Asia/Jakarta, before working hours (" + flows.DefaultPolicy().WorkingHoursFrom + ")"
	}
	return true, ""
}

var reminderLine = regexp.MustCompile(`• ([A-Z]{2,5}-[0-9A-Z]{6})\b`)

// reminderKinds reads the reminder and escalation lines of a desk message.
func reminderKinds(text string) (kind string, ids []string) {
	switch {
	case strings.HasPrefix(text, "⏰"):
		kind = "due"
	case strings.HasPrefix(text, "⚠️"):
		kind = "escalated"
	default:
		return "", nil
	}
	for _, m := range reminderLine.FindAllStringSubmatch(text, -1) {
		ids = append(ids, m[1])
	}
	return kind, ids
}

// verifyReminders checks the sweep's reminders under several replicas:
// each (report, kind) is written to the outbox at most once, delivered at
// most once apart from at-least-once repeats of the same message, and every
// seeded overdue report got its reminder and its escalation.
func (r *Rig) verifyReminders(ctx context.Context, seeded []string) error {
	rep := r.rep
	open, why := sweepOpen(time.Now())
	stored := map[string]int{}
	err := retryQuery(ctx, func(ctx context.Context) error {
		clear(stored)
		rows, err := r.pool.Query(ctx, `SELECT payload FROM outbox WHERE chat_id LIKE '-%' ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var payload []byte
			if err := rows.Scan(&payload); err != nil {
				return err
			}
			var msg flows.Outbound
			_ = json.Unmarshal(payload, &msg)
			kind, ids := reminderKinds(msg.Text)
			for _, id := range ids {
				stored[kind+" "+id]++
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	// The fake's record, with a message repeated right after itself (an
	// at-least-once redelivery, counted with the duplicates) read once.
	delivered := map[string]int{}
	last := map[int64]string{}
	for _, s := range r.fake.AllSent() {
		if s.ChatID >= 0 || !strings.HasPrefix(s.Method, "send") {
			continue
		}
		if last[s.ChatID] == s.Text {
			continue
		}
		last[s.ChatID] = s.Text
		kind, ids := reminderKinds(s.Text)
		for _, id := range ids {
			delivered[kind+" "+id]++
		}
	}
	dupStored, dupDelivered := 0, 0
	for _, k := range sortedKeys(stored) {
		if stored[k] > 1 {
			dupStored++
			rep.Note("reminder %s written %d times", k, stored[k])
		}
	}
	for _, k := range sortedKeys(delivered) {
		if delivered[k] > 1 {
			dupDelivered++
			rep.Note("reminder %s delivered %d times", k, delivered[k])
		}
	}
	marks, err := r.count(ctx, `SELECT count(*) FROM sweep_marks`)
	if err != nil {
		return err
	}
	rep.Add("sweep marks", float64(marks), "marks")
	rep.Add("reminder lines delivered", float64(len(delivered)), "(report, kind)")
	if !open {
		rep.Skip("no duplicate reminders", "the sweep writes to desks only on working days from working hours, and %s; "+
			"%d reminder lines were delivered (none expected). Run on a working day after 07:30 WIB", why, len(delivered))
		return nil
	}
	rep.Check("no duplicate reminders (outbox)", dupStored == 0, "%d (report, kind) written more than once", dupStored)
	rep.Check("no duplicate reminders (delivered)", dupDelivered == 0, "%d (report, kind) delivered more than once", dupDelivered)
	missing := 0
	for _, id := range seeded {
		for _, kind := range []string{"due", "escalated"} {
			if delivered[kind+" "+id] == 0 {
				missing++
			}
		}
	}
	rep.Check("every overdue report reminded and escalated once", missing == 0,
		"%d of %d expected reminder lines missing", missing, 2*len(seeded))
	return nil
}

var lockTaken = regexp.MustCompile(`^time=(\S+) .*msg="lock taken" lock=lapor-telegram`)

// lastLockTaken is when the replica last logged taking the Telegram lock.
func lastLockTaken(p *Proc) time.Time {
	f, err := os.Open(p.LogPath)
	if err != nil {
		return time.Time{}
	}
	defer f.Close()
	var last time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if m := lockTaken.FindStringSubmatch(sc.Text()); m != nil {
			if t, err := time.Parse(time.RFC3339Nano, m[1]); err == nil && t.After(last) {
				last = t
			}
		}
	}
	return last
}

// activeReplica is the running replica that took the Telegram lock last.
func activeReplica(ps []*Proc) *Proc {
	var best *Proc
	var at time.Time
	for _, p := range ps {
		if t := lastLockTaken(p); p.Running() && !t.IsZero() && t.After(at) {
			best, at = p, t
		}
	}
	return best
}

// waitTakeover waits for another replica to log taking the Telegram lock
// after since.
func waitTakeover(ctx context.Context, ps []*Proc, killed *Proc, since time.Time, limit time.Duration) (time.Duration, *Proc) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		for _, p := range ps {
			if p == killed {
				continue
			}
			if t := lastLockTaken(p); t.After(since) {
				return t.Sub(since), p
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return 0, nil
}
