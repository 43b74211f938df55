package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// statementSettings load pg_stat_statements into the cluster (--statements):
// every statement's calls and time, so a run can say what one handled
// message costs PostgreSQL. COMMIT is counted too (track_utility), and its
// time is the WAL flush each transaction waits for.
var statementSettings = []string{"shared_preload_libraries=pg_stat_statements",
	"pg_stat_statements.track=all", "pg_stat_statements.track_utility=on", "pg_stat_statements.max=2000"}

// resetStatements creates the extension in the run's database (idempotent)
// and empties its counters, so what is read later is the load's alone.
func (r *Rig) resetStatements(ctx context.Context) (time.Time, error) {
	if _, err := r.pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return time.Time{}, fmt.Errorf("pg_stat_statements: %w", err)
	}
	var at time.Time
	err := r.pool.QueryRow(ctx, `SELECT now() FROM (SELECT pg_stat_statements_reset()) r`).Scan(&at)
	return at, err
}

// statementRow is one normalised statement's totals since the reset.
type statementRow struct {
	query string
	calls int64
	ms    float64 // total execution time
	rows  int64
	top   bool // run by a client, not inside a function (counted once, in its caller)
}

// reportStatements adds what PostgreSQL did per handled message since the
// reset at since: statements, their execution time, commits and WAL, and
// the top statements by calls and by time. Totals count the statements
// clients sent (toplevel), not again those a function ran. The load tool's own few queries
// (backlog, monitor) are in the totals; they are a handful a second
// against thousands of lapor's. cpu and pgCPU are lapor's and PostgreSQL's CPU time over the same span.
func (r *Rig) reportStatements(ctx context.Context, since time.Time, cpu, pgCPU time.Duration) error {
	var handled int64
	if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE processed_at >= $1`, since).Scan(&handled); err != nil {
		return err
	}
	rows, err := r.pool.Query(ctx, `
		SELECT s.query, s.calls, s.total_exec_time, s.rows, s.toplevel
		FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
		WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat_statements%'`)
	if err != nil {
		return err
	}
	var all []statementRow
	for rows.Next() {
		var s statementRow
		if err := rows.Scan(&s.query, &s.calls, &s.ms, &s.rows, &s.top); err != nil {
			rows.Close()
			return err
		}
		all = append(all, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if handled == 0 {
		r.rep.Note("pg_stat_statements: no message handled since the reset")
		return nil
	}
	per := float64(handled)
	var calls, commits int64
	var ms, commitMs float64
	for _, s := range all {
		if !s.top {
			continue
		}
		calls += s.calls
		ms += s.ms
		if q := strings.ToUpper(strings.TrimSpace(s.query)); q == "COMMIT" {
			commits += s.calls
			commitMs += s.ms
		}
	}
	r.rep.Add("statements: handled messages counted", per, "messages")
	r.rep.Add("statements per handled message", float64(calls)/per, "statements")
	r.rep.Add("statements: PostgreSQL time per handled message", ms/per, "ms")
	r.rep.Add("statements: commits per handled message", float64(commits)/per, "commits")
	r.rep.Add("statements: COMMIT time per handled message (not the WAL flush, which follows it)", commitMs/per, "ms")
	if cpu > 0 {
		r.rep.Add("statements: lapor CPU per handled message", float64(cpu.Microseconds())/1000/per, "ms")
	}
	if pgCPU > 0 { // CPU, not wall time: what the statements' times lose to a busy machine is not in it
		r.rep.Add("statements: PostgreSQL CPU per handled message", float64(pgCPU.Microseconds())/1000/per, "ms")
	}
	var walRecords, walBytes int64
	if err := r.pool.QueryRow(ctx, `SELECT coalesce(sum(wal_records), 0)::bigint, coalesce(sum(wal_bytes), 0)::bigint
		FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND s.toplevel`).Scan(&walRecords, &walBytes); err == nil {
		r.rep.Add("statements: WAL bytes per handled message", float64(walBytes)/per, "bytes")
	}
	top := func(by string, less func(a, b statementRow) bool) {
		sorted := append([]statementRow(nil), all...)
		for i := 1; i < len(sorted); i++ { // insertion sort: a few hundred rows
			for j := i; j > 0 && less(sorted[j], sorted[j-1]); j-- {
				sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
			}
		}
		for i, s := range sorted {
			if i == 12 {
				break
			}
			nested := ""
			if !s.top {
				nested = " (inside a function, counted in its caller)"
			}
			r.rep.Note("top statements by %s: %.3f calls, %.3f ms per handled message (%d calls, %.1f µs each)%s: %s",
				by, float64(s.calls)/per, s.ms/per, s.calls, 1000*s.ms/float64(max(s.calls, 1)), nested, oneLine(s.query))
		}
	}
	top("calls", func(a, b statementRow) bool { return a.calls > b.calls })
	top("time", func(a, b statementRow) bool { return a.ms > b.ms })
	return nil
}

// oneLine squeezes a statement's white space and clips it for a note.
func oneLine(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 160 {
		q = q[:160] + "…"
	}
	return q
}
