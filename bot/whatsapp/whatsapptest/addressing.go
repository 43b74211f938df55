package whatsapptest

import (
	"context"
	"sync"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot/whatsapp"
)

// addressing is what WhatsApp and the linked device know of people's two
// addresses: every person has a phone number and, on WhatsApp's servers,
// a LID; the device's LID map (whatsmeow's whatsmeow_lid_map) learns a
// pair only when an event carries both or a send to the number makes
// whatsmeow look the LID up (since whatsmeow 4f8f64e0 every private send
// to a number goes to its LID, fetched from the server when unknown).
type addressing struct {
	mu      sync.Mutex
	server  map[string]string // number → LID user, what WhatsApp's servers know
	known   map[string]string // number → LID user, the device's LID map
	noAlt   map[string]bool   // numbers whose LID-addressed events carry no SenderAlt
	lookups int               // GetLIDForPN/GetPNForLID calls
}

func (a *addressing) init() {
	if a.server == nil {
		a.server, a.known, a.noAlt = map[string]string{}, map[string]string{}, map[string]bool{}
	}
}

var _ whatsapp.LIDResolver = (*Fake)(nil)

// GiveLID gives the person with number (digits, "6281…") the LID lid
// (digits) on WhatsApp's servers. The device does not know it yet: the
// person's messages come from the number until it learns it.
func (f *Fake) GiveLID(number, lid string) {
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	f.addr.init()
	f.addr.server[number] = lid
}

// LearnLID makes the device's LID map learn number's LID, as a send to
// the number or an event carrying both addresses does.
func (f *Fake) LearnLID(number string) {
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	f.addr.init()
	if lid, ok := f.addr.server[number]; ok {
		f.addr.known[number] = lid
	}
}

// WithoutSenderAlt makes the LID-addressed events of number carry no
// SenderAlt, as WhatsApp sometimes delivers them (whatsmeow#1014): the
// channel must find the number in the LID map.
func (f *Fake) WithoutSenderAlt(number string) {
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	f.addr.init()
	f.addr.noAlt[number] = true
}

// LIDJID is the JID of a LID ("…@lid").
func LIDJID(lid string) string { return types.NewJID(lid, types.HiddenUserServer).String() }

// Address is the chat JID the person with number is reached at now, as the
// device knows them: their LID once the device's LID map has it, their
// phone number before.
func (f *Fake) Address(number string) string {
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	if lid, ok := f.addr.known[number]; ok {
		return LIDJID(lid)
	}
	return UserJID(number)
}

// learnOnSend is what whatsmeow's SendMessage does with a private chat
// given by phone number: it looks the LID up (from the server when the LID
// map lacks it), stores the pair and sends to the LID.
func (f *Fake) learnOnSend(to types.JID) {
	if to.Server != types.DefaultUserServer {
		return
	}
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	f.addr.init()
	if lid, ok := f.addr.server[to.User]; ok {
		f.addr.known[to.User] = lid
	}
}

// Lookups is how often the channel asked the LID map.
func (f *Fake) Lookups() int {
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	return f.addr.lookups
}

// GetLIDForPN implements the device's LID map (whatsapp.LIDResolver): an
// empty JID when the pair is not known, as whatsmeow's store answers.
func (f *Fake) GetLIDForPN(_ context.Context, pn types.JID) (types.JID, error) {
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	f.addr.lookups++
	if lid, ok := f.addr.known[pn.User]; ok && pn.Server == types.DefaultUserServer {
		return types.NewJID(lid, types.HiddenUserServer), nil
	}
	return types.JID{}, nil
}

// GetPNForLID implements the device's LID map (whatsapp.LIDResolver).
func (f *Fake) GetPNForLID(_ context.Context, lid types.JID) (types.JID, error) {
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	f.addr.lookups++
	for number, l := range f.addr.known {
		if l == lid.User && lid.Server == types.HiddenUserServer {
			return types.NewJID(number, types.DefaultUserServer), nil
		}
	}
	return types.JID{}, nil
}

// addressed is how WhatsApp addresses a private message from the person
// with number now: chat and sender, and the sender's other address.
func (f *Fake) addressed(number string) (chat, sender, alt string) {
	f.addr.mu.Lock()
	defer f.addr.mu.Unlock()
	lid, known := f.addr.known[number]
	switch {
	case !known:
		return UserJID(number), UserJID(number), ""
	case f.addr.noAlt[number]:
		return LIDJID(lid), LIDJID(lid), ""
	}
	return LIDJID(lid), LIDJID(lid), UserJID(number)
}

// withAlt sets a message event's SenderAlt.
func withAlt(evt any, alt string) any {
	if alt != "" {
		e := evt.(*events.Message)
		e.Info.SenderAlt, _ = types.ParseJID(alt)
	}
	return evt
}

// From is a private message from the person with number, addressed as
// WhatsApp addresses it now: from the phone number while the device does
// not know the LID; from the LID, with the number as SenderAlt (unless
// WithoutSenderAlt), once it does.
func (f *Fake) From(number string, m *waE2E.Message) any {
	chat, sender, alt := f.addressed(number)
	return withAlt(f.event(chat, sender, m), alt)
}

// TextFrom is a private text from the person with number (see From).
func (f *Fake) TextFrom(number, text string) any {
	return f.From(number, &waE2E.Message{Conversation: proto.String(text)})
}

// ImageFrom is a private photo from the person with number (see From).
func (f *Fake) ImageFrom(number string, data []byte, caption string) any {
	chat, sender, alt := f.addressed(number)
	return withAlt(f.Image(chat, sender, data, caption), alt)
}

// SentTo is what the bot sent to the person with number, under either
// address, in order: their phone shows one chat whatever address the bot
// used, so a split on lapor's side shows as messages under both.
func (f *Fake) SentTo(number string) []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sentToLocked(number)
}

func (f *Fake) sentToLocked(number string) []Sent {
	f.addr.mu.Lock()
	lid := f.addr.server[number]
	f.addr.mu.Unlock()
	got := append([]Sent(nil), f.sent[UserJID(number)]...)
	if lid != "" {
		got = append(got, f.sent[LIDJID(lid)]...)
	}
	return got
}

// WaitSentTo blocks until at least n messages went to the person with
// number (see SentTo).
func (f *Fake) WaitSentTo(ctx context.Context, number string, n int) ([]Sent, error) {
	for {
		f.mu.Lock()
		got, ch := f.sentToLocked(number), f.changed
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
