package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// What the service's metrics read at scrape time (package metrics): one
// cheap query each, bounded by the caller's context.

// QueueDepth is what waits in a queue for one channel.
type QueueDepth struct {
	Channel string
	Waiting int
	Oldest  time.Time // when the oldest waiting message was received (inbox) or written (outbox)
}

// InboxDepth is, per channel, the stored updates not yet handled. It reads
// the partial index of pending rows (migration 00009), not the table.
func (db *DB) InboxDepth(ctx context.Context) ([]QueueDepth, error) {
	return db.depth(ctx, `SELECT channel, count(*), min(received_at) FROM inbox
		WHERE processed_at IS NULL GROUP BY channel`)
}

// OutboxDepth is, per channel, the messages neither sent nor failed.
func (db *DB) OutboxDepth(ctx context.Context) ([]QueueDepth, error) {
	return db.depth(ctx, `SELECT channel, count(*), min(created_at) FROM outbox
		WHERE sent_at IS NULL AND failed_at IS NULL GROUP BY channel`)
}

func (db *DB) depth(ctx context.Context, sql string) ([]QueueDepth, error) {
	rows, err := db.pool.Query(ctx, sql)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []QueueDepth
	for rows.Next() {
		var q QueueDepth
		if err := rows.Scan(&q.Channel, &q.Waiting, &q.Oldest); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, q)
	}
	return out, mapErr(rows.Err())
}

// ReportsByStage counts the reports in each stage except the two final
// ones (closed, archived), which only grow.
func (db *DB) ReportsByStage(ctx context.Context) (map[string]int, error) {
	return db.counts(ctx, `SELECT stage, count(*) FROM reports
		WHERE stage NOT IN ('closed', 'archived') GROUP BY stage`)
}

// OverdueByUnit counts, per responsible unit (a desk: super_admin,
// regency_admin, ppid or an agency's code), the reports whose clock runs
// and whose stage deadline has passed at now. It reads the partial index
// of running clocks (migration 00022).
func (db *DB) OverdueByUnit(ctx context.Context, now time.Time) (map[string]int, error) {
	return db.counts(ctx, `SELECT responsible_unit, count(*) FROM reports
		WHERE stage_deadline IS NOT NULL AND stage_deadline < $1 GROUP BY responsible_unit`, now)
}

// counts runs a query of (key, count) rows into a map.
func (db *DB) counts(ctx context.Context, sql string, args ...any) (map[string]int, error) {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, mapErr(err)
		}
		out[k] = n
	}
	return out, mapErr(rows.Err())
}

// PoolStat is the use of one of the DB's connection pools.
type PoolStat struct {
	Pool          string // "main", or "marks" (the dispatcher's bookkeeping)
	Acquired      int32  // connections in use now
	Idle          int32
	Total         int32
	Max           int32
	Acquires      int64         // connections handed out since start
	EmptyAcquires int64         // of those, how many had to wait or dial because none was idle
	AcquireWait   time.Duration // time spent waiting for connections since start
}

// PoolStats reads the pools' counters; it does not touch the database.
func (db *DB) PoolStats() []PoolStat {
	out := make([]PoolStat, 0, 2)
	for _, p := range []struct {
		name string
		pool *pgxpool.Pool
	}{{"main", db.pool}, {"marks", db.marks}} {
		s := p.pool.Stat()
		out = append(out, PoolStat{Pool: p.name, Acquired: s.AcquiredConns(), Idle: s.IdleConns(), Total: s.TotalConns(),
			Max: s.MaxConns(), Acquires: s.AcquireCount(), EmptyAcquires: s.EmptyAcquireCount(), AcquireWait: s.AcquireDuration()})
	}
	return out
}
