package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"
)

// runThroughput: citizens file complaints with evidence at an open-loop
// rate while officers work the chain; inbound messages handled per second
// and the latency of each answer. Targets: ≥1,000 msg/s for 60 s with p99
// under 250 ms, and peak RSS under 200 MB.
func runThroughput(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	rig, err := NewRig(ctx, o, rep, o.Limits, true, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "citizens", "officers", "officer-rate", "rate", "duration", "workers", "poll-timeout", "batch", "flood-per-minute")
	if o.Ceilings {
		rep.Params["echo-rate"] = o.EchoRate
	}
	if o.DBParams != "" {
		rep.Params["db-params"] = o.DBParams
	}
	lapor, err := rig.startLapor(ctx, "lapor", nil)
	if err != nil {
		return err
	}
	ds := desks(o.Officers - 2)
	if err := rig.registerDesks(ctx, ds); err != nil {
		return err
	}
	if o.Officers < len(ds) {
		ds = ds[:max(o.Officers, 0)]
	}
	var (
		statementsSince time.Time
		cpuSince        CPUSample
	)
	if o.Statements {
		if statementsSince, err = rig.resetStatements(ctx); err != nil {
			return err
		}
		cpuSince = SampleCPU(rig.pids(), filepath.Join(rig.dir, "pg"))
	}
	watch := rig.watchMetrics(ctx, lapor, 2*time.Second) // scrape.go
	l := rig.drive(ctx, ds, false, nil)
	handled, err := rig.handledBetween(ctx, l.Start, l.End)
	if err != nil {
		return err
	}
	inbox, outbox, _, err := rig.backlog(ctx)
	if err != nil {
		return err
	}
	window := l.End.Sub(l.Start).Seconds()
	rate := float64(handled) / window
	rep.Add("inbound handled (inbox rows finished in window)", rate, "msg/s").
		Want("≥ 1000 msg/s for 60 s", rate >= 1000 && l.End.Sub(l.Start) >= 60*time.Second)
	rep.Add("backlog at end: inbox", float64(inbox), "messages")
	rep.Add("backlog at end: outbox", float64(outbox), "messages")
	rig.reportLoad(ctx, l, "lapor")
	p99 := rep.Metric("latency p99")
	p99.Want("< 250 ms", p99.Value < 250)
	rss := float64(lapor.PeakRSS()) / (1 << 20)
	rep.Metric("peak RSS lapor").Want("< 200 MB (190.7 MiB)", rss < 200e6/(1<<20))
	reports, _ := rig.count(ctx, `SELECT count(*) FROM reports`)
	rep.Add("reports filed", float64(reports), "reports")
	drained, derr := rig.drain(ctx, o.Drain)
	rep.AddDuration("drain after load", drained)
	if derr != nil {
		rep.Note("%v", derr)
	}
	if o.Statements { // after the drain: every message of the load is in
		cpu := SampleCPU(rig.pids(), filepath.Join(rig.dir, "pg"))
		if err := rig.reportStatements(ctx, statementsSince, cpu.Service-cpuSince.Service, cpu.Postgres-cpuSince.Postgres); err != nil {
			return err
		}
	}
	reportMetrics(rep, watch())
	if !o.Ceilings {
		return nil
	}
	// The ceilings, on the same machine and cluster, one after the other.
	lapor.Stop(20 * time.Second)
	pg, err := rig.reportPgbench(ctx)
	if err != nil {
		return err
	}
	ratio := rate / pg.Messages
	rep.Add("lapor / database ceiling (pgbench)", ratio, "ratio").Want("≥ 0.6", ratio >= 0.6)
	echo, err := rig.echoCeiling(ctx, o.EchoRate)
	if err != nil {
		return err
	}
	rep.Add("echo: offered", echo.Offered, "msg/s")
	rep.Add("echo: answered (pipeline ceiling)", echo.Answered, "msg/s")
	rep.AddDuration("echo: latency p50", echo.Latency.P50)
	rep.AddDuration("echo: latency p99", echo.Latency.P99)
	rep.Add("echo: errors", float64(echo.Errors), "count")
	rep.Add("echo: CPU echo bot", echo.CPU.Service, "cores")
	rep.Add("echo: CPU lapor-load (fake + people)", echo.CPU.Tool, "cores")
	rep.Add("lapor / pipeline ceiling (echo)", rate/echo.Answered, "ratio")
	if echo.Answered >= 0.98*echo.Offered {
		rep.Note("the echo bot answered everything offered (%.0f msg/s): its ceiling is at least that; raise --echo-rate to find it", echo.Offered)
	}
	return nil
}
