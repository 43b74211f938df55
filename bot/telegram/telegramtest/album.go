package telegramtest

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Errors of sendMediaGroup, as the Bot API words them.
var (
	errMediaJSON      = badRequest("can't parse media JSON object")
	errAlbumSize      = badRequest("wrong number of media items")
	errAlbumTooLarge  = badRequest("too much messages to send as an album")
	errAlbumMediaType = badRequest("wrong type of the media")
)

// sendMediaGroup sends 2 to 10 photos (or videos, documents) as one album:
// each item a message of its own with its caption (at most 1024 units),
// files uploaded as attach://<field> or re-sent by file_id. Like Telegram,
// the album is all or nothing, takes no reply_markup (buttons cannot go
// under an album), and is admitted by flood control as one send.
func (s *Server) sendMediaGroup(rq *request) (any, *apiError) {
	chatRef := rq.str("chat_id")
	if chatRef == "" {
		return nil, errChatIDEmpty
	}
	var items []struct {
		Type    string `json:"type"`
		Media   string `json:"media"`
		Caption string `json:"caption"`
	}
	if json.Unmarshal([]byte(rq.str("media")), &items) != nil {
		return nil, errMediaJSON
	}
	switch {
	case len(items) < 2:
		return nil, errAlbumSize
	case len(items) > 10:
		return nil, errAlbumTooLarge
	}
	type item struct {
		kind    fileKind
		caption string
		upload  *upload
		fileID  string
	}
	var album []item
	for _, it := range items {
		var kind fileKind
		switch it.Type {
		case "photo":
			kind = kindPhoto
		case "video":
			kind = kindVideo
		case "document":
			kind = kindDocument
		case "audio":
			kind = kindAudio
		default:
			return nil, errAlbumMediaType
		}
		if err := checkCaption(it.Caption, rq.str("parse_mode")); err != nil {
			return nil, err
		}
		a := item{kind: kind, caption: it.Caption}
		if field, ok := strings.CutPrefix(it.Media, "attach://"); ok {
			u, found := rq.uploads[field]
			if !found {
				return nil, errNoFile(it.Type)
			}
			a.upload = &u
		} else if a.fileID = it.Media; a.fileID == "" {
			return nil, errNoFile(it.Type)
		}
		album = append(album, a)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.targetLocked(chatRef)
	if err != nil {
		return nil, err
	}
	for _, a := range album {
		if a.fileID != "" && s.files[a.fileID] == nil {
			return nil, errWrongFileID
		}
	}
	if err := s.admitLocked(c); err != nil {
		return nil, err
	}
	s.albums++
	group := strconv.Itoa(s.albums)
	var out []json.RawMessage
	for _, a := range album {
		file := s.files[a.fileID]
		if a.upload != nil {
			file = s.addFileLocked(a.kind, a.upload.name, uploadMIME(a.kind, a.upload), a.upload.data)
		}
		m := s.newMessageLocked(c, s.bot)
		m.Caption = strings.TrimSpace(plainText(a.caption, rq.str("parse_mode")))
		m.MediaGroupID = group
		attach(m, a.kind, file)
		sent := Sent{Method: "sendMediaGroup", ChatID: c.id, MessageID: m.MessageID, Caption: a.caption,
			ParseMode: rq.str("parse_mode"), FileID: file.id, FileData: file.data, At: s.now()}
		if a.upload != nil {
			sent.FileName, sent.ContentType = a.upload.name, a.upload.contentType
		}
		s.recordLocked(sent)
		out = append(out, snapshot(m))
	}
	return out, nil
}
