package telegramtest

import (
	"encoding/json"
	"html"
	"mime"
	"path"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Length limits of the Bot API, in UTF-16 code units after entity parsing.
const (
	maxTextLen         = 4096
	maxCaptionLen      = 1024
	maxCallbackDataLen = 64 // bytes
)

// outgoing is a message the bot asked to send, validated as far as it can
// be without looking at the chat.
type outgoing struct {
	method    string
	text      string // as requested, markup included
	visible   string // after entity parsing: what the message shows
	caption   string
	parseMode string
	keyboard  *inlineKeyboard
	replyTo   int
	orphanOK  bool // allow_sending_without_reply
	force     forceReply
	kind      fileKind
	upload    *upload // a new file, or
	fileID    string  // a file sent before
}

func (s *Server) sendMessage(rq *request) (any, *apiError) {
	o, err := newOutgoing("sendMessage", rq)
	if err != nil {
		return nil, err
	}
	if o.visible, err = checkText(o.text, o.parseMode); err != nil {
		return nil, err
	}
	return s.deliver(rq.str("chat_id"), o)
}

// mediaHandler serves sendPhoto, sendDocument and the like: the file comes
// in the field named after the kind, as an upload or as a known file_id.
func mediaHandler(method string, kind fileKind) func(*Server, *request) (any, *apiError) {
	return func(s *Server, rq *request) (any, *apiError) {
		o, err := newOutgoing(method, rq)
		if err != nil {
			return nil, err
		}
		o.kind = kind
		o.caption = rq.str("caption")
		if err := checkCaption(o.caption, o.parseMode); err != nil {
			return nil, err
		}
		if u, ok := rq.uploads[string(kind)]; ok {
			o.upload = &u
		} else if o.fileID = rq.str(string(kind)); o.fileID == "" {
			return nil, errNoFile(string(kind))
		}
		return s.deliver(rq.str("chat_id"), o)
	}
}

// newOutgoing reads the parameters every sending method shares.
func newOutgoing(method string, rq *request) (outgoing, *apiError) {
	if rq.str("chat_id") == "" {
		return outgoing{}, errChatIDEmpty
	}
	kb, err := parseKeyboard(rq.str("reply_markup"))
	return outgoing{
		method:    method,
		text:      rq.str("text"),
		parseMode: rq.str("parse_mode"),
		keyboard:  kb,
		replyTo:   rq.number("reply_to_message_id"),
		orphanOK:  rq.flag("allow_sending_without_reply"),
		force:     parseForceReply(rq.str("reply_markup")),
	}, err
}

// deliver sends o into the chat: chat checks, reply lookup, file lookup,
// flood control, then the message is created and recorded as Sent.
func (s *Server) deliver(chatRef string, o outgoing) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.targetLocked(chatRef)
	if err != nil {
		return nil, err
	}
	var reply *wireMessage
	if r := c.messages[o.replyTo]; r != nil {
		reply = r.quoted()
	} else if o.replyTo != 0 && !o.orphanOK {
		return nil, errReplyNotFound
	}
	var file *storedFile
	if o.fileID != "" {
		if file = s.files[o.fileID]; file == nil {
			return nil, errWrongFileID
		}
	}
	if err := s.admitLocked(c); err != nil {
		return nil, err
	}
	if o.upload != nil {
		file = s.addFileLocked(o.kind, o.upload.name, uploadMIME(o.kind, o.upload), o.upload.data)
	}

	m := s.newMessageLocked(c, s.bot)
	c.otherBotLast = false
	m.ReplyToMessage = reply
	m.Text = o.visible
	m.Caption = strings.TrimSpace(plainText(o.caption, o.parseMode))
	m.ReplyMarkup = o.keyboard
	if file != nil {
		attach(m, o.kind, file)
	}
	sent := Sent{
		Method:     o.method,
		ChatID:     c.id,
		MessageID:  m.MessageID,
		Text:       o.text,
		Caption:    o.caption,
		ParseMode:  o.parseMode,
		Keyboard:   buttons(o.keyboard),
		ForceReply: o.force.ForceReply,
		Selective:  o.force.ForceReply && o.force.Selective,
		At:         s.now(),
	}
	if reply != nil {
		sent.ReplyTo = reply.MessageID
	}
	if file != nil {
		sent.FileID = file.id
		sent.FileData = file.data
	}
	if o.upload != nil {
		sent.FileName, sent.ContentType = o.upload.name, o.upload.contentType
	}
	s.recordLocked(sent)
	return snapshot(m), nil
}

// uploadMIME is the mime_type Telegram reports for an uploaded file: the
// part's own type unless it is the generic one, else a guess by extension.
func uploadMIME(kind fileKind, u *upload) string {
	if kind == kindPhoto {
		return "" // photo sizes carry no mime_type
	}
	if u.contentType != "" && u.contentType != "application/octet-stream" {
		return u.contentType
	}
	if t := mime.TypeByExtension(path.Ext(u.name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// attach puts file into m as the given kind of media.
func attach(m *wireMessage, kind fileKind, f *storedFile) {
	w := f.wire()
	switch kind {
	case kindPhoto:
		w.Width, w.Height = 1280, 960
		m.Photo = []wireFile{w}
	case kindDocument:
		m.Document = &w
	case kindVideo:
		w.Width, w.Height, w.Duration = 1280, 720, 10
		m.Video = &w
	case kindAudio:
		w.Duration = 180
		m.Audio = &w
	case kindVoice:
		w.FileName = ""
		w.Duration = 3
		m.Voice = &w
	}
}

func (s *Server) editMessageText(rq *request) (any, *apiError) {
	text := rq.str("text")
	parseMode := rq.str("parse_mode")
	visible, err := checkText(text, parseMode)
	if err != nil {
		return nil, err
	}
	kb, err := parseKeyboard(rq.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	return s.edit(rq, func(m *wireMessage) (Sent, *apiError) {
		switch {
		case m.Text == "":
			return Sent{}, errNoTextToEdit
		case m.Text == visible && sameKeyboard(m.ReplyMarkup, kb):
			return Sent{}, errNotModified
		}
		// Like Telegram, an edit without reply_markup removes the keyboard.
		m.Text, m.ReplyMarkup = visible, kb
		return Sent{Method: "editMessageText", Text: text, ParseMode: parseMode, Keyboard: buttons(kb)}, nil
	})
}

// editMessageCaption changes the caption of a message with a file (and
// its keyboard): a text message has none to edit, as on Telegram.
func (s *Server) editMessageCaption(rq *request) (any, *apiError) {
	caption := rq.str("caption")
	parseMode := rq.str("parse_mode")
	if err := checkCaption(caption, parseMode); err != nil {
		return nil, err
	}
	visible := strings.TrimSpace(plainText(caption, parseMode))
	kb, err := parseKeyboard(rq.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	return s.edit(rq, func(m *wireMessage) (Sent, *apiError) {
		switch {
		case m.Text != "" || (m.Photo == nil && m.Document == nil && m.Video == nil && m.Audio == nil && m.Voice == nil):
			return Sent{}, errNoCaptionToEdit
		case m.Caption == visible && sameKeyboard(m.ReplyMarkup, kb):
			return Sent{}, errNotModified
		}
		m.Caption, m.ReplyMarkup = visible, kb
		return Sent{Method: "editMessageCaption", Caption: caption, ParseMode: parseMode, Keyboard: buttons(kb)}, nil
	})
}

func (s *Server) editMessageReplyMarkup(rq *request) (any, *apiError) {
	kb, err := parseKeyboard(rq.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	return s.edit(rq, func(m *wireMessage) (Sent, *apiError) {
		if sameKeyboard(m.ReplyMarkup, kb) {
			return Sent{}, errNotModified
		}
		m.ReplyMarkup = kb
		return Sent{Method: "editMessageReplyMarkup", Keyboard: buttons(kb)}, nil
	})
}

// edit finds the bot's message named by chat_id and message_id, applies
// change to a copy, and on success stores it and records the edit as Sent.
// Inline messages (inline_message_id) are not supported.
func (s *Server) edit(rq *request, change func(*wireMessage) (Sent, *apiError)) (any, *apiError) {
	id := rq.number("message_id")
	if id == 0 {
		return nil, errNoMessageID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.targetLocked(rq.str("chat_id"))
	if err != nil {
		return nil, err
	}
	m := c.messages[id]
	switch {
	case m == nil:
		return nil, errEditNotFound
	case !s.fromBot(m):
		return nil, errCantEdit
	}
	edited := *m
	sent, err := change(&edited)
	if err != nil {
		return nil, err
	}
	if err := s.admitLocked(c); err != nil {
		return nil, err
	}
	edited.EditDate = s.now().Unix()
	*m = edited
	sent.ChatID, sent.MessageID, sent.At = c.id, id, s.now()
	s.recordLocked(sent)
	return snapshot(m), nil
}

func (s *Server) answerCallbackQuery(rq *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[rq.str("callback_query_id")]
	if cb == nil || cb.answered {
		return nil, errQueryTooOld
	}
	cb.answered = true
	cb.answer = CallbackAnswer{Text: rq.str("text"), ShowAlert: rq.flag("show_alert"), URL: rq.str("url")}
	s.stats.AnsweredCallbacks++
	return true, nil
}

// chatActions are the actions sendChatAction accepts.
var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

// sendChatAction checks the chat like a send but is not flood-controlled
// and delivers no message: Telegram's message limits do not count actions.
func (s *Server) sendChatAction(rq *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.targetLocked(rq.str("chat_id")); err != nil {
		return nil, err
	}
	if !chatActions[rq.str("action")] {
		return nil, errWrongAction
	}
	s.stats.ChatActions++
	return true, nil
}

// checkText validates a message text and returns what the message shows.
func checkText(text, parseMode string) (string, *apiError) {
	if !utf8.ValidString(text) {
		return "", errNotUTF8
	}
	visible := strings.TrimSpace(plainText(text, parseMode))
	switch n := utf16Len(visible); {
	case n == 0:
		return "", errTextEmpty
	case n > maxTextLen:
		return "", errTextTooLong
	}
	return visible, nil
}

func checkCaption(caption, parseMode string) *apiError {
	if !utf8.ValidString(caption) {
		return errNotUTF8
	}
	if utf16Len(strings.TrimSpace(plainText(caption, parseMode))) > maxCaptionLen {
		return errCaptionTooLong
	}
	return nil
}

// utf16Len counts s the way Telegram does, in UTF-16 code units: characters
// outside the Basic Multilingual Plane, such as most emoji, count 2.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// plainText removes HTML markup (parse_mode HTML) the way entity parsing
// does before lengths are checked. Markdown is counted as written, which
// over-counts its markup characters.
func plainText(text, parseMode string) string {
	if !strings.EqualFold(parseMode, "HTML") {
		return text
	}
	var b strings.Builder
	inTag := false
	for _, r := range text {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String())
}

// parseKeyboard parses reply_markup. Only inline keyboards are kept (they
// are what a message shows and echoes); reply keyboards, keyboard removal
// and force_reply are accepted and ignored. An empty inline keyboard is no
// keyboard.
func parseKeyboard(raw string) (*inlineKeyboard, *apiError) {
	if raw == "" {
		return nil, nil
	}
	var markup struct {
		InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
		Keyboard       json.RawMessage  `json:"keyboard"`
		RemoveKeyboard bool             `json:"remove_keyboard"`
		ForceReply     bool             `json:"force_reply"`
	}
	if json.Unmarshal([]byte(raw), &markup) != nil {
		return nil, errMarkupJSON
	}
	if markup.InlineKeyboard == nil {
		if markup.Keyboard == nil && !markup.RemoveKeyboard && !markup.ForceReply {
			return nil, errMarkupJSON
		}
		return nil, nil
	}
	count := 0
	for _, row := range markup.InlineKeyboard {
		for _, b := range row {
			if err := checkButton(b); err != nil {
				return nil, err
			}
		}
		count += len(row)
	}
	if count == 0 {
		return nil, nil
	}
	return &inlineKeyboard{InlineKeyboard: markup.InlineKeyboard}, nil
}

// forceReply is a ForceReply reply_markup: the client opens a reply to the
// message (for selective: only for the users it targets).
type forceReply struct {
	ForceReply bool `json:"force_reply"`
	Selective  bool `json:"selective"`
}

// parseForceReply reads a force_reply markup; parseKeyboard has checked
// the JSON. A markup that also has an inline keyboard is an inline
// keyboard: a message shows one kind of markup.
func parseForceReply(raw string) forceReply {
	var f struct {
		forceReply
		InlineKeyboard json.RawMessage `json:"inline_keyboard"`
	}
	if raw == "" || json.Unmarshal([]byte(raw), &f) != nil || f.InlineKeyboard != nil {
		return forceReply{}
	}
	return f.forceReply
}

func checkButton(b inlineButton) *apiError {
	switch {
	case b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > maxCallbackDataLen):
		return errButtonData
	case !b.hasAction():
		return errTextButton
	}
	return nil
}

func sameKeyboard(a, b *inlineKeyboard) bool {
	return string(snapshot(a)) == string(snapshot(b))
}

func buttons(kb *inlineKeyboard) [][]Button {
	if kb == nil {
		return nil
	}
	rows := make([][]Button, 0, len(kb.InlineKeyboard))
	for _, row := range kb.InlineKeyboard {
		out := make([]Button, 0, len(row))
		for _, b := range row {
			out = append(out, Button{Text: b.Text, Data: deref(b.CallbackData), URL: deref(b.URL)})
		}
		rows = append(rows, out)
	}
	return rows
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
