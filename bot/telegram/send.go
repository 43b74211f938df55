package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// Split implements bot.Channel: texts longer than 4096 and captions longer
// than 1024 UTF-16 code units (Telegram's way of counting) become several
// messages; the buttons go under the last one, the reply under the first.
func (ch *Channel) Split(msg flows.Outbound, file *bot.File) []bot.Part {
	var parts []bot.Part
	text := msg.Text
	if file != nil {
		p := bot.Part{File: file, ReplyTo: msg.ReplyTo}
		if bot.UTF16Len(text) <= maxCaption {
			p.Text, p.Caption, text = text, true, ""
		}
		parts = append(parts, p)
	}
	if text != "" || file == nil {
		for _, chunk := range bot.SplitText(text, maxText) {
			parts = append(parts, bot.Part{Text: chunk})
		}
	}
	parts[0].ReplyTo = msg.ReplyTo
	parts[len(parts)-1].Buttons = msg.Buttons
	parts[len(parts)-1].ForceReply = msg.ForceReply
	return parts
}

// Send implements bot.Channel.
func (ch *Channel) Send(ctx context.Context, chatID string, p bot.Part) error {
	_, err := ch.SendID(ctx, chatID, p)
	return err
}

// SendID implements bot.IDSender: Send, telling the new message's id.
func (ch *Channel) SendID(ctx context.Context, chatID string, p bot.Part) (string, error) {
	timeout := ch.o.CallTimeout
	if p.File != nil {
		timeout = ch.o.SendTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	params := url.Values{}
	params.Set("chat_id", chatID)
	if p.ReplyTo != "" {
		params.Set("reply_to_message_id", p.ReplyTo)
		params.Set("allow_sending_without_reply", "true")
	}
	if len(p.Buttons) > 0 {
		params.Set("reply_markup", keyboard(p.Buttons))
	} else if p.ForceReply {
		// One markup per message: buttons win, and their text asks for a reply.
		params.Set("reply_markup", `{"force_reply":true,"selective":true}`)
	}
	var (
		res json.RawMessage
		err error
	)
	if p.File != nil {
		if p.Caption {
			params.Set("caption", p.Text)
		}
		method, field := uploadMethod(p.File)
		res, err = ch.c.upload(ctx, method, params, field, p.File)
	} else {
		params.Set("text", p.Text)
		res, err = ch.c.call(ctx, "sendMessage", params)
	}
	if err != nil {
		return "", classify(err)
	}
	return messageID(res), nil
}

// messageID is the id of the message a send returned; "" if unreadable
// (the message went out all the same).
func messageID(res json.RawMessage) string {
	var m struct {
		MessageID int64 `json:"message_id"`
	}
	if json.Unmarshal(res, &m) != nil || m.MessageID == 0 {
		return ""
	}
	return strconv.FormatInt(m.MessageID, 10)
}

func uploadMethod(f *bot.File) (method, field string) {
	switch flows.Kind(f.Kind) {
	case flows.KindPhoto:
		if f.Len() <= maxPhotoUpload {
			return "sendPhoto", "photo"
		}
	case flows.KindVideo:
		return "sendVideo", "video"
	case flows.KindVoice:
		return "sendVoice", "voice"
	case flows.KindAudio:
		return "sendAudio", "audio"
	}
	return "sendDocument", "document"
}

func keyboard(rows [][]flows.Button) string {
	type button struct {
		Text         string `json:"text"`
		CallbackData string `json:"callback_data"`
	}
	kb := struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}{}
	for _, r := range rows {
		var row []button
		for _, b := range r {
			row = append(row, button{Text: b.Label, CallbackData: b.Data})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, row)
	}
	b, _ := json.Marshal(kb)
	return string(b)
}

// classify tells the dispatcher what a Bot API error means. retry_after is
// honoured whatever the code (uploads may report 429 without error_code).
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		return err // network trouble: transient
	}
	se := &bot.SendError{Err: err}
	switch {
	case ae.RetryAfter > 0:
		se.RetryAfter = ae.RetryAfter
	case ae.Code == http.StatusForbidden:
		se.Blocked = true // blocked by the user, kicked from the group, user deactivated
	case ae.Code == http.StatusBadRequest && strings.Contains(ae.Description, "chat not found"):
		se.Blocked = true
	case ae.Code == http.StatusBadRequest || ae.Code == http.StatusRequestEntityTooLarge:
		se.Permanent = true // the same request will never be accepted
	}
	return se
}
