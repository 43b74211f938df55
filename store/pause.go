package store

import (
	"context"
	"errors"
	"time"
)

// PauseChannel holds a channel's whole account back until until (a rate
// limit or restriction of the platform account); a longer pause already
// recorded stands. It reports whether this call recorded the pause (new,
// or longer than the one recorded), so that of several replicas refused
// at once only one tells the admins.
func (db *DB) PauseChannel(ctx context.Context, channel string, until time.Time, reason string) (bool, error) {
	tag, err := db.pool.Exec(ctx, `
		INSERT INTO channel_pauses (channel, until, reason) VALUES ($1, $2, $3)
		ON CONFLICT (channel) DO UPDATE SET until = EXCLUDED.until, reason = EXCLUDED.reason
		WHERE channel_pauses.until < EXCLUDED.until`, channel, until, reason)
	return tag.RowsAffected() > 0, mapErr(err)
}

// LiftChannelPause ends a channel's pause (the platform lifted it early):
// the messages held back for it are due again at now.
func (db *DB) LiftChannelPause(ctx context.Context, channel string, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var until time.Time
		err := tx.tx.QueryRow(ctx, `DELETE FROM channel_pauses WHERE channel = $1 RETURNING until`, channel).Scan(&until)
		if err = mapErr(err); errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		_, err = tx.tx.Exec(ctx, `UPDATE outbox SET not_before = $3
			WHERE channel = $1 AND sent_at IS NULL AND failed_at IS NULL AND not_before > $3 AND not_before <= $2`,
			channel, until, now)
		return mapErr(err)
	})
}

// ChannelPause is until when a channel is held back and why; a zero time
// when it is not.
func (db *DB) ChannelPause(ctx context.Context, channel string) (time.Time, string, error) {
	var (
		until  time.Time
		reason string
	)
	err := db.pool.QueryRow(ctx, `SELECT until, reason FROM channel_pauses WHERE channel = $1`, channel).Scan(&until, &reason)
	if err = mapErr(err); errors.Is(err, ErrNotFound) {
		return time.Time{}, "", nil
	}
	return until, reason, err
}
