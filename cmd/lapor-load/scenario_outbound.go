package main

import (
	"context"
	"log/slog"
	"time"
)

// runOutbound: Telegram's real limits in the fake and in lapor (30 msg/s in
// all, 1 msg/s per chat, 20/min per group) and more citizens than they let
// through; the delivered rate over the load window against the allowed 30
// msg/s, and the fake's count of 429 answers. Targets: ≥95% of the allowed
// rate, zero 429.
func runOutbound(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	rig, err := NewRig(ctx, o, rep, o.Limits, true, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "flood-per-minute", "citizens", "officers", "rate", "duration", "workers")
	if _, err := rig.startLapor(ctx, "lapor", nil); err != nil {
		return err
	}
	ds := desks(o.Officers - 2)
	if o.Officers > 0 {
		if err := rig.registerDesks(ctx, ds); err != nil {
			return err
		}
	}
	ds = ds[:min(max(o.Officers, 0), len(ds))]
	limited := rig.fake.Stats().RateLimited
	l := rig.drive(ctx, ds, false, nil)
	// The first seconds fill the outbox; the rate is taken after them.
	const warm = 5 * time.Second
	from, to := l.Start.Add(warm), l.End
	n := 0
	for _, s := range rig.fake.AllSent() {
		if !s.At.Before(from) && s.At.Before(to) {
			n++
		}
	}
	rate := float64(n) / to.Sub(from).Seconds()
	share := rate / o.Limits.Global
	rep.Add("delivered rate", rate, "msg/s")
	rep.Add("share of the allowed global rate", share*100, "%").Want("≥ 95%", share >= 0.95)
	tooMany := rig.fake.Stats().RateLimited - limited
	rep.Add("429 answers during the load", float64(tooMany), "count").Want("0", tooMany == 0)
	inbox, outbox, _, err := rig.backlog(ctx)
	if err != nil {
		return err
	}
	rep.Add("backlog at end: inbox", float64(inbox), "messages")
	rep.Add("backlog at end: outbox", float64(outbox), "messages")
	rig.reportLoad(ctx, l, "lapor")
	return nil
}
