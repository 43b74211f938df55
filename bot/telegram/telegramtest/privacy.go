package telegramtest

import (
	"fmt"
	"strings"
)

// Group privacy mode, as Telegram applies it (Bot API "Privacy mode"; set
// with BotFather's /setprivacy, on for every new bot). With it on, a bot
// that is not an administrator of a group receives from that group only:
//
//   - commands meant for it: "/cmd@this_bot", and a general "/cmd" unless
//     another bot was the last bot to write in the group;
//   - replies to its own messages;
//   - service messages and callback queries from its inline buttons (these
//     are never filtered; the fake builds no service messages itself, and
//     AddRawUpdate queues whatever it is given).
//
// Everything else a member writes is withheld: it is in the chat (members
// can reply to it) but the bot never gets an update for it. Private chats
// are never filtered. With privacy mode off, or in a group where the bot is
// an administrator, the bot receives every message.

// SetPrivacy switches the bot's group privacy mode, as BotFather's
// /setprivacy does. Real Telegram applies a change to a group only after
// the bot is added to it again; the fake applies it at once.
func (s *Server) SetPrivacy(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privacy = on
}

// SetBotAdmin makes the bot an administrator of the group (or takes that
// away): an administrator bot receives every message even in privacy mode.
func (s *Server) SetBotAdmin(chatID int64, admin bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).botAdmin = admin
}

// AnotherBotWrote records that another bot wrote in the group after this
// one: until this bot writes there again, a general command ("/cmd"
// without "@this_bot") is taken to be meant for the other bot and, in
// privacy mode, withheld.
func (s *Server) AnotherBotWrote(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).otherBotLast = true
}

// deliversLocked reports whether the bot receives m, a member's message
// (new or edited) in chat c.
func (s *Server) deliversLocked(c *chatState, m *wireMessage) bool {
	if c.id > 0 || !s.privacy || c.botAdmin {
		return true
	}
	if r := m.ReplyToMessage; r != nil && s.fromBot(r) {
		return true
	}
	target, ok := commandTarget(m.Text, m.Entities)
	switch {
	case !ok:
		return false
	case target == "":
		return !c.otherBotLast
	}
	return strings.EqualFold(target, s.bot.Username)
}

// commandTarget reads the bot_command entity at the start of a text: ok
// is false without one; target is the bot it names after "@" ("" for a
// general command).
func commandTarget(text string, entities []wireEntity) (target string, ok bool) {
	for _, e := range entities {
		if e.Type != "bot_command" || e.Offset != 0 || e.Length > len(text) {
			continue
		}
		_, target, _ = strings.Cut(text[:e.Length], "@")
		return target, true
	}
	return "", false
}

// The methods below play a member replying to an earlier message of the
// chat (the bot's, usually), as a client's "Reply" does. In privacy mode a
// reply to the bot's message is how a member's plain text reaches the bot.
// They panic if the chat has no message replyTo.

// ReplyText replies to message replyTo with a text (which may start with a
// command).
func (s *Server) ReplyText(chatID, userID int64, replyTo int, text string) (updateID, messageID int) {
	return s.reply(chatID, userID, replyTo, func(m *wireMessage) {
		m.Text = text
		m.Entities = commandEntity(text)
	})
}

// ReplyDocument replies to message replyTo with a file sent as a document.
func (s *Server) ReplyDocument(chatID, userID int64, replyTo int, name, mimeType string, data []byte, caption string) (updateID, messageID int) {
	return s.reply(chatID, userID, replyTo, func(m *wireMessage) {
		m.Document = s.addFileLocked(kindDocument, name, mimeType, data).wirePtr()
		m.Caption = caption
	})
}

// ReplyPhoto replies to message replyTo with a photo.
func (s *Server) ReplyPhoto(chatID, userID int64, replyTo int, data []byte, caption string) (updateID, messageID int) {
	return s.reply(chatID, userID, replyTo, func(m *wireMessage) {
		m.Photo = s.photoSizesLocked(data)
		m.Caption = caption
	})
}

func (s *Server) reply(chatID, userID int64, replyTo int, fill func(*wireMessage)) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		r := s.chats[chatID].messages[replyTo]
		if r == nil {
			panic(fmt.Sprintf("telegramtest: no message %d in chat %d to reply to", replyTo, chatID))
		}
		m.ReplyToMessage = r.quoted()
		fill(m)
	})
}
