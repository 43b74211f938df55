package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// runReplicas runs --replicas lapor serve processes on one database under
// the throughput load. Only one replica at a time long-polls Telegram and
// sends to it (an advisory lock, like the scheduler's); the others stand by,
// and every replica's workers handle stored messages. Overdue reports are
// seeded so that the deadline sweep (every --sweep-every, on a fixed
// working-morning clock: sweeps.go) has reminders and escalations to send.
// Halfway the replica that talks to Telegram is killed and started again.
// Asserted from the database and the fake: no message handled twice, one
// reminder per desk and sweep day, nothing lost, one poller at a time.
func runReplicas(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	rig, err := NewRig(ctx, o, rep, o.Limits, true, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "flood-per-minute", "replicas", "citizens", "officers", "rate", "duration", "workers", "sweep-every", "overdue", "outbox-lease")
	// The replicas' own sweep reads the real clock: it is off, and this
	// process sweeps on a fixed one instead.
	extra := map[string]string{"LAPOR_SWEEP_EVERY": "8760h"}
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
	days := sweepDays(time.Now(), calendar.Default())
	seeded, err := rig.seedOverdue(ctx, o.Overdue, days[0])
	if err != nil {
		return err
	}
	all := ds
	ds = ds[:min(max(o.Officers, 0), len(ds))]
	sw, err := rig.newSweeper(ctx, o.Replicas)
	if err != nil {
		return err
	}
	defer sw.close()
	sctx, stopSweeps := context.WithCancel(ctx)
	sweepsDone := make(chan struct{})
	go func() {
		defer close(sweepsDone)
		sw.run(sctx, days, o.SweepEvery, time.Now().Add(o.Duration/2))
	}()

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
	stopSweeps()
	<-sweepsDone
	sw.set(days[1])
	sw.once(ctx) // the second day's sweep, for a run shorter than the interval
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

	if _, err := rig.drain(ctx, o.Drain); err != nil {
		rep.Note("after the sweeps: %v", err)
	}
	return rig.verifySweeps(ctx, sw, days, all, seeded)
}

// seedOverdue imports n reports a week past their stage deadline on the
// first sweep day, spread over the super admin, regency admin and pupr
// desks, for the sweep to remind and escalate. It returns how many each
// desk holds ("super_admin", "regency_admin", "agency pupr").
func (r *Rig) seedOverdue(ctx context.Context, n int, day time.Time) (map[string]int, error) {
	perDesk := map[string]int{}
	if n <= 0 {
		return perDesk, nil
	}
	db, err := store.Open(ctx, r.dbURL, nil)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	stages := []string{"submitted", "at_regency", "at_agency"}
	holders := []string{deskSuper, deskRegency, deskAgency + " pupr"}
	started := day.AddDate(0, 0, -14)
	var reports []store.Report
	for i := 0; i < n; i++ {
		rp := store.Report{TrackingID: fmt.Sprintf("LOAD-%06d", i), Type: "pengaduan", Description: "laporan uji beban yang lewat batas waktu",
			Confidential: true, Channel: "telegram", ChatID: fmt.Sprint(800000 + i), Stage: stages[i%3], KecamatanCode: "35.20.06",
			StageStartedAt: started, SubmittedAt: started, DeadlineBase: started,
			DeadlineDays: 3, StageDeadline: day.AddDate(0, 0, -7)}
		if rp.Stage == "at_agency" {
			rp.AgencyCode = "pupr"
		}
		reports = append(reports, rp)
		perDesk[holders[i%3]]++
	}
	if _, err := db.ImportReports(ctx, reports); err != nil {
		return nil, fmt.Errorf("seeding overdue reports: %w", err)
	}
	r.log.Info("seeded overdue reports", "n", n)
	return perDesk, nil
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
