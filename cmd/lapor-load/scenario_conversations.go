package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// runConversations: --citizens citizens (10,000) each take the first --steps
// steps of the intake (by default /start, "Buat laporan" and the type,
// which leaves a draft waiting for its description) at --rate, then stay
// idle in the middle of their draft. Target: peak RSS under 200 MB with 10,000 conversations in
// progress.
func runConversations(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	if o.Duration == 0 {
		o.Duration = time.Duration(float64(o.Citizens*o.Steps) / o.Rate * float64(time.Second))
	}
	rig, err := NewRig(ctx, o, rep, o.Limits, true, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "flood-per-minute", "citizens", "steps", "rate", "workers")
	lapor, err := rig.startLapor(ctx, "lapor", nil)
	if err != nil {
		return err
	}
	rig.again = func(c *Citizen) bool { return c.Steps < o.Steps }
	rig.patient = true
	l := rig.drive(ctx, nil, false, nil)
	if _, err := rig.drain(ctx, o.Drain); err != nil {
		rep.Note("%v", err)
	}
	open, err := rig.count(ctx, `SELECT count(*) FROM conversations WHERE step NOT IN ('idle', 'status_ask') AND chat_id NOT LIKE '-%'`)
	if err != nil {
		return err
	}
	rep.Add("conversations in progress", float64(open), "conversations").
		Want(fmt.Sprintf("≥ %d", o.Citizens), open >= o.Citizens)
	time.Sleep(5 * time.Second) // idle: what the service keeps while it waits
	rep.Add("RSS lapor while idle", float64(lapor.RSS())/(1<<20), "MiB")
	rig.reportLoad(ctx, l, "lapor")
	rss := rep.Metric("peak RSS lapor")
	rss.Want("< 200 MB (190.7 MiB)", rss.Value < 200e6/(1<<20))
	return nil
}
