// Package whatsapptest plays WhatsApp for tests of lapor's WhatsApp
// channel: a fake client that records what the bot sends and serves media,
// and builders of the events whatsmeow would deliver, so a transcript can
// run through the channel's real event handler without a WhatsApp server.
// Its API speaks in strings, so callers need no whatsmeow types.
package whatsapptest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot/whatsapp"
)

// Sent is one message the bot sent.
type Sent struct {
	Chat    string // JID
	ID      string
	Text    string // text, or a file's caption
	File    []byte // an uploaded file, if any
	Quoting string // the id of the message it replies to
	// Edits is the id of the bot's message this one edits: its entry's
	// Text then shows the new text too (as WhatsApp's apps do, within
	// EditWindow of the original; later edits are recorded, not shown).
	Edits string
	At    time.Time
}

// EditWindow is how long after sending WhatsApp's apps apply an edit.
const EditWindow = 15 * time.Minute

// Fake is a WhatsApp server as the channel sees it.
type Fake struct {
	mu      sync.Mutex
	changed chan struct{}
	sent    map[string][]Sent
	media   map[string][]byte // by direct path
	lastUp  []byte
	n       int
	conn    connState  // the connection side (conn.go)
	addr    addressing // addressing.go
	fail    failures   // failures.go
}

var _ whatsapp.Client = (*Fake)(nil)

// New returns an empty fake.
func New() *Fake {
	return &Fake{changed: make(chan struct{}), sent: map[string][]Sent{}, media: map[string][]byte{}}
}

func (f *Fake) broadcast() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// SendMessage records a message (whatsapp.Client).
func (f *Fake) SendMessage(_ context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.learnOnSend(to)
	delivered, fail := f.sendFails(to) // failures.go
	if fail != nil && !delivered {
		return whatsmeow.SendResponse{}, fail
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := Sent{Chat: to.String(), At: time.Now()}
	if len(extra) > 0 {
		s.ID = extra[0].ID
	}
	switch {
	case m.GetEditedMessage() != nil:
		pm := m.GetEditedMessage().GetMessage().GetProtocolMessage()
		s.Edits, s.Text = pm.GetKey().GetID(), pm.GetEditedMessage().GetConversation()
		for i := range f.sent[s.Chat] {
			if o := &f.sent[s.Chat][i]; o.ID == s.Edits && o.Edits == "" && s.At.Sub(o.At) <= EditWindow {
				o.Text = s.Text
			}
		}
	case m.GetConversation() != "":
		s.Text = m.GetConversation()
	case m.GetExtendedTextMessage() != nil:
		s.Text = m.GetExtendedTextMessage().GetText()
		s.Quoting = m.GetExtendedTextMessage().GetContextInfo().GetStanzaID()
	case m.GetImageMessage() != nil:
		s.Text, s.File = m.GetImageMessage().GetCaption(), f.lastUp
	case m.GetDocumentMessage() != nil:
		s.Text, s.File = m.GetDocumentMessage().GetCaption(), f.lastUp
	case m.GetVideoMessage() != nil:
		s.Text, s.File = m.GetVideoMessage().GetCaption(), f.lastUp
	case m.GetAudioMessage() != nil:
		s.File = f.lastUp
	}
	if !f.seenLocked(s) { // failures.go: the phone drops a repeated id
		f.sent[s.Chat] = append(f.sent[s.Chat], s)
		f.broadcast()
	}
	return whatsmeow.SendResponse{ID: s.ID, Timestamp: time.Now()}, fail
}

// Upload keeps a file for the next media message (whatsapp.Client).
func (f *Fake) Upload(_ context.Context, data []byte, _ whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	path := fmt.Sprintf("/v/upload/%d", f.n)
	f.media[path] = data
	f.lastUp = data
	sum := sha256.Sum256(data)
	return whatsmeow.UploadResponse{URL: "https://media.invalid" + path, DirectPath: path, MediaKey: sum[:],
		FileEncSHA256: sum[:], FileSHA256: sum[:], FileLength: uint64(len(data))}, nil
}

// SendMediaRetryReceipt accepts a re-upload request (whatsapp.Client).
func (f *Fake) SendMediaRetryReceipt(context.Context, *types.MessageInfo, []byte) error { return nil }

// Sent returns what the bot sent to a chat, in order.
func (f *Fake) Sent(chat string) []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Sent(nil), f.sent[chat]...)
}

// WaitSent blocks until at least n messages went to chat.
func (f *Fake) WaitSent(ctx context.Context, chat string, n int) ([]Sent, error) {
	for {
		f.mu.Lock()
		got, ch := append([]Sent(nil), f.sent[chat]...), f.changed
		f.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, ctx.Err()
		case <-ch:
		}
	}
}

// UserJID is the phone-number JID of a number ("6281…").
func UserJID(number string) string { return types.NewJID(number, types.DefaultUserServer).String() }

// GroupJID is the JID of a group id.
func GroupJID(id string) string { return types.NewJID(id, types.GroupServer).String() }

func (f *Fake) event(chat, sender string, m *waE2E.Message) any {
	c, _ := types.ParseJID(chat)
	s, _ := types.ParseJID(sender)
	f.mu.Lock()
	f.n++
	id := fmt.Sprintf("3A%014d", f.n)
	f.mu.Unlock()
	evt := &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: c, Sender: s, IsGroup: c.Server == types.GroupServer},
			ID:            id, PushName: "Warga " + s.User, Timestamp: time.Now(),
		},
		RawMessage: m,
	}
	return evt.UnwrapRaw()
}

// Text is a text message from sender in chat, as whatsmeow delivers it.
func (f *Fake) Text(chat, sender, text string) any {
	return f.event(chat, sender, &waE2E.Message{Conversation: proto.String(text)})
}

// Image is a photo from sender in chat whose file the fake serves.
func (f *Fake) Image(chat, sender string, data []byte, caption string) any {
	f.mu.Lock()
	f.n++
	path := fmt.Sprintf("/v/in/%d", f.n)
	f.media[path] = data
	f.mu.Unlock()
	sum := sha256.Sum256(data)
	return f.event(chat, sender, &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		Caption: proto.String(caption), Mimetype: proto.String("image/jpeg"), DirectPath: proto.String(path),
		URL: proto.String("https://media.invalid" + path), MediaKey: sum[:], FileSHA256: sum[:], FileEncSHA256: sum[:],
		FileLength: proto.Uint64(uint64(len(data))),
	}})
}

// Sticker is a sticker from sender in chat.
func (f *Fake) Sticker(chat, sender string) any {
	return f.event(chat, sender, &waE2E.Message{StickerMessage: &waE2E.StickerMessage{Mimetype: proto.String("image/webp")}})
}

// ViewOnce is a view-once photo from sender in chat.
func (f *Fake) ViewOnce(chat, sender string) any {
	evt := f.event(chat, sender, &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: &waE2E.Message{
		ImageMessage: &waE2E.ImageMessage{Mimetype: proto.String("image/jpeg"), ViewOnce: proto.Bool(true)}}}})
	return evt
}

// Poll is a poll from sender in chat.
func (f *Fake) Poll(chat, sender string) any {
	return f.event(chat, sender, &waE2E.Message{PollCreationMessage: &waE2E.PollCreationMessage{Name: proto.String("Setuju?"),
		Options: []*waE2E.PollCreationMessage_Option{{OptionName: proto.String("ya")}, {OptionName: proto.String("tidak")}}}})
}

// Reaction is an emoji reaction from sender to a message in chat.
func (f *Fake) Reaction(chat, sender, messageID string) any {
	c, _ := types.ParseJID(chat)
	return f.event(chat, sender, &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍"),
		Key: &waCommon.MessageKey{RemoteJID: proto.String(c.String()), ID: proto.String(messageID), FromMe: proto.Bool(true)}}})
}

// Contact is a contact card from sender in chat.
func (f *Fake) Contact(chat, sender string) any {
	return f.event(chat, sender, &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Pak RT"),
		Vcard: proto.String("BEGIN:VCARD\nFN:Pak RT\nTEL:+628111\nEND:VCARD")}})
}
