package main

import (
	"context"
	"log/slog"
	"time"
)

// runPgbench is the database ceiling: pgbench runs the writes of --batch
// inbound messages per script (pgbench.sql) with --workers clients for
// --duration against the same kind of cluster lapor uses.
func runPgbench(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	rig, err := NewRig(ctx, o, rep, o.Limits, false, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "workers", "duration", "batch", "citizens")
	_, err = rig.reportPgbench(ctx)
	return err
}

// reportPgbench runs pgbench like lapor's workers (one client per worker,
// one chat per citizen) and adds its numbers.
func (r *Rig) reportPgbench(ctx context.Context) (PgbenchResult, error) {
	o := r.opts
	before := SampleCPU(nil, r.cluster.opts.Dir)
	res, err := r.pgbench(ctx, o.Workers, o.Duration, o.Batch, max(o.Citizens, 100))
	if err != nil {
		return res, err
	}
	cpu := SampleCPU(nil, r.cluster.opts.Dir).Since(before)
	r.rep.Add("pgbench: inbound messages", res.Messages, "msg/s")
	r.rep.Add("pgbench: scripts (batches)", res.TPS, "tps")
	r.rep.AddDuration("pgbench: script latency avg", res.Latency)
	r.rep.Add("pgbench: failed scripts", float64(res.Failed), "count")
	r.rep.Add("pgbench: CPU postgres", cpu.Postgres, "cores")
	r.rep.Add("pgbench: CPU machine", cpu.Machine, "cores")
	r.rep.Add("pgbench: postgres CPU per message", cpu.Postgres/res.Messages*1000, "ms")
	for i, s := range res.Statements {
		if i == 8 {
			break
		}
		r.rep.Note("pgbench: %s: %s per message", s.Statement, s.PerMsg.Round(time.Microsecond))
	}
	return res, nil
}
