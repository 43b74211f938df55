package store

import (
	"context"
	"time"
)

// SetMenu remembers the choices (button data, in display order) last
// offered to a chat; no choices forgets them.
func (tx *Tx) SetMenu(ctx context.Context, channel, chatID string, choices []string, now time.Time) error {
	if len(choices) == 0 {
		_, err := tx.tx.Exec(ctx, `DELETE FROM menus WHERE channel = $1 AND chat_id = $2`, channel, chatID)
		return mapErr(err)
	}
	_, err := tx.tx.Exec(ctx, `
		INSERT INTO menus (channel, chat_id, choices, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel, chat_id) DO UPDATE SET choices = EXCLUDED.choices, updated_at = EXCLUDED.updated_at`,
		channel, chatID, choices, now)
	return mapErr(err)
}

// Menu returns the choices last offered to a chat (none: ErrNotFound).
func (tx *Tx) Menu(ctx context.Context, channel, chatID string) ([]string, error) {
	var choices []string
	err := tx.tx.QueryRow(ctx, `SELECT choices FROM menus WHERE channel = $1 AND chat_id = $2`, channel, chatID).Scan(&choices)
	return choices, mapErr(err)
}
