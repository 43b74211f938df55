// Package flows is what lapor does, independent of any chat platform: the
// citizen's intake conversation, status lookups, and (in later issues) the
// SOP's case workflow and officers' commands, with every text a citizen or
// an officer reads, in Bahasa Indonesia first and English.
//
// Channels (bot/...) translate platform updates into Inbound messages and
// deliver Outbound ones; one transcript test therefore runs on every channel.
package flows

import (
	"errors"
	"math"
	"strings"
	"time"
)

// Kind says what an inbound message carries.
type Kind string

// Kinds of inbound messages.
const (
	KindText        Kind = "text"
	KindCommand     Kind = "command"
	KindButton      Kind = "button"
	KindPhoto       Kind = "photo"
	KindDocument    Kind = "document"
	KindVideo       Kind = "video"
	KindVoice       Kind = "voice"
	KindAudio       Kind = "audio"
	KindLocation    Kind = "location"
	KindEdited      Kind = "edited"      // a correction of an earlier message
	KindUnsupported Kind = "unsupported" // stickers, polls, contacts, ...
	KindMembership  Kind = "membership"  // the bot was added to or removed from a chat
)

// IsFile reports whether the kind carries a file.
func (k Kind) IsFile() bool {
	switch k {
	case KindPhoto, KindDocument, KindVideo, KindVoice, KindAudio:
		return true
	}
	return false
}

// Inbound is one message from a chat, in channel-neutral form. It is what
// the inbox stores.
type Inbound struct {
	Channel   string    `json:"channel"`
	ChatID    string    `json:"chat_id"`
	IsGroup   bool      `json:"is_group,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
	UserID    string    `json:"user_id,omitempty"`
	UserName  string    `json:"user_name,omitempty"` // display name
	Username  string    `json:"username,omitempty"`  // platform handle
	Kind      Kind      `json:"kind"`
	Text      string    `json:"text,omitempty"`    // text, a file's caption, or a command's arguments
	Command   string    `json:"command,omitempty"` // lower case, without "/" and "@bot"
	Button    string    `json:"button,omitempty"`  // data of the pressed button
	File      *FileRef  `json:"file,omitempty"`
	Location  *Location `json:"location,omitempty"`
	What      string    `json:"what,omitempty"` // for unsupported kinds: "sticker", "poll", ...
	// ReplyToText is the text of the message this one replies to (a card,
	// a question), which names the report it is about.
	ReplyToText string `json:"reply_to_text,omitempty"`
	ChatTitle   string `json:"chat_title,omitempty"`
	// NumberedMenus says the channel shows buttons as a numbered list, so
	// a bare number answers the last list the chat was offered.
	NumberedMenus bool      `json:"numbered_menus,omitempty"`
	At            time.Time `json:"at"`

	// ReplyToBot says the message replied to is a bot's (Telegram tells;
	// other channels leave it false).
	ReplyToBot bool `json:"reply_to_bot,omitempty"`
}

// Clean makes a message safe to store and to show: no NUL characters
// anywhere (PostgreSQL's JSON refuses them, which would stop a channel),
// no invalid UTF-8, and names without control or direction-override
// characters (U+202E would turn around the text officers read after a
// name). The text keeps its line breaks; the conversation cleans it
// further where it reads it.
func (m *Inbound) Clean() {
	noNUL := func(s string) string { return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "") }
	m.ChatID, m.MessageID, m.UserID = noNUL(m.ChatID), noNUL(m.MessageID), noNUL(m.UserID)
	m.Text, m.Command, m.Button, m.What = noNUL(m.Text), noNUL(m.Command), noNUL(m.Button), noNUL(m.What)
	m.ReplyToText = noNUL(m.ReplyToText)
	m.UserName, m.Username, m.ChatTitle = cleanText(m.UserName), cleanText(m.Username), cleanText(m.ChatTitle)
	if l := m.Location; l != nil && (math.IsNaN(l.Lat) || math.IsNaN(l.Lon) || math.IsInf(l.Lat, 0) || math.IsInf(l.Lon, 0) ||
		l.Lat < -90 || l.Lat > 90 || l.Lon < -180 || l.Lon > 180) {
		// No place on Earth (and not storable as JSON): refused as such.
		m.Location, m.Kind, m.What = nil, KindUnsupported, "location"
	}
	if m.File != nil {
		f := *m.File
		f.ID, f.Name, f.MIME = noNUL(f.ID), cleanText(f.Name), noNUL(f.MIME)
		m.File = &f
	}
}

// FileRef points at a file still on the platform.
type FileRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	MIME string `json:"mime,omitempty"`
	Size int64  `json:"size,omitempty"` // as the platform reported it; 0 if unknown
}

// Location is a shared map pin.
type Location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Outbound is one message to a chat, in channel-neutral form. It is what the
// outbox stores; channels split it to fit their platform's limits.
type Outbound struct {
	Text    string     `json:"text"`
	Buttons [][]Button `json:"buttons,omitempty"`
	ReplyTo string     `json:"reply_to,omitempty"`
	// AttachmentID names a stored attachment to send, with Text as caption.
	AttachmentID int64 `json:"attachment_id,omitempty"`
	// FileName is the name the attachment goes under: the one the privacy
	// table allows where the message goes (an anonymous report's files
	// reach an agency as bukti-1.jpg). Without it the dispatcher uses a
	// neutral name, never the sender's.
	FileName string `json:"file_name,omitempty"`
	// DocumentID names a file lapor made (an export, a printout, a chart)
	// to send, with Text as caption.
	DocumentID int64 `json:"document_id,omitempty"`
	// StripMetadata asks the channel to remove EXIF/GPS and other metadata
	// from an image before sending it; an image that cannot be cleaned is
	// not sent.
	StripMetadata bool `json:"strip_metadata,omitempty"`
	// ForceReply marks a prompt the officer answers by replying to it: on
	// Telegram the app of the person it replies to opens a reply by
	// itself (force_reply, selective), which a group in privacy mode needs
	// to deliver the typed answer. Ignored with Buttons, and elsewhere.
	ForceReply bool `json:"force_reply,omitempty"`
	// Card says this message is the card (report_cards row) of a report
	// in a desk: the dispatcher records the platform's id of the message
	// that carries its buttons, so the card can be edited in place later.
	Card int64 `json:"card,omitempty"`
	// EditCard makes the message an edit of that card in place: Text and
	// Buttons replace what the card shows. EditSeq numbers the edit; one
	// older than the card's newest is dropped when its turn comes.
	EditCard int64 `json:"edit_card,omitempty"`
	EditSeq  int64 `json:"edit_seq,omitempty"`
	// ReplyToCard makes the message a reply to that card's message, its
	// platform id looked up when the message is sent (the card may not
	// have gone out when this was written).
	ReplyToCard int64 `json:"reply_to_card,omitempty"`
	// Album sends 2 to 10 stored photos together, right before a card (a
	// Telegram media group; one by one where a channel has no albums),
	// each under its caption, cleaned like StripMetadata says.
	Album []AlbumItem `json:"album,omitempty"`
}

// AlbumItem is one photo of an album.
type AlbumItem struct {
	AttachmentID int64  `json:"attachment_id"`
	FileName     string `json:"file_name,omitempty"`
	Caption      string `json:"caption,omitempty"`
}

// Choices flattens a message's buttons in display order (row by row, left
// to right): the order a numbered menu shows them in.
func (o Outbound) Choices() []string {
	var out []string
	for _, row := range o.Buttons {
		for _, b := range row {
			out = append(out, b.Data)
		}
	}
	return out
}

// Button is one choice under a message.
type Button struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// ErrFileTooBig is returned by a FileFetcher when the platform refuses to
// hand the bot a file because of its size; the citizen is told so.
var ErrFileTooBig = errors.New("flows: file is too big to download")

// ErrFetchBusy is returned by a FileFetcher that will not start another
// download now (its downloads are all under way). The message is put back
// for a moment, its attempt not counted, and its chat waits for it.
var ErrFetchBusy = errors.New("flows: downloads busy")
