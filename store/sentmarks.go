package store

import (
	"context"
	"time"
)

// MarkSentMany records several delivered messages in one statement, each
// with its own time: what MarkSent does for one, for a dispatcher whose
// deliveries finish together. (id = ANY gives the planner the primary
// key: joined to unnest alone, it may scan the whole table.)
func (db *DB) MarkSentMany(ctx context.Context, ids []int64, at []time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := db.marks.Exec(ctx, `
		UPDATE outbox o SET sent_at = m.at, lease_until = NULL
		FROM unnest($1::bigint[], $2::timestamptz[]) AS m(id, at)
		WHERE o.id = ANY($1::bigint[]) AND o.id = m.id`, ids, at)
	return mapErr(err)
}
