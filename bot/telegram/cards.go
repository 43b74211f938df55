package telegram

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/lapor-id/lapor/bot"
)

var _ bot.CardEditor = (*Channel)(nil)

// EditCard implements bot.CardEditor with editMessageText, or
// editMessageCaption for a card sent as a file's caption. The text is cut
// to the platform's limit (a card is one message). Telegram answers "message
// is not modified" to an edit that changes nothing: a success here. A
// message deleted, or one it will not edit any more, makes the edit gone.
func (ch *Channel) EditCard(ctx context.Context, chatID string, card bot.SentCard, p bot.Part) error {
	ctx, cancel := context.WithTimeout(ctx, ch.o.CallTimeout)
	defer cancel()
	params := url.Values{}
	params.Set("chat_id", chatID)
	params.Set("message_id", card.MessageID)
	// Without reply_markup Telegram removes the keyboard: what a desk
	// with nothing left to do should see.
	if len(p.Buttons) > 0 {
		params.Set("reply_markup", keyboard(p.Buttons))
	}
	method := "editMessageText"
	if card.Caption {
		method = "editMessageCaption"
		params.Set("caption", bot.SplitText(p.Text, maxCaption)[0])
	} else {
		params.Set("text", bot.SplitText(p.Text, maxText)[0])
	}
	_, err := ch.c.call(ctx, method, params)
	var ae *apiError
	if errors.As(err, &ae) && ae.Code == http.StatusBadRequest {
		d := strings.ToLower(ae.Description)
		switch {
		case strings.Contains(d, "message is not modified"):
			return nil
		case strings.Contains(d, "message to edit not found"), strings.Contains(d, "message can't be edited"),
			strings.Contains(d, "message_id_invalid"), strings.Contains(d, "there is no text in the message to edit"),
			strings.Contains(d, "there is no caption in the message to edit"):
			return errors.Join(bot.ErrEditGone, err)
		}
	}
	return classify(err)
}
