package whatsapp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// Limits. WhatsApp accepts texts of about 65,536 characters; lapor keeps
// Telegram's 4096 and 1024 (UTF-16 code units) so a message reads and
// splits the same on both channels.
const (
	maxText    = 4096
	maxCaption = 1024
	maxMedia   = 16 << 20 // larger images and videos go as documents
)

// Retry delays for the server's refusals (reference/whatsmeow.md §9.2–9.3).
const (
	rateLimitWait = 30 * time.Second
	timelockWait  = 6 * time.Hour
	// notInGroupWait is how long a group the account is not (or no
	// longer) in waits before its next message is tried: until an admin
	// adds the number back, its desk's cards wait, in order, instead of
	// all being failed by one refusal.
	notInGroupWait = 15 * time.Minute
)

// menuHint introduces the numbered list that replaces buttons.
const menuHint = "Balas dengan angka:"

// menu renders buttons as a numbered list, numbering row by row, left to
// right, from 1: the order of flows.Outbound.Choices, by which flows maps
// a bare number back to a button.
func menu(rows [][]flows.Button) string {
	var b strings.Builder
	n := 0
	for _, row := range rows {
		for _, btn := range row {
			n++
			if n == 1 {
				b.WriteString("\n\n" + menuHint)
			}
			fmt.Fprintf(&b, "\n%d. %s", n, btn.Label)
		}
	}
	return b.String()
}

// join appends a menu to a text; a menu alone loses its leading blank line.
func join(text, menu string) string {
	if text == "" {
		return strings.TrimPrefix(menu, "\n\n")
	}
	return text + menu
}

// Split implements bot.Channel. A file goes first, with the text (and the
// menu) as its caption when they fit in 1024 units; otherwise the text
// follows in messages of at most 4096 units. Buttons become a numbered
// menu at the end of the last part (or a part of its own when the last
// one is full); the reply quotes from the first part.
func (ch *Channel) Split(msg flows.Outbound, file *bot.File) []bot.Part {
	var parts []bot.Part
	text, m := msg.Text, menu(msg.Buttons)
	if file != nil {
		p := bot.Part{File: file}
		if c := join(text, m); bot.UTF16Len(c) <= maxCaption {
			p.Text, p.Caption, text, m = c, c != "", "", ""
		}
		parts = append(parts, p)
	}
	if text != "" || m != "" || file == nil {
		chunks := bot.SplitText(text, maxText)
		if m != "" {
			last := len(chunks) - 1
			if j := join(chunks[last], m); bot.UTF16Len(j) <= maxText {
				chunks[last] = j
			} else {
				chunks = append(chunks, bot.SplitText(join("", m), maxText)...)
			}
		}
		for _, c := range chunks {
			parts = append(parts, bot.Part{Text: c})
		}
	}
	parts[0].ReplyTo = msg.ReplyTo
	return parts
}

// MessageID is the WhatsApp message id of the part with the given key:
// "3EB0" and the upper-case hex of the first 9 bytes of
// SHA-256(secret, 0, key), the shape of the ids WhatsApp clients make. The
// same key always gives the same id, so a part sent again after a crash or
// a timeout carries its first id and is not shown twice.
func (ch *Channel) MessageID(key string) types.MessageID {
	h := sha256.New()
	h.Write([]byte(ch.o.Secret))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return "3EB0" + strings.ToUpper(hex.EncodeToString(h.Sum(nil)[:9]))
}

// Send implements bot.Channel.
func (ch *Channel) Send(ctx context.Context, chatID string, p bot.Part) error {
	to, err := types.ParseJID(chatID)
	if err != nil || to.User == "" || to.Server == "" {
		return &bot.SendError{Err: errors.New("whatsapp: malformed chat id"), Permanent: true}
	}
	c := ch.client()
	if c == nil {
		return errors.New("whatsapp: no client yet")
	}
	ctx, cancel := context.WithTimeout(ctx, ch.o.SendTimeout)
	defer cancel()
	msg, err := build(ctx, c, to, p)
	if err != nil {
		return classify(err)
	}
	_, err = c.SendMessage(ctx, to, msg, whatsmeow.SendRequestExtra{ID: ch.MessageID(p.Key)})
	if err != nil {
		ch.log.Debug("send failed", "key", p.Key, "err", err)
	}
	return classify(err)
}

// build makes the message of a part, uploading its file first.
func build(ctx context.Context, c Client, to types.JID, p bot.Part) (*waE2E.Message, error) {
	ci := quote(to, p.ReplyTo)
	if p.File == nil {
		if ci == nil {
			return &waE2E.Message{Conversation: proto.String(p.Text)}, nil
		}
		return &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(p.Text), ContextInfo: ci}}, nil
	}
	f := p.File
	var caption *string
	if p.Caption && p.Text != "" {
		caption = proto.String(p.Text)
	}
	kind := mediaKind(f)
	// whatsmeow encrypts the whole file in memory before it uploads it.
	data, err := f.Bytes(ctx)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: read the file: %w", err)
	}
	up, err := c.Upload(ctx, data, kind)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: upload: %w", err)
	}
	mime := or(f.MIME, "application/octet-stream")
	switch kind {
	case whatsmeow.MediaImage:
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			Caption: caption, Mimetype: proto.String(mime), ContextInfo: ci,
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}, nil
	case whatsmeow.MediaVideo:
		return &waE2E.Message{VideoMessage: &waE2E.VideoMessage{
			Caption: caption, Mimetype: proto.String(mime), ContextInfo: ci,
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}, nil
	case whatsmeow.MediaAudio:
		voice := flows.Kind(f.Kind) == flows.KindVoice
		if voice {
			mime = "audio/ogg; codecs=opus" // what WhatsApp plays as a voice note
		}
		// An audio message has no caption: a caption becomes a text part.
		return &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
			PTT: proto.Bool(voice), Mimetype: proto.String(mime), ContextInfo: ci,
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}, nil
	}
	name := or(f.Name, "lampiran"+ext(mime, ""))
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		Caption: caption, Mimetype: proto.String(mime), FileName: proto.String(name), Title: proto.String(name), ContextInfo: ci,
		URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
		FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
	}}, nil
}

// mediaKind chooses how a file is sent: images WhatsApp shows inline
// (JPEG, PNG) and MP4 videos up to 16 MiB as such, voice notes and audio
// as audio, everything else as a document.
func mediaKind(f *bot.File) whatsmeow.MediaType {
	mime, _, _ := strings.Cut(strings.ToLower(f.MIME), ";")
	mime = strings.TrimSpace(mime)
	switch flows.Kind(f.Kind) {
	case flows.KindVoice, flows.KindAudio:
		return whatsmeow.MediaAudio
	case flows.KindVideo:
		if mime == "video/mp4" && f.Len() <= maxMedia {
			return whatsmeow.MediaVideo
		}
		return whatsmeow.MediaDocument
	}
	if (mime == "image/jpeg" || mime == "image/png") && f.Len() <= maxMedia &&
		(flows.Kind(f.Kind) == flows.KindPhoto || f.Kind == "") {
		return whatsmeow.MediaImage
	}
	return whatsmeow.MediaDocument
}

// quote is the ContextInfo that makes a message a reply to replyTo, an
// inbound MessageID: the WhatsApp id, and in groups "|" and the quoted
// sender's JID.
func quote(to types.JID, replyTo string) *waE2E.ContextInfo {
	if replyTo == "" {
		return nil
	}
	id, participant, _ := strings.Cut(replyTo, "|")
	if participant == "" && to.Server != types.GroupServer {
		participant = to.String() // in a private chat, the other person wrote it
	}
	ci := &waE2E.ContextInfo{StanzaID: proto.String(id), QuotedMessage: &waE2E.Message{Conversation: proto.String("")}}
	if participant != "" {
		ci.Participant = proto.String(participant)
	}
	return ci
}

// classify tells the dispatcher what a send error means
// (reference/whatsmeow.md §6, §9.2, §9.3):
//   - 429 rate-overlimit: the whole account waits 30 s (limits are per
//     number, see pause.go);
//   - 463, the reach-out timelock on an account WhatsApp restricts: the
//     whole account waits hours; no chat is blocked: the citizen did
//     nothing and the lock passes;
//   - we are not (or no longer) in the group: that group waits 15 minutes
//     and is tried again (an admin may add the number back; WhatsApp may
//     have answered from stale group data), its cards kept in order;
//   - the group is gone: Blocked;
//   - a recipient WhatsApp never accepts (a device JID, an unknown server, a
//     broadcast list) or a malformed request (400): Permanent;
//   - anything else (not connected, timeouts, a dropped socket, a device
//     not logged in, server errors): a plain, transient error.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *bot.SendError
	if errors.As(err, &se) {
		return err
	}
	code := serverCode(err)
	switch {
	case errors.Is(err, whatsmeow.ErrIQRateOverLimit), code == 429, strings.Contains(err.Error(), "rate-overlimit"):
		return &bot.SendError{Err: err, RetryAfter: rateLimitWait, Account: true}
	case code == 463:
		return &bot.SendError{Err: err, RetryAfter: timelockWait, Account: true}
	case errors.Is(err, whatsmeow.ErrNotInGroup):
		return &bot.SendError{Err: err, RetryAfter: notInGroupWait}
	case errors.Is(err, whatsmeow.ErrGroupNotFound):
		return &bot.SendError{Err: err, Blocked: true}
	case errors.Is(err, whatsmeow.ErrRecipientADJID), errors.Is(err, whatsmeow.ErrUnknownServer),
		errors.Is(err, whatsmeow.ErrBroadcastListUnsupported), errors.Is(err, whatsmeow.ErrInvalidInlineBotID),
		code == 400:
		return &bot.SendError{Err: err, Permanent: true}
	}
	return err
}

// serverCode is the code of "server returned error N", or 0.
func serverCode(err error) int {
	if !errors.Is(err, whatsmeow.ErrServerReturnedError) {
		return 0
	}
	s := err.Error()
	i := strings.LastIndex(s, whatsmeow.ErrServerReturnedError.Error())
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+len(whatsmeow.ErrServerReturnedError.Error()):])
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimRight(f[0], ":,;"))
	return n
}
