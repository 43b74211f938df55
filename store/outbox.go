package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Outgoing is one message the bot decided to send, as kept in the outbox.
type Outgoing struct {
	ID        int64
	Channel   string
	ChatID    string
	Payload   []byte // the channel-neutral message, JSON
	Attempts  int
	PartsSent int // a message split into several platform messages resumes here
	CreatedAt time.Time
	// LeaseUntil is when the claim's lease ends; it also names the claim,
	// so that only its holder renews it (RenewLease).
	LeaseUntil time.Time
}

// Enqueue adds a message to the outbox. It runs inside the transaction that
// decided to say it; the row is written when that transaction commits.
func (tx *Tx) Enqueue(ctx context.Context, channel, chatID string, payload []byte, now time.Time) error {
	tx.outbox = append(tx.outbox, queued{channel, chatID, payload, now})
	return nil
}

// queued is a message waiting for its transaction's commit.
type queued struct {
	channel, chatID string
	payload         []byte
	at              time.Time
}

// outboxLockClass is the first key of the transaction advisory locks that
// order each chat's outbox rows (the two-key space, apart from the one-key
// locks of Lease and the migrations).
const outboxLockClass = 0x6c6f // "lo"

// flushOutbox writes the queued messages, and the inbox marks of
// FinishInbound, just before commit. The dispatcher sends each chat's
// messages in id order, and ids are taken at insert, not at commit: when
// two transactions write to one chat (a desk group gets a card from one
// officer's action while its own officer's command is handled), the
// later id could commit first and its message go out first. So a
// transaction first takes a lock per chat it writes to, held until it
// commits, then takes its ids: one chat's ids are in commit order. The
// locks are taken in one order (by key) by every transaction, so two
// never wait for each other in a circle, and only from here to the commit.
func (tx *Tx) flushOutbox(ctx context.Context) error {
	if len(tx.outbox) == 0 && len(tx.finishes) == 0 {
		return nil
	}
	keys := []int32{}
	for _, q := range tx.outbox {
		h := fnv.New32a()
		h.Write([]byte(q.channel + "\x00" + q.chatID))
		keys = append(keys, int32(h.Sum32()))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var (
		channels, chats, payloads = make([]string, len(tx.outbox)), make([]string, len(tx.outbox)), make([]string, len(tx.outbox))
		ats                       = make([]time.Time, len(tx.outbox))
		done, outcomes            = make([]int64, len(tx.finishes)), make([]string, len(tx.finishes))
		doneAt                    = make([]time.Time, len(tx.finishes))
	)
	for i, q := range tx.outbox {
		channels[i], chats[i], payloads[i], ats[i] = q.channel, q.chatID, string(q.payload), q.at
	}
	for i, f := range tx.finishes {
		done[i], outcomes[i], doneAt[i] = f.id, f.outcome, f.at
	}
	// One statement: the inbox marks (FinishInbound); the locks (the CTE,
	// volatile, is computed whole before its one row joins the first
	// message); then the rows in the order they were said, each drawing
	// its id as it is inserted, in that order. A data-modifying CTE runs
	// whether or not it is read. (id = ANY gives the planner the primary
	// key: joined to unnest alone, it guesses a hundred rows and scans
	// the whole table.)
	if _, err := tx.tx.Exec(ctx, `
		WITH finished AS (
			UPDATE inbox i SET processed_at = f.at, outcome = f.outcome
			FROM unnest($7::bigint[], $8::text[], $9::timestamptz[]) AS f(id, outcome, at)
			WHERE i.id = ANY($7::bigint[]) AND i.id = f.id),
		locked AS (
			SELECT count(pg_advisory_xact_lock($1, k)) AS n
			FROM (SELECT k FROM unnest($2::int4[]) WITH ORDINALITY u(k, n) ORDER BY n) l)
		INSERT INTO outbox (channel, chat_id, payload, created_at, not_before)
		SELECT u.c, u.ch, u.p::jsonb, u.a, u.a
		FROM locked, unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[]) WITH ORDINALITY AS u(c, ch, p, a, n)
		WHERE locked.n = cardinality($2::int4[])
		ORDER BY u.n`, outboxLockClass, keys, channels, chats, payloads, ats, done, outcomes, doneAt); err != nil {
		return fmt.Errorf("store: write the outbox and the inbox marks: %w", mapErr(err))
	}
	tx.outbox, tx.finishes = nil, nil
	return nil
}

// ClaimOutgoing leases up to limit messages of one channel, each the oldest
// undelivered message of its chat, so at most one message per chat is in
// flight and per-chat order holds across replicas. A lease that expires
// (the sender crashed) makes the message claimable again: delivery is
// at-least-once.
func (db *DB) ClaimOutgoing(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error) {
	var out []Outgoing
	err := eachReadyHead(ctx, db.marks, `
		SELECT id, chat, not_before <= $3 AND (lease_until IS NULL OR lease_until < $3)
		FROM outbox_window($4, $1, $2)`, []any{now, channel},
		func(heads []int64) (bool, error) {
			heads = heads[:min(len(heads), limit-len(out))]
			rows, err := db.marks.Query(ctx, `
				UPDATE outbox SET lease_until = $2::timestamptz + $3::interval, attempts = attempts + 1
				WHERE id IN (
					SELECT id FROM outbox
					WHERE id = ANY($1) AND sent_at IS NULL AND failed_at IS NULL
					  AND not_before <= $2 AND (lease_until IS NULL OR lease_until < $2)
					FOR UPDATE SKIP LOCKED)
				RETURNING id, channel, chat_id, payload, attempts, parts_sent, created_at, lease_until`,
				planned, heads, now, lease)
			if err != nil {
				return false, mapErr(err)
			}
			defer rows.Close()
			for rows.Next() {
				var o Outgoing
				if err := rows.Scan(&o.ID, &o.Channel, &o.ChatID, &o.Payload, &o.Attempts, &o.PartsSent, &o.CreatedAt, &o.LeaseUntil); err != nil {
					return false, mapErr(err)
				}
				out = append(out, o)
			}
			return len(out) >= limit, mapErr(rows.Err())
		})
	slices.SortFunc(out, func(a, b Outgoing) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// RenewLease extends the lease of a claimed, undelivered message to until,
// provided it is still the claim whose lease ends at held (no other
// replica has claimed the message since), and returns the new lease end.
// A sender renews while it works, so a send that takes longer than a
// lease (an upload on a slow link) is not claimed and sent again by
// another replica; ok is false when the claim was lost.
func (db *DB) RenewLease(ctx context.Context, id int64, held, until time.Time) (time.Time, bool, error) {
	var renewed time.Time
	err := db.marks.QueryRow(ctx, `
		UPDATE outbox SET lease_until = $3
		WHERE id = $1 AND lease_until = $2 AND sent_at IS NULL AND failed_at IS NULL
		RETURNING lease_until`, id, held, until).Scan(&renewed)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, mapErr(err)
	}
	return renewed, true, nil
}

// ReleaseLeases makes every leased, undelivered message of a channel
// claimable at once and returns how many there were. The process that
// takes over a channel's sending (cmd/lapor's single Telegram sender)
// calls it: the leases are its predecessor's, which was killed or cut off,
// and waiting for them to run out would delay those chats for the length
// of a lease. Delivery is at-least-once: a message the predecessor did
// send just before it died goes out again.
func (db *DB) ReleaseLeases(ctx context.Context, channel string, now time.Time) (int, error) {
	tag, err := db.marks.Exec(ctx, `
		UPDATE outbox SET lease_until = NULL
		WHERE channel = $1 AND sent_at IS NULL AND failed_at IS NULL AND lease_until > $2`, channel, now)
	return int(tag.RowsAffected()), mapErr(err)
}

// MarkPartSent records that the first n parts of a split message went out.
func (db *DB) MarkPartSent(ctx context.Context, id int64, n int) error {
	_, err := db.marks.Exec(ctx, `UPDATE outbox SET parts_sent = $2 WHERE id = $1`, id, n)
	return mapErr(err)
}

// MarkSent records a delivered message.
func (db *DB) MarkSent(ctx context.Context, id int64, at time.Time) error {
	_, err := db.marks.Exec(ctx, `UPDATE outbox SET sent_at = $2, lease_until = NULL WHERE id = $1`, id, at)
	return mapErr(err)
}

// RetryOutgoing releases a message to be tried again from notBefore.
func (db *DB) RetryOutgoing(ctx context.Context, id int64, notBefore time.Time, cause string) error {
	_, err := db.marks.Exec(ctx, `
		UPDATE outbox SET not_before = $2, lease_until = NULL, last_error = $3 WHERE id = $1`, id, notBefore, cause)
	return mapErr(err)
}

// FailOutgoing gives up on a message the platform will never accept; it
// stays in the table, with its cause, for admins to see.
func (db *DB) FailOutgoing(ctx context.Context, id int64, at time.Time, cause string) error {
	_, err := db.pool.Exec(ctx, `
		UPDATE outbox SET failed_at = $2, lease_until = NULL, last_error = $3 WHERE id = $1`, id, at, cause)
	return mapErr(err)
}

// BlockChat records that the platform refuses delivery to a chat (the user
// blocked the bot, the chat is gone) and fails its undelivered messages
// instead of retrying them forever.
func (db *DB) BlockChat(ctx context.Context, channel, chatID, reason string, at time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.Exec(ctx, `
			INSERT INTO chats (channel, chat_id, first_seen_at, blocked_at, blocked_reason)
			VALUES ($1, $2, $4, $4, $3)
			ON CONFLICT (channel, chat_id) DO UPDATE SET blocked_at = $4, blocked_reason = $3`,
			channel, chatID, reason, at); err != nil {
			return mapErr(err)
		}
		_, err := tx.tx.Exec(ctx, `
			UPDATE outbox SET failed_at = $3, lease_until = NULL, last_error = $4
			WHERE channel = $1 AND chat_id = $2 AND sent_at IS NULL AND failed_at IS NULL`,
			channel, chatID, at, "chat blocked: "+reason)
		return mapErr(err)
	})
}

// UnblockChat clears a chat's blocked mark: the user wrote again.
func (tx *Tx) UnblockChat(ctx context.Context, channel, chatID string) error {
	_, err := tx.tx.Exec(ctx, `
		UPDATE chats SET blocked_at = NULL, blocked_reason = NULL
		WHERE channel = $1 AND chat_id = $2 AND blocked_at IS NOT NULL`, channel, chatID)
	return mapErr(err)
}

// ChatBlocked reports whether delivery to the chat was refused.
func (db *DB) ChatBlocked(ctx context.Context, channel, chatID string) (bool, error) {
	var blocked bool
	err := db.pool.QueryRow(ctx, `
		SELECT blocked_at IS NOT NULL FROM chats WHERE channel = $1 AND chat_id = $2`, channel, chatID).Scan(&blocked)
	if err != nil {
		if err = mapErr(err); err == ErrNotFound {
			return false, nil
		}
	}
	return blocked, err
}

// OutboxCounts reports undelivered and failed messages.
func (db *DB) OutboxCounts(ctx context.Context) (pending, failed int, err error) {
	err = db.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL),
		       count(*) FILTER (WHERE failed_at IS NOT NULL)
		FROM outbox`).Scan(&pending, &failed)
	return pending, failed, mapErr(err)
}

// NextOutgoingAt is when the earliest undelivered message becomes due, or
// ErrNotFound when the outbox is empty.
func (db *DB) NextOutgoingAt(ctx context.Context, channel string) (time.Time, error) {
	var t *time.Time
	err := db.pool.QueryRow(ctx, `
		SELECT min(greatest(not_before, coalesce(lease_until, not_before))) FROM outbox
		WHERE channel = $1 AND sent_at IS NULL AND failed_at IS NULL`, channel).Scan(&t)
	if err != nil {
		return time.Time{}, mapErr(err)
	}
	if t == nil {
		return time.Time{}, ErrNotFound
	}
	return *t, nil
}
