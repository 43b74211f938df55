package webchat

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/store"
)

var (
	_ bot.IDSender   = (*Channel)(nil)
	_ bot.CardEditor = (*Channel)(nil)
)

// SendID implements bot.IDSender: a message's id is its seq in the chat's
// transcript.
func (c *Channel) SendID(ctx context.Context, chatID string, p bot.Part) (string, error) {
	w := wireMessage{From: "bot", Text: p.Text, Buttons: p.Buttons}
	var fileID int64
	if p.File != nil {
		id, err := c.showFile(ctx, chatID, p.File)
		if err != nil {
			return "", err
		}
		fileID = id
		w.Attachment = &wireAttachment{Name: p.File.Name, MIME: p.File.MIME, Kind: p.File.Kind}
	}
	m, err := c.transcriptLine(chatID, true, w, fileID)
	if err != nil {
		return "", err
	}
	seq, err := c.db.AddWebMessage(ctx, m)
	if err != nil {
		return "", err
	}
	c.wake(chatID)
	return strconv.FormatInt(seq, 10), nil
}

// EditCard implements bot.CardEditor: the card's line in the transcript
// takes the new text and buttons (a reload shows them), and a line that
// names it as replaced tells open streams to redraw it in place.
func (c *Channel) EditCard(ctx context.Context, chatID string, card bot.SentCard, p bot.Part) error {
	seq, err := strconv.ParseInt(card.MessageID, 10, 64)
	if err != nil {
		return errors.Join(bot.ErrEditGone, err)
	}
	old, err := c.db.WebMessage(ctx, chatID, seq)
	if errors.Is(err, store.ErrNotFound) {
		return errors.Join(bot.ErrEditGone, err) // the transcript expired
	}
	if err != nil {
		return err
	}
	var w wireMessage
	if err := json.Unmarshal(old.Payload, &w); err != nil {
		return errors.Join(bot.ErrEditGone, err)
	}
	w.Text, w.Buttons = storable(p.Text), p.Buttons
	payload, err := json.Marshal(w)
	if err != nil {
		return err
	}
	edit := w
	edit.Replaces = seq
	line, err := c.transcriptLine(chatID, true, edit, old.FileID)
	if err != nil {
		return err
	}
	if _, err := c.db.ReplaceWebMessage(ctx, chatID, seq, payload, line); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errors.Join(bot.ErrEditGone, err)
		}
		return err
	}
	c.wake(chatID)
	return nil
}
