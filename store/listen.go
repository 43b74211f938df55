package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// WebChatChannel is the PostgreSQL notification channel on which a web
// chat's new transcript line (and a session leaving a room) is announced,
// with the chat id as payload: every replica's streams of that chat wake,
// wherever the line was written.
const WebChatChannel = "lapor_webchat"

// NotifyWebChat announces a change of a web chat to every replica's
// streams (delivered when the statement commits).
func (db *DB) NotifyWebChat(ctx context.Context, chatID string) error {
	_, err := db.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, WebChatChannel, chatID)
	return mapErr(err)
}

// Listen receives the notifications of channel on one connection of its
// own until ctx ends, calling got with each payload. ready runs each time
// the connection is (re)established and listening: whatever was announced
// while it was not is lost, so ready should catch up. A lost connection is
// retried with a growing pause (at most 5 s); Listen returns only when ctx
// ends.
func (db *DB) Listen(ctx context.Context, channel string, ready func(), got func(payload string)) error {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, channel, ready, got, func() { pause = 100 * time.Millisecond })
		if ctx.Err() != nil {
			break
		}
		db.log.Warn("database notifications interrupted; listening again", "channel", channel, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
	return nil
}

func (db *DB) listenOnce(ctx context.Context, channel string, ready func(), got func(string), connected func()) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection leaves the pool: a listening session is not for
	// anyone else's queries, and it is closed, not reused, when done.
	pc := conn.Hijack()
	defer pc.Close(context.WithoutCancel(ctx))
	if _, err := pc.Exec(ctx, `SELECT pg_catalog.set_config('application_name', 'lapor listen', false)`); err != nil {
		return err
	}
	if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	ready()
	for {
		n, err := pc.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		got(n.Payload)
	}
}
