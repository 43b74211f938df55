package store

import (
	"context"
	"errors"
	"time"
)

// Conversation is the persisted state of one chat's dialogue with the bot.
type Conversation struct {
	Channel    string
	ChatID     string
	UserID     string
	Lang       string
	Step       string
	Draft      []byte // JSON owned by flows
	UpdatedAt  time.Time
	RemindedAt time.Time // zero when no reminder was sent for the current draft
}

// LoadConversation locks and returns the chat's conversation; a chat never
// seen before gets a fresh idle conversation (not yet stored).
func (tx *Tx) LoadConversation(ctx context.Context, channel, chatID string) (Conversation, error) {
	c := Conversation{Channel: channel, ChatID: chatID}
	var reminded *time.Time
	err := tx.tx.QueryRow(ctx, `
		SELECT user_id, lang, step, draft, updated_at, reminded_at
		FROM conversations WHERE channel = $1 AND chat_id = $2
		FOR UPDATE`, channel, chatID).Scan(&c.UserID, &c.Lang, &c.Step, &c.Draft, &c.UpdatedAt, &reminded)
	if err != nil {
		err = mapErr(err)
		if errors.Is(err, ErrNotFound) {
			return Conversation{Channel: channel, ChatID: chatID, Lang: "id", Step: "idle", Draft: []byte("{}")}, nil
		}
		return c, err
	}
	c.RemindedAt = valueTime(reminded)
	return c, nil
}

// SaveConversation stores the conversation.
func (tx *Tx) SaveConversation(ctx context.Context, c Conversation) error {
	if len(c.Draft) == 0 {
		c.Draft = []byte("{}")
	}
	_, err := tx.tx.Exec(ctx, `
		INSERT INTO conversations (channel, chat_id, user_id, lang, step, draft, updated_at, reminded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (channel, chat_id) DO UPDATE SET
			user_id = EXCLUDED.user_id, lang = EXCLUDED.lang, step = EXCLUDED.step,
			draft = EXCLUDED.draft, updated_at = EXCLUDED.updated_at, reminded_at = EXCLUDED.reminded_at`,
		c.Channel, c.ChatID, c.UserID, c.Lang, c.Step, c.Draft, c.UpdatedAt, nullTime(c.RemindedAt))
	return mapErr(err)
}

// IdleDrafts lists conversations in the middle of a step (other than
// notSteps), untouched since
// before idleSince and not yet reminded, locking them for the caller's
// transaction (other replicas skip them).
func (tx *Tx) IdleDrafts(ctx context.Context, idleSince time.Time, limit int, notSteps []string) ([]Conversation, error) {
	return tx.conversations(ctx, `step <> 'idle' AND reminded_at IS NULL AND updated_at < $1 AND NOT step = ANY($3)
		ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED`, idleSince, limit, notSteps)
}

// conversations lists conversations matching where.
func (tx *Tx) conversations(ctx context.Context, where string, args ...any) ([]Conversation, error) {
	rows, err := tx.tx.Query(ctx, `SELECT channel, chat_id, user_id, lang, step, draft, updated_at FROM conversations WHERE `+where, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Conversation
	for rows.Next() {
		var c Conversation
		if err := rows.Scan(&c.Channel, &c.ChatID, &c.UserID, &c.Lang, &c.Step, &c.Draft, &c.UpdatedAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// MarkReminded records that the idle-draft reminder went out.
func (tx *Tx) MarkReminded(ctx context.Context, channel, chatID string, at time.Time) error {
	_, err := tx.tx.Exec(ctx, `UPDATE conversations SET reminded_at = $3 WHERE channel = $1 AND chat_id = $2`,
		channel, chatID, at)
	return mapErr(err)
}
