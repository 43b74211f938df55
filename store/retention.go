package store

import (
	"context"
	"time"
)

// Retention of the message queues. An inbound message's row is what makes a
// redelivery of it change nothing (unique per channel and external id), and
// an outbound message's row is its delivery record; neither is needed once
// no platform can deliver the message again and the delivery is long done.
// Left alone, both tables grow with every message ever handled, and the
// queue scans and vacuum of the hot tables grow with them.
//
// PruneMessages deletes, in batches of at most batch rows per statement:
//   - inbound messages handled before `before`, except the ones a report
//     (the "Kirim" that created it) or an evidence file refers to, and the
//     ones whose handling failed (kept for the operator);
//   - outbound messages delivered before `before` (failed ones are kept).
//
// Reports, their history, files and cards are never touched. It returns
// how many rows of each went.
func (db *DB) PruneMessages(ctx context.Context, before time.Time, batch int) (inbox, outbox int64, err error) {
	for {
		tag, err := db.pool.Exec(ctx, `
			DELETE FROM inbox WHERE id IN (
				SELECT i.id FROM inbox i
				WHERE i.processed_at < $1 AND coalesce(i.outcome, '') NOT LIKE 'failed:%'
				  AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.source_inbox_id = i.id)
				  AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.inbox_id = i.id)
				ORDER BY i.id LIMIT $2
				FOR UPDATE SKIP LOCKED)`, before, batch)
		if err != nil {
			return inbox, outbox, mapErr(err)
		}
		inbox += tag.RowsAffected()
		if tag.RowsAffected() < int64(batch) {
			break
		}
	}
	for {
		tag, err := db.pool.Exec(ctx, `
			DELETE FROM outbox WHERE id IN (
				SELECT id FROM outbox WHERE sent_at < $1
				ORDER BY id LIMIT $2
				FOR UPDATE SKIP LOCKED)`, before, batch)
		if err != nil {
			return inbox, outbox, mapErr(err)
		}
		outbox += tag.RowsAffected()
		if tag.RowsAffected() < int64(batch) {
			break
		}
	}
	return inbox, outbox, nil
}
