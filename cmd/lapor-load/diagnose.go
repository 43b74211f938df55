package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// planBacklogs are the backlogs at which the claim queries are explained.
var planBacklogs = []int{300, 3000}

// monitor samples lapor's backlogs every second while the load runs, and
// explains the claim queries when a backlog first reaches each of
// planBacklogs: their cost then decides whether lapor catches up.
func (r *Rig) monitor(ctx context.Context, l *Load) {
	start := time.Now()
	explained := 0
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
		var in, out int
		err := r.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM inbox WHERE processed_at IS NULL),
			(SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL)`).Scan(&in, &out)
		if err != nil {
			continue // the database may be restarting (faults)
		}
		l.MaxInbox, l.MaxOutbox = max(l.MaxInbox, in), max(l.MaxOutbox, out)
		if i%5 == 4 {
			l.Timeline = append(l.Timeline, fmt.Sprintf("%ds: %d/%d", int(time.Since(start).Seconds()), in, out))
		}
		if explained < len(planBacklogs) && max(in, out) >= planBacklogs[explained] {
			for explained < len(planBacklogs) && max(in, out) >= planBacklogs[explained] {
				explained++
			}
			if act, err := r.activity(ctx); err == nil {
				l.Plans = append(l.Plans, fmt.Sprintf("what lapor's database sessions were doing at %s into the load (backlog inbox %d, outbox %d):\n%s",
					time.Since(start).Round(time.Second), in, out, act))
			}
			for _, q := range claimQueries {
				plan, err := r.explain(ctx, q)
				if err != nil {
					plan = "    " + err.Error()
				}
				l.Plans = append(l.Plans, fmt.Sprintf("plans of lapor's %s at %s into the load, backlog inbox %d, outbox %d:\n%s",
					q.name, time.Since(start).Round(time.Second), in, out, plan))
			}
		}
	}
}

// activity summarises pg_stat_activity of lapor's database: sessions by
// state, wait event and statement, with the longest transaction age.
func (r *Rig) activity(ctx context.Context) (string, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT count(*), state, coalesce(wait_event_type || ':' || wait_event, '-'),
		       regexp_replace(left(query, 70), '\s+', ' ', 'g'),
		       coalesce(max(extract(epoch FROM now() - xact_start)), 0)::float8
		FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
		GROUP BY 2, 3, 4 ORDER BY 1 DESC`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var n int
		var state, wait, query string
		var age float64
		if err := rows.Scan(&n, &state, &wait, &query, &age); err != nil {
			return "", err
		}
		lines = append(lines, fmt.Sprintf("    %3d × %-20s wait %-28s oldest tx %6.2fs  %s", n, state, wait, age, query))
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	// The claims' plans follow the tables' statistics: when were they
	// last taken?
	stats, err := r.pool.Query(ctx, `
		SELECT relname, n_live_tup, n_dead_tup, autoanalyze_count, autovacuum_count,
		       coalesce(extract(epoch FROM now() - last_autoanalyze)::int, -1)
		FROM pg_stat_user_tables WHERE relname IN ('inbox', 'outbox') ORDER BY relname`)
	if err != nil {
		return "", err
	}
	defer stats.Close()
	for stats.Next() {
		var rel string
		var live, dead, analyzes, vacuums int64
		var ago int
		if err := stats.Scan(&rel, &live, &dead, &analyzes, &vacuums, &ago); err != nil {
			return "", err
		}
		lines = append(lines, fmt.Sprintf("    table %s: %d live rows, %d dead; autoanalyzed %d times (last %ds ago), autovacuumed %d times",
			rel, live, dead, analyzes, ago, vacuums))
	}
	return strings.Join(lines, "\n"), stats.Err()
}

// claimQuery is one of lapor's claim queries, with parameters as lapor
// sends them (pgx prepares every statement it runs, so PostgreSQL may plan
// it once for any parameter values: a generic plan).
type claimQuery struct {
	name  string
	sql   string // with $n parameters
	types string // of the parameters, for PREPARE
	args  string // for EXECUTE
}

// claimQueries are the windows lapor's claims read (store/queue.go): the
// queries inside inbox_window and outbox_window (migration 00009), with the
// settings those functions run with. The ids a claim then locks it finds by
// primary key.
var claimQueries = []claimQuery{
	{"inbox claim window (store.ClaimInbound: inbox_window)", `SELECT i.id, i.channel || ' ' || i.chat_id, i.next_attempt_at
		FROM inbox i
		WHERE i.processed_at IS NULL AND i.id > $1
		ORDER BY i.id
		LIMIT $2`, "bigint, integer", "0, 64"},
	{"outbox claim window (store.ClaimOutgoing: outbox_window)", `SELECT o.id, o.chat_id, o.not_before, o.lease_until
		FROM outbox o
		WHERE o.channel = $1 AND o.sent_at IS NULL AND o.failed_at IS NULL AND o.id > $2
		ORDER BY o.id
		LIMIT $3`, "text, bigint, integer", "'telegram', 0, 64"},
}

// windowSettings are the settings inbox_window and outbox_window run with.
var windowSettings = []string{"enable_seqscan = off", "enable_bitmapscan = off", "enable_sort = off"}

// preparedSeq numbers the statements explain prepares.
var preparedSeq atomic.Int64

// explain shows how PostgreSQL runs one of lapor's claims now, planned for
// these parameter values (custom) and for any (generic), with EXPLAIN
// ANALYZE in a transaction that is rolled back, so the rows it locks are
// released at once.
func (r *Rig) explain(ctx context.Context, q claimQuery) (string, error) {
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Release()
	var out []string
	for i, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		name := fmt.Sprintf("lapor_load_claim_%d", preparedSeq.Add(1))
		lines, err := func() ([]string, error) {
			tx, err := conn.Begin(ctx)
			if err != nil {
				return nil, err
			}
			defer tx.Rollback(ctx) //nolint:errcheck // nothing to keep
			for _, set := range append([]string{"plan_cache_mode = " + mode}, windowSettings...) {
				if _, err := tx.Exec(ctx, "SET LOCAL "+set); err != nil {
					return nil, err
				}
			}
			// PREPARE outlives the transaction; the name is never reused.
			if _, err := tx.Exec(ctx, "PREPARE "+name+"("+q.types+") AS "+q.sql); err != nil {
				return nil, err
			}
			rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) EXECUTE "+name+"("+q.args+")")
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var lines []string
			for rows.Next() {
				var l string
				if err := rows.Scan(&l); err != nil {
					return nil, err
				}
				lines = append(lines, "      "+l)
			}
			return lines, rows.Err()
		}()
		_, _ = conn.Exec(ctx, "DEALLOCATE "+name)
		if err != nil {
			return "", err
		}
		plan := "custom plan (planned for these values)"
		if i == 1 {
			plan = "generic plan (planned for any values, as a prepared statement may be run)"
		}
		out = append(out, "    "+plan+":")
		out = append(out, lines...)
	}
	return strings.Join(out, "\n"), nil
}
