package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Inbound is one update a channel received, as kept in the inbox.
type Inbound struct {
	ID         int64
	Channel    string
	ExternalID string // the platform's id of the update (Telegram update_id)
	ChatID     string
	IsGroup    bool
	Payload    []byte // the channel-neutral message, JSON
	ReceivedAt time.Time
	Attempts   int
	// Filled by ClaimInbound:
	ChatBlocked bool // the platform refused delivery to the chat (store.BlockChat)
	Recent      int  // the chat's messages received in the minute up to this one, itself included
}

// StoreInbound stores a batch of received updates in one transaction and
// returns how many were new. An update already stored is skipped, so a
// platform's redelivery is a no-op. Only after this returns nil may the
// channel acknowledge the batch to the platform.
func (db *DB) StoreInbound(ctx context.Context, batch []Inbound) (int, error) {
	return db.StoreInboundWith(ctx, batch, nil)
}

// StoreInboundWith is StoreInbound that also runs also, when not nil, in the
// same transaction: what a channel keeps beside the update (the web chat's
// transcript line) becomes visible with it or not at all.
func (db *DB) StoreInboundWith(ctx context.Context, batch []Inbound, also func(*Tx) error) (int, error) {
	if len(batch) == 0 && also == nil {
		return 0, nil
	}
	// The batch goes in as arrays: two statements however many updates a
	// getUpdates answer carried. Ids are drawn in the batch's order (the
	// per-chat order of handling), and chats are upserted in key order, so
	// two batches never wait for each other in a circle.
	var (
		channels, externals, chats, payloads = make([]string, len(batch)), make([]string, len(batch)), make([]string, len(batch)), make([]string, len(batch))
		groups                               = make([]bool, len(batch))
		received                             = make([]time.Time, len(batch))
	)
	for i, in := range batch {
		channels[i], externals[i], chats[i], payloads[i] = in.Channel, in.ExternalID, in.ChatID, string(in.Payload)
		groups[i], received[i] = in.IsGroup, in.ReceivedAt
	}
	inserted := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if len(batch) == 0 {
			return nil
		}
		tag, err := tx.tx.Exec(ctx, `
			INSERT INTO inbox (channel, external_id, chat_id, payload, received_at, next_attempt_at)
			SELECT c, e, ch, p::jsonb, r, r
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS u(c, e, ch, p, r, n)
			ORDER BY n
			ON CONFLICT (channel, external_id) DO NOTHING`,
			channels, externals, chats, payloads, received)
		if err != nil {
			return fmt.Errorf("store: insert inbound: %w", mapErr(err))
		}
		inserted = int(tag.RowsAffected())
		if _, err := tx.tx.Exec(ctx, `
			INSERT INTO chats (channel, chat_id, is_group, first_seen_at)
			SELECT DISTINCT ON (c, ch) c, ch, g, r
			FROM unnest($1::text[], $2::text[], $3::bool[], $4::timestamptz[]) WITH ORDINALITY AS u(c, ch, g, r, n)
			ORDER BY c, ch, n
			ON CONFLICT (channel, chat_id) DO NOTHING`,
			channels, chats, groups, received); err != nil {
			return fmt.Errorf("store: insert chat: %w", mapErr(err))
		}
		return nil
	})
	return inserted, err
}

// ClaimInbound locks the oldest unprocessed update of one chat whose turn it
// is: no earlier update of the same chat is still unprocessed, and it is not
// waiting for a retry. Other transactions skip the locked row, so chats are
// handled in parallel and each chat strictly in order. It returns
// ErrNotFound when nothing is ready.
func (tx *Tx) ClaimInbound(ctx context.Context, now time.Time) (Inbound, error) {
	return tx.ClaimInboundLeaving(ctx, now, nil)
}

// ClaimInboundLeaving is ClaimInbound for a process that cannot download
// the files of some channels (a replica without the WhatsApp connection):
// an update with a file (payload key "file") of a channel in fileChannels
// is left to the processes that can, and its chat waits for them.
func (tx *Tx) ClaimInboundLeaving(ctx context.Context, now time.Time, fileChannels []string) (Inbound, error) {
	if fileChannels == nil {
		fileChannels = []string{} // = ANY(NULL) would match no row at all
	}
	var in Inbound
	err := eachReadyHead(ctx, tx.tx,
		`SELECT id, chat, next_attempt_at <= $3 FROM inbox_window($1, $2)`, []any{now},
		func(heads []int64) (bool, error) {
			// A few heads at a time: given hundreds, PostgreSQL may fetch
			// and sort them all (a bitmap scan) to lock the first free one.
			for len(heads) > 0 {
				n := min(len(heads), 8)
				if ok, err := tx.lockInbound(ctx, heads[:n], now, fileChannels, &in); ok || err != nil {
					return ok, err
				}
				heads = heads[n:]
			}
			return false, nil
		})
	if err != nil {
		return Inbound{}, err
	}
	if in.ID == 0 {
		return Inbound{}, ErrNotFound
	}
	return in, nil
}

// lockInbound locks the first of heads still pending and ready that no
// other transaction holds, into in.
func (tx *Tx) lockInbound(ctx context.Context, heads []int64, now time.Time, fileChannels []string, in *Inbound) (bool, error) {
	// The flood limit's count comes along, saving a round trip per message.
	err := tx.tx.QueryRow(ctx, `
		SELECT i.id, i.channel, i.external_id, i.chat_id, c.is_group, i.payload, i.received_at, i.attempts,
			c.blocked_at IS NOT NULL,
			(SELECT count(*) FROM inbox r
			 WHERE r.channel = i.channel AND r.chat_id = i.chat_id
			   AND r.received_at > i.received_at - interval '1 minute' AND r.received_at <= i.received_at
			   AND r.id <= i.id)
		FROM inbox i
		JOIN chats c ON c.channel = i.channel AND c.chat_id = i.chat_id
		WHERE i.id = ANY($1) AND i.processed_at IS NULL AND i.next_attempt_at <= $2
		  AND NOT (i.channel = ANY($3) AND i.payload ? 'file')
		ORDER BY i.id
		LIMIT 1
		FOR UPDATE OF i SKIP LOCKED`, planned, heads, now, fileChannels).Scan(
		&in.ID, &in.Channel, &in.ExternalID, &in.ChatID, &in.IsGroup, &in.Payload, &in.ReceivedAt, &in.Attempts,
		&in.ChatBlocked, &in.Recent)
	if err == pgx.ErrNoRows {
		return false, nil
	}
	return err == nil, mapErr(err)
}

// FinishInbound marks a claimed update handled, with a short outcome for the
// record ("handled", "refused: unknown group", ...). The mark is written
// at commit, in the statement that writes the outbox (flushOutbox): the
// update is locked by its claim, so no one else sees it meanwhile, and
// nothing read later in the transaction asks whether it was handled.
func (tx *Tx) FinishInbound(ctx context.Context, id int64, outcome string, now time.Time) error {
	tx.finished = outcome
	for i := range tx.finishes {
		if tx.finishes[i].id == id { // marked again: the last mark stands, as an UPDATE's would
			tx.finishes[i] = finishing{id, outcome, now}
			return nil
		}
	}
	tx.finishes = append(tx.finishes, finishing{id, outcome, now})
	return nil
}

// finishing is an inbox mark waiting for its transaction's commit.
type finishing struct {
	id      int64
	outcome string
	at      time.Time
}

// Finished is the outcome FinishInbound last recorded in this
// transaction ("" when none was), for the metrics.
func (tx *Tx) Finished() string { return tx.finished }

// DeferInbound records a failed attempt at handling an update and when to
// try again. It runs in its own transaction, after the failed one rolled back.
func (db *DB) DeferInbound(ctx context.Context, id int64, until time.Time, cause string) error {
	_, err := db.pool.Exec(ctx, `
		UPDATE inbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3
		WHERE id = $1 AND processed_at IS NULL`, id, until, cause)
	return mapErr(err)
}

// PostponeInbound puts a claimed update back until until, without counting
// an attempt: nothing failed, it only has to wait (for a free download). It
// commits on the bookkeeping pool without waiting for the disk: a
// postponement lost in a crash only means the update is tried sooner. An
// update another worker has claimed meanwhile is left to it, not waited for.
func (db *DB) PostponeInbound(ctx context.Context, id int64, until time.Time) error {
	_, err := db.marks.Exec(ctx, `
		UPDATE inbox SET next_attempt_at = $2
		WHERE id = (SELECT id FROM inbox WHERE id = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED)`, id, until)
	return mapErr(err)
}

// PendingInbound counts stored updates not yet handled.
func (db *DB) PendingInbound(ctx context.Context) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE processed_at IS NULL`).Scan(&n)
	return n, mapErr(err)
}

// NextInboundAt is when the earliest deferred update becomes ready, or
// ErrNotFound when none is waiting.
func (db *DB) NextInboundAt(ctx context.Context) (time.Time, error) {
	var t *time.Time
	err := db.pool.QueryRow(ctx, `SELECT min(next_attempt_at) FROM inbox WHERE processed_at IS NULL`).Scan(&t)
	if err != nil {
		return time.Time{}, mapErr(err)
	}
	if t == nil {
		return time.Time{}, ErrNotFound
	}
	return *t, nil
}

// InboundOutcome returns how a stored update was handled ("" while pending).
func (db *DB) InboundOutcome(ctx context.Context, channel, externalID string) (string, error) {
	var outcome *string
	err := db.pool.QueryRow(ctx, `SELECT outcome FROM inbox WHERE channel = $1 AND external_id = $2`,
		channel, externalID).Scan(&outcome)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil || outcome == nil {
		return "", mapErr(err)
	}
	return *outcome, nil
}

// InboundAttempts returns how many failed attempts at handling a stored
// update were counted (a postponement is none).
func (db *DB) InboundAttempts(ctx context.Context, channel, externalID string) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT attempts FROM inbox WHERE channel = $1 AND external_id = $2`,
		channel, externalID).Scan(&n)
	return n, mapErr(err)
}

// LockInbound locks one unprocessed update by id (ErrNotFound if it was
// processed meanwhile).
func (tx *Tx) LockInbound(ctx context.Context, id int64) (Inbound, error) {
	var in Inbound
	err := tx.tx.QueryRow(ctx, `
		SELECT i.id, i.channel, i.external_id, i.chat_id, c.is_group, i.payload, i.received_at, i.attempts
		FROM inbox i JOIN chats c ON c.channel = i.channel AND c.chat_id = i.chat_id
		WHERE i.id = $1 AND i.processed_at IS NULL
		FOR UPDATE OF i`, id).Scan(
		&in.ID, &in.Channel, &in.ExternalID, &in.ChatID, &in.IsGroup, &in.Payload, &in.ReceivedAt, &in.Attempts)
	if err != nil {
		return Inbound{}, mapErr(err)
	}
	return in, nil
}
