package telegram

import (
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// translate turns one update into a neutral message. ok is false for
// updates that concern no chat (inline queries, payments, poll results),
// which are acknowledged and recorded nowhere.
func translate(u tgbotapi.Update) (r bot.Received, ok bool) {
	// An update that breaks what the Bot API promises (a message without a
	// chat, entities past the text's end) must not take the process down:
	// it is passed over like an update about no chat.
	defer func() {
		if recover() != nil {
			r, ok = bot.Received{}, false
		}
	}()
	for _, m := range []*tgbotapi.Message{u.Message, u.EditedMessage} {
		if m != nil && m.Chat == nil {
			return bot.Received{}, false
		}
	}
	if u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat == nil {
		return bot.Received{}, false
	}
	r = bot.Received{ExternalID: strconv.Itoa(u.UpdateID)}
	switch {
	case u.Message != nil:
		r.Message = fromMessage(u.Message)
	case u.EditedMessage != nil:
		r.Message = base(u.EditedMessage)
		r.Message.Kind = flows.KindEdited
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
		cq := u.CallbackQuery
		r.Message = base(cq.Message)
		setUser(&r.Message, cq.From)
		r.Message.Kind = flows.KindButton
		r.Message.Button = cq.Data
		r.Message.At = time.Now().UTC() // a callback carries no date of its own
	case u.MyChatMember != nil:
		m := u.MyChatMember
		r.Message = flows.Inbound{ChatID: strconv.FormatInt(m.Chat.ID, 10), IsGroup: !m.Chat.IsPrivate(),
			Kind: flows.KindMembership, What: m.NewChatMember.Status, At: time.Unix(int64(m.Date), 0).UTC()}
		setUser(&r.Message, &m.From)
	default:
		return r, false
	}
	return r, true
}

func base(m *tgbotapi.Message) flows.Inbound {
	in := flows.Inbound{
		ChatID:    strconv.FormatInt(m.Chat.ID, 10),
		IsGroup:   !m.Chat.IsPrivate(),
		ChatTitle: m.Chat.Title,
		MessageID: strconv.Itoa(m.MessageID),
		At:        time.Unix(int64(m.Date), 0).UTC(),
	}
	if r := m.ReplyToMessage; r != nil {
		in.ReplyToText = r.Text + r.Caption
		in.ReplyToBot = r.From != nil && r.From.IsBot
	}
	setUser(&in, m.From)
	return in
}

func setUser(in *flows.Inbound, u *tgbotapi.User) {
	if u == nil {
		return
	}
	in.UserID = strconv.FormatInt(u.ID, 10)
	in.UserName = strings.TrimSpace(u.FirstName + " " + u.LastName)
	in.Username = u.UserName
}

func fromMessage(m *tgbotapi.Message) flows.Inbound {
	in := base(m)
	in.Text = m.Caption
	switch {
	case m.IsCommand():
		in.Kind = flows.KindCommand
		in.Command = strings.ToLower(m.Command())
		in.Text = m.CommandArguments()
	case len(m.Photo) > 0:
		p := m.Photo[len(m.Photo)-1] // the largest size
		in.Kind = flows.KindPhoto
		in.File = &flows.FileRef{ID: p.FileID, Name: "foto-" + in.MessageID + ".jpg", MIME: "image/jpeg", Size: int64(p.FileSize)}
	case m.Document != nil && m.Animation == nil:
		d := m.Document
		in.Kind = flows.KindDocument
		in.File = &flows.FileRef{ID: d.FileID, Name: d.FileName, MIME: d.MimeType, Size: int64(d.FileSize)}
	case m.Video != nil:
		v := m.Video
		in.Kind = flows.KindVideo
		in.File = &flows.FileRef{ID: v.FileID, Name: nameOr(v.FileName, "video-"+in.MessageID+".mp4"), MIME: v.MimeType, Size: int64(v.FileSize)}
	case m.Voice != nil:
		v := m.Voice
		in.Kind = flows.KindVoice
		in.File = &flows.FileRef{ID: v.FileID, Name: "suara-" + in.MessageID + ".ogg", MIME: nameOr(v.MimeType, "audio/ogg"), Size: int64(v.FileSize)}
	case m.Audio != nil:
		a := m.Audio
		in.Kind = flows.KindAudio
		in.File = &flows.FileRef{ID: a.FileID, Name: nameOr(a.FileName, "audio-"+in.MessageID), MIME: a.MimeType, Size: int64(a.FileSize)}
	case m.Location != nil && m.Venue == nil:
		in.Kind = flows.KindLocation
		in.Location = &flows.Location{Lat: m.Location.Latitude, Lon: m.Location.Longitude}
	case m.Text != "":
		in.Kind = flows.KindText
		in.Text = m.Text
	default:
		in.Kind = flows.KindUnsupported
		in.What = unsupportedKind(m)
	}
	return in
}

func unsupportedKind(m *tgbotapi.Message) string {
	switch {
	case m.Sticker != nil:
		return "sticker"
	case m.Poll != nil:
		return "poll"
	case m.Contact != nil:
		return "contact"
	case m.Animation != nil:
		return "animation"
	case m.VideoNote != nil:
		return "video_note"
	case m.Game != nil:
		return "game"
	case m.Dice != nil:
		return "dice"
	case m.Venue != nil:
		return "venue"
	case m.NewChatMembers != nil || m.LeftChatMember != nil || m.NewChatTitle != "" || m.GroupChatCreated ||
		m.MigrateToChatID != 0 || m.MigrateFromChatID != 0 || m.PinnedMessage != nil:
		return "service"
	case m.Text == "" && m.Caption == "":
		return "empty"
	}
	return "other"
}

func nameOr(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}
