package store

import "context"

// Tally is a few counts that show whether the service lost or repeated
// work; load, fault and replica runs assert on it.
type Tally struct {
	Reports                 int
	ChatsWithSeveralReports int // in runs where each citizen files one report, a duplicate
	InboxPending            int // stored, not yet handled
	InboxFailed             int // given up after every retry
	OutboxPending           int // written, not yet delivered
	OutboxFailed            int // refused by the platform for good
	RepliesRepeated         int // (chat, message) pairs written more than once
}

// Tally counts.
func (db *DB) Tally(ctx context.Context) (Tally, error) {
	var t Tally
	err := db.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM reports),
		       (SELECT count(*) FROM (SELECT 1 FROM reports GROUP BY channel, chat_id HAVING count(*) > 1) d),
		       (SELECT count(*) FROM inbox WHERE processed_at IS NULL),
		       (SELECT count(*) FROM inbox WHERE outcome LIKE 'failed:%'),
		       (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL),
		       (SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL),
		       (SELECT count(*) FROM (SELECT 1 FROM outbox GROUP BY channel, chat_id, payload HAVING count(*) > 1) d)`).
		Scan(&t.Reports, &t.ChatsWithSeveralReports, &t.InboxPending, &t.InboxFailed, &t.OutboxPending, &t.OutboxFailed,
			&t.RepliesRepeated)
	return t, mapErr(err)
}
