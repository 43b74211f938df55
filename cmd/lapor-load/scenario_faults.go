package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// healthyWithin is the bound on recovery after a fault.
const healthyWithin = 10 * time.Second

// runFaults runs the throughput load at a lower rate while, in turn, lapor
// is killed with SIGKILL and started again 2 s later, PostgreSQL is
// restarted under it, and the fake fails a share of all API calls (5xx
// pages, held requests, connection resets, 429) for a while. Afterwards
// nothing may be lost, duplicates stay under 0.1%, every chat's order
// holds, and the service was healthy again within 10 s of each fault.
func runFaults(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	rig, err := NewRig(ctx, o, rep, o.Limits, true, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "flood-per-minute", "citizens", "officers", "rate", "duration", "workers", "poll-timeout", "outbox-lease", "fault-share", "wait")
	lapor, err := rig.startLapor(ctx, "lapor", nil)
	if err != nil {
		return err
	}
	ds := desks(o.Officers - 2)
	if err := rig.registerDesks(ctx, ds); err != nil {
		return err
	}
	ds = ds[:min(max(o.Officers, 0), len(ds))]
	var probes atomic.Int64
	probe := func(ctx context.Context) (time.Duration, error) {
		start := time.Now()
		p := NewPerson("probe", 900000+probes.Add(1), 0, rig.fake, rig.watch, rig.setupRec, o.Wait)
		p.User = p.Chat
		_, err := p.Do(ctx, action{"text", "/start", "Selamat datang"})
		return time.Since(start), err
	}
	// healthy probes the service after a fault: /readyz (ready, measured
	// by the caller from the fault's end) and a new citizen's /start, timed
	// from the fault's end to the answer's delivery.
	healthy := func(name string, ready time.Duration, readyErr error, ended time.Time) {
		_, perr := probe(ctx)
		answered := time.Since(ended)
		rep.AddDuration(name+": /readyz 200 after", ready)
		rep.AddDuration(name+": a new citizen answered after", answered).Want("≤ 10 s", perr == nil && answered <= healthyWithin)
		rep.Check(name+": healthy again within 10 s", readyErr == nil && ready <= healthyWithin && perr == nil && answered <= healthyWithin,
			"/readyz 200 after %s%s, a new citizen's /start answered %s after the fault ended%s",
			ready.Round(time.Millisecond), errSuffix(readyErr), answered.Round(time.Millisecond), errSuffix(perr))
	}
	d := o.Duration
	between := func(ctx context.Context, start time.Time) {
		at := func(frac float64) bool { return sleepUntil(ctx, start.Add(time.Duration(frac*float64(d)))) }
		if !at(1.0 / 9) {
			return
		}
		log.Warn("fault: SIGKILL lapor; starting it again in 2 s")
		killed := time.Now()
		lapor.Kill()
		time.Sleep(2 * time.Second)
		restarted := time.Now()
		if err := lapor.Start(); err != nil {
			rep.Check("lapor restarts after SIGKILL", false, "%v", err)
			return
		}
		ready, rerr := lapor.WaitReady(ctx, 60*time.Second)
		rep.AddDuration("kill: down (SIGKILL to restart)", restarted.Sub(killed))
		healthy("kill", ready, rerr, restarted)

		if !at(3.0 / 9) {
			return
		}
		log.Warn("fault: restarting PostgreSQL")
		pgStart := time.Now()
		if err := rig.cluster.Restart(ctx); err != nil {
			rep.Check("PostgreSQL restarts", false, "%v", err)
			return
		}
		pgUp := time.Now()
		rep.AddDuration("postgres: down (stop to accepting connections)", pgUp.Sub(pgStart))
		ready, rerr = lapor.WaitReady(ctx, 60*time.Second)
		healthy("postgres restart", ready, rerr, pgUp)

		if !at(5.0 / 9) {
			return
		}
		log.Warn("fault: the fake fails calls", "share", o.FaultShare, "for", o.FaultFor)
		before := rig.fake.Stats().Faults
		watch := rig.watchMetrics(ctx, lapor, time.Second) // scrape.go
		rig.fake.SetFault(FaultMix(o.FaultShare))
		sleepUntil(ctx, time.Now().Add(o.FaultFor))
		rig.fake.SetFault(nil)
		after := rig.fake.Stats().Faults
		for k, v := range after {
			rep.Add(fmt.Sprintf("api faults injected: %s", k), float64(v-before[k]), "calls")
		}
		ended := time.Now()
		reportFaultMetrics(rep, watch())
		ready, rerr = lapor.WaitReady(ctx, 60*time.Second)
		healthy("api faults", ready, rerr, ended)
	}
	l := rig.drive(ctx, ds, false, between)
	rig.reportLoad(ctx, l, "lapor")
	return rig.verifyZeroLoss(ctx, l.Citizens)
}

// sleepUntil waits until t; false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Until(t)):
		return true
	}
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}
