package telegramtest

import (
	"fmt"
	"strconv"
)

// The methods below play the citizens. Each queues an update for the bot
// and marks the chat as known. A private chat's id is its user's id
// (positive); group chat ids are negative. Methods that create a message
// return the update id and the new message's id; in a group in privacy
// mode (privacy.go) a message the bot would not receive is put in the chat
// but queues nothing, and its update id is 0.

// SendText sends a text message. Text starting with a command ("/start",
// "/start@bot args") carries a bot_command entity, so tgbotapi's
// Message.IsCommand, Command and CommandArguments work.
func (s *Server) SendText(chatID, userID int64, text string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		m.Text = text
		m.Entities = commandEntity(text)
	})
}

// SendPhoto sends a photo. The message carries two sizes: a thumbnail
// (holding the first KiB of data) and the full photo holding data.
func (s *Server) SendPhoto(chatID, userID int64, data []byte, caption string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		m.Photo = s.photoSizesLocked(data)
		m.Caption = caption
	})
}

// SendDocument sends a file as a document.
func (s *Server) SendDocument(chatID, userID int64, name, mimeType string, data []byte, caption string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		m.Document = s.addFileLocked(kindDocument, name, mimeType, data).wirePtr()
		m.Caption = caption
	})
}

// SendLargeDocument sends a document of the given size whose content is
// never held in memory: downloads generate it, byte i being LargeFileByte(i).
// Use it for files beyond getFile's 20 MB limit.
func (s *Server) SendLargeDocument(chatID, userID int64, name, mimeType string, size int64) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		m.Document = s.addGeneratedFileLocked(kindDocument, name, mimeType, size).wirePtr()
	})
}

// SendVideo sends a video (1280x720, 10 s, video/mp4).
func (s *Server) SendVideo(chatID, userID int64, data []byte, caption string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		v := s.addFileLocked(kindVideo, "video.mp4", "video/mp4", data).wire()
		v.Width, v.Height, v.Duration = 1280, 720, 10
		m.Video = &v
		m.Caption = caption
	})
}

// SendVoice sends a voice note (audio/ogg, 3 s).
func (s *Server) SendVoice(chatID, userID int64, data []byte, caption string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		v := s.addFileLocked(kindVoice, "", "audio/ogg", data).wire()
		v.Duration = 3
		m.Voice = &v
		m.Caption = caption
	})
}

// SendAudio sends a music file (audio.mp3, audio/mpeg, 180 s).
func (s *Server) SendAudio(chatID, userID int64, data []byte, caption string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		a := s.addFileLocked(kindAudio, "audio.mp3", "audio/mpeg", data).wire()
		a.Duration = 180
		m.Audio = &a
		m.Caption = caption
	})
}

// SendLocation shares a location.
func (s *Server) SendLocation(chatID, userID int64, lat, lon float64) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		m.Location = &wireLocation{Latitude: lat, Longitude: lon}
	})
}

// SendSticker sends a 512x512 static sticker for the given emoji.
func (s *Server) SendSticker(chatID, userID int64, emoji string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		f := s.addFileLocked(kindSticker, "", "image/webp", []byte("RIFF\x00\x00\x00\x00WEBP")).wire()
		f.Width, f.Height = 512, 512
		m.Sticker = &wireSticker{wireFile: f, Type: "regular", Emoji: emoji}
	})
}

// SendPoll sends an anonymous regular poll.
func (s *Server) SendPoll(chatID, userID int64, question string, options ...string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		// The poll's update is the next one queued, so its id is unique.
		p := &wirePoll{ID: strconv.Itoa(s.nextUpdateID), Question: question, IsAnonymous: true, Type: "regular"}
		for _, o := range options {
			p.Options = append(p.Options, wirePollOption{Text: o})
		}
		m.Poll = p
	})
}

// SendContact shares the user's own contact, as a "share my phone number"
// keyboard button does.
func (s *Server) SendContact(chatID, userID int64, phone string) (updateID, messageID int) {
	return s.post(chatID, userID, func(m *wireMessage) {
		m.Contact = &wireContact{PhoneNumber: phone, FirstName: citizen(userID).FirstName, UserID: userID}
	})
}

// EditText edits a text message the user sent earlier and queues the
// edited_message update. It panics if the user sent no such message.
func (s *Server) EditText(chatID, userID int64, messageID int, newText string) (updateID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.chatLocked(chatID).messages[messageID]
	if m == nil || m.From == nil || m.From.ID != userID {
		panic(fmt.Sprintf("telegramtest: EditText: user %d sent no message %d in chat %d", userID, messageID, chatID))
	}
	m.Text = newText
	m.Entities = commandEntity(newText)
	m.EditDate = s.now().Unix()
	if !s.deliversLocked(s.chats[chatID], m) {
		s.stats.Withheld++
		return 0
	}
	return s.enqueueLocked(wireUpdate{EditedMessage: m})
}

// PressButton presses an inline button on a message the bot sent and
// queues the callback_query update, which includes the message. The data
// is not checked against the keyboard, so tests can also forge stale data.
// It panics if the bot sent no such message.
func (s *Server) PressButton(chatID, userID int64, messageID int, data string) (updateID int, callbackQueryID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.chatLocked(chatID).messages[messageID]
	if m == nil || !s.fromBot(m) {
		panic(fmt.Sprintf("telegramtest: PressButton: the bot sent no message %d in chat %d", messageID, chatID))
	}
	s.callbackSeq++
	id := strconv.FormatInt(int64(s.callbackSeq)+4_000_000_000_000_000_000, 10)
	s.callbacks[id] = &callbackState{}
	updateID = s.enqueueLocked(wireUpdate{CallbackQuery: &wireCallbackQuery{
		ID:           id,
		From:         citizen(userID),
		Message:      m,
		ChatInstance: strconv.FormatInt(chatID, 10),
		Data:         data,
	}})
	return updateID, id
}

// post creates a message from the user in the chat, lets fill set its
// content (under the server lock) and queues it as a message update.
func (s *Server) post(chatID, userID int64, fill func(*wireMessage)) (updateID, messageID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.known = true
	m := s.newMessageLocked(c, citizen(userID))
	fill(m)
	if !s.deliversLocked(c, m) {
		s.stats.Withheld++
		s.broadcastLocked()
		return 0, m.MessageID
	}
	return s.enqueueLocked(wireUpdate{Message: m}), m.MessageID
}

// commandEntity returns the bot_command entity of a text starting with a
// command: "/" then letters, digits or "_", optionally "@botname".
func commandEntity(text string) []wireEntity {
	if len(text) < 2 || text[0] != '/' {
		return nil
	}
	n := 1 + commandWordLen(text[1:])
	if n == 1 {
		return nil
	}
	if n < len(text) && text[n] == '@' {
		if at := commandWordLen(text[n+1:]); at > 0 {
			n += 1 + at
		}
	}
	// The command is ASCII, so its byte length is its UTF-16 length.
	return []wireEntity{{Type: "bot_command", Offset: 0, Length: n}}
}

func commandWordLen(s string) int {
	n := 0
	for n < len(s) && isCommandChar(s[n]) {
		n++
	}
	return n
}

func isCommandChar(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
