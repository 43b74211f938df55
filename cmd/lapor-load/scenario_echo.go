package main

import (
	"context"
	"log/slog"
	"os"
	"time"
)

// runEcho is the throughput load against the echo bot: the same citizens,
// steps, evidence photos, fake and limits, without a database. Its answered
// rate is the pipeline ceiling that lapor's throughput is a share of; run
// it at a higher --rate than lapor to find it.
func runEcho(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	rig, err := NewRig(ctx, o, rep, o.Limits, false, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "citizens", "rate", "duration", "workers")
	if _, err := rig.startEcho(ctx); err != nil {
		return err
	}
	l := rig.drive(ctx, nil, true, nil)
	rig.reportLoad(ctx, l, "echo bot")
	rep.Note("the echo bot answers every update with one sendMessage, after answering button presses and downloading photos; no database")
	return nil
}

// startEcho runs this binary as the echo bot on the rig's fake.
func (r *Rig) startEcho(ctx context.Context) (*Proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	bot := NewProc("echo-bot", r.dir, self, []string{echoBotCommand}, r.laporEnv(addr, nil), r.log)
	if err := bot.Start(); err != nil {
		return nil, err
	}
	r.procs = append(r.procs, bot)
	if _, err := bot.WaitReady(ctx, 30*time.Second); err != nil {
		return nil, err
	}
	return bot, nil
}

// Ceiling is the echo bot's result at one offered rate.
type Ceiling struct {
	Offered, Answered float64 // msg/s
	Latency           Summary
	CPU               Usage
	Errors            int
}

// echoCeiling runs the echo bot on a new fake at rate with the run's
// citizens and duration, after the lapor part of a run.
func (r *Rig) echoCeiling(ctx context.Context, rate float64) (Ceiling, error) {
	r.stopFake()
	r.startFake()
	bot, err := r.startEcho(ctx)
	if err != nil {
		return Ceiling{}, err
	}
	defer bot.Stop(10 * time.Second)
	saved := r.opts.Rate
	r.opts.Rate = rate
	l := r.drive(ctx, nil, true, nil)
	r.opts.Rate = saved
	lat, errs, lag, _, _ := r.rec.Snapshot()
	window := l.End.Sub(l.Start).Seconds()
	c := Ceiling{Offered: float64(len(lag)) / window, Answered: float64(len(lat["citizen"])) / window,
		Latency: Summarize(lat["citizen"]), CPU: l.CPU}
	for _, n := range errs {
		c.Errors += n
	}
	return c, nil
}
