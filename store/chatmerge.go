package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrChatBusy is MergeChat's answer while a worker is handling one of the
// chat's updates: the merge would have to wait for it (a download may take
// a minute), and the caller, WhatsApp's one-at-a-time event handler, must
// not. The transaction is spoilt; the caller stores the update under the
// old id, in order behind the ones being handled, and merges with a later
// update.
var ErrChatBusy = errors.New("store: the chat is being handled")

// MergeChat makes the chat from (and the person from) the chat to of the
// same channel: a platform that learns a second, lasting address of a
// person (WhatsApp learns the LID of a phone number after the first
// exchange) calls it when the new address first appears, so the chat's
// updates, conversation and draft, menu, reports, evidence, documents and
// outbox continue under one id instead of splitting in two. It runs in the
// transaction that stores the first update under to, before that update is
// inserted, so everything of from comes first in the chat's order.
//
// It is idempotent (nothing of from is left to merge a second time) and
// safe beside workers and other replicas: it first locks from's chat row
// (one merge at a time) and its pending updates, failing at once with
// ErrChatBusy when a worker holds one of them (what the worker writes
// would otherwise be left behind); other locks are waited for at most a
// second. When both ids
// have a conversation, the one with a draft in progress wins (the newer of
// two drafts); the other draft is kept in expired_drafts, not lost. The
// append-only records (report_events, audit_log) keep the id an action
// was taken under. It reports whether there was anything to merge.
func (tx *Tx) MergeChat(ctx context.Context, channel, from, to string) (bool, error) {
	if from == "" || to == "" || from == to {
		return false, nil
	}
	var chat, officer bool
	err := tx.tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM chats WHERE channel = $1 AND chat_id = $2),
		       EXISTS (SELECT 1 FROM officers WHERE channel = $1 AND user_id = $2)`, channel, from).Scan(&chat, &officer)
	if err != nil {
		return false, fmt.Errorf("store: merge chat: %w", mapErr(err))
	}
	if !chat && !officer {
		return false, nil
	}
	steps := []struct{ what, sql string }{
		{"lock timeout", `SET LOCAL lock_timeout = '1s'`},
		// One merge of from at a time, and no worker inside its updates.
		{"lock", `SELECT count(*) FROM (SELECT 1 FROM chats WHERE channel = $1 AND chat_id = $2 FOR UPDATE NOWAIT) c`},
		{"lock updates", `SELECT count(*) FROM (SELECT 1 FROM inbox
			WHERE channel = $1 AND chat_id = $2 AND processed_at IS NULL ORDER BY id FOR UPDATE NOWAIT) i`},
		{"chat", `INSERT INTO chats (channel, chat_id, is_group, first_seen_at)
			SELECT channel, $3, is_group, first_seen_at FROM chats WHERE channel = $1 AND chat_id = $2
			ON CONFLICT (channel, chat_id) DO UPDATE SET first_seen_at = least(chats.first_seen_at, EXCLUDED.first_seen_at)`},
		// A redelivered update of from must still be found as stored.
		{"updates", `UPDATE inbox i SET chat_id = $3,
				external_id = CASE WHEN starts_with(i.external_id, $2 || '/')
					AND NOT EXISTS (SELECT 1 FROM inbox o WHERE o.channel = $1 AND o.external_id = $3 || substr(i.external_id, length($2) + 1))
					THEN $3 || substr(i.external_id, length($2) + 1) ELSE i.external_id END
			WHERE i.channel = $1 AND i.chat_id = $2`},
		// The pending updates' own words (the neutral message) say the
		// new ids too: the handling reads the person from them.
		{"pending payloads", `UPDATE inbox SET payload = payload
				|| CASE WHEN payload->>'chat_id' = $2 THEN jsonb_build_object('chat_id', $3::text) ELSE '{}'::jsonb END
				|| CASE WHEN payload->>'user_id' = $2 THEN jsonb_build_object('user_id', $3::text) ELSE '{}'::jsonb END
			WHERE channel = $1 AND processed_at IS NULL AND (payload->>'chat_id' = $2 OR payload->>'user_id' = $2)`},
		// Of two conversations the losing draft is kept, then dropped.
		{"lost draft", `INSERT INTO expired_drafts (channel, chat_id, step, draft, expired_at)
			SELECT l.channel, $3, l.step, l.draft, now()
			FROM conversations f JOIN conversations t ON t.channel = f.channel AND t.chat_id = $3
			JOIN conversations l ON l.channel = f.channel AND l.chat_id = CASE
				WHEN (f.step <> 'idle' AND t.step = 'idle') OR (f.step <> 'idle' AND f.updated_at > t.updated_at) THEN $3 ELSE $2 END
			WHERE f.channel = $1 AND f.chat_id = $2 AND l.step <> 'idle'`},
		{"drop conversation", `DELETE FROM conversations d USING conversations f, conversations t
			WHERE f.channel = $1 AND f.chat_id = $2 AND t.channel = $1 AND t.chat_id = $3
			  AND d.channel = $1 AND d.chat_id = CASE
				WHEN (f.step <> 'idle' AND t.step = 'idle') OR (f.step <> 'idle' AND f.updated_at > t.updated_at) THEN $3 ELSE $2 END`},
		{"conversation", `UPDATE conversations SET chat_id = $3, user_id = CASE WHEN user_id = $2 THEN $3 ELSE user_id END
			WHERE channel = $1 AND chat_id = $2`},
		{"menu", `DELETE FROM menus WHERE channel = $1 AND chat_id = $2
			AND EXISTS (SELECT 1 FROM menus WHERE channel = $1 AND chat_id = $3)`},
		{"menu", `UPDATE menus SET chat_id = $3 WHERE channel = $1 AND chat_id = $2`},
		{"reports", `UPDATE reports SET chat_id = $3 WHERE channel = $1 AND chat_id = $2`},
		{"reporter", `UPDATE reports SET reporter_user_id = $3 WHERE channel = $1 AND chat_id = $3 AND reporter_user_id = $2`},
		{"attachments", `UPDATE attachments SET chat_id = $3 WHERE channel = $1 AND chat_id = $2`},
		{"documents", `UPDATE documents SET chat_id = $3 WHERE channel = $1 AND chat_id = $2`},
		{"expired drafts", `UPDATE expired_drafts SET chat_id = $3 WHERE channel = $1 AND chat_id = $2`},
		// What is still to be sent; what was sent stays where it went.
		{"outbox", `UPDATE outbox SET chat_id = $3 WHERE channel = $1 AND chat_id = $2 AND sent_at IS NULL AND failed_at IS NULL`},
		{"officer", `UPDATE officers SET user_id = $3 WHERE channel = $1 AND user_id = $2
			AND NOT EXISTS (SELECT 1 FROM officers WHERE channel = $1 AND user_id = $3)`},
		{"desk", `UPDATE desks SET chat_id = $3 WHERE channel = $1 AND chat_id = $2 AND removed_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM desks WHERE channel = $1 AND chat_id = $3 AND removed_at IS NULL)`},
		{"drop chat", `DELETE FROM chats WHERE channel = $1 AND chat_id = $2`},
	}
	for _, s := range steps {
		var args []any
		switch {
		case strings.Contains(s.sql, "$3"):
			args = []any{channel, from, to}
		case strings.Contains(s.sql, "$1"):
			args = []any{channel, from}
		}
		if _, err := tx.tx.Exec(ctx, s.sql, args...); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
				return false, fmt.Errorf("%w (%s)", ErrChatBusy, s.what)
			}
			return false, fmt.Errorf("store: merge chat (%s): %w", s.what, mapErr(err))
		}
	}
	return true, nil
}
