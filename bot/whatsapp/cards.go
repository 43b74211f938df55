package whatsapp

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot"
)

var (
	_ bot.IDSender   = (*Channel)(nil)
	_ bot.CardEditor = (*Channel)(nil)
)

// editWindow is how long after sending lapor edits a card in place.
// whatsmeow allows 20 minutes (whatsmeow.EditWindow); WhatsApp's apps
// offer edits for 15 and ignore later ones, so a minute of margin under
// that covers a clock that runs behind.
const editWindow = 14 * time.Minute

// SendID implements bot.IDSender: the id is the one derived from the
// part's key (MessageID), known before the send.
func (ch *Channel) SendID(ctx context.Context, chatID string, p bot.Part) (string, error) {
	if err := ch.Send(ctx, chatID, p); err != nil {
		return "", err
	}
	return string(ch.MessageID(p.Key)), nil
}

// EditCard implements bot.CardEditor. A text card younger than the edit
// window is edited in place (text and numbered menu); an older one, or a
// card that is a file's caption, gets a short message quoting it with the
// new state instead (the state line, without a menu: the chat's numbered
// menu stays the one it was offered last).
func (ch *Channel) EditCard(ctx context.Context, chatID string, card bot.SentCard, p bot.Part) error {
	to, err := types.ParseJID(chatID)
	if err != nil || to.User == "" || to.Server == "" {
		return errors.Join(bot.ErrEditGone, errors.New("whatsapp: malformed chat id"))
	}
	c := ch.client()
	if c == nil {
		return errors.New("whatsapp: no client yet")
	}
	ctx, cancel := context.WithTimeout(ctx, ch.o.SendTimeout)
	defer cancel()
	if card.Caption || card.Age > editWindow {
		state, _, _ := strings.Cut(p.Text, "\n\n")
		reply := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(state),
			ContextInfo: quote(to, card.MessageID)}}
		_, err = c.SendMessage(ctx, to, reply, whatsmeow.SendRequestExtra{ID: ch.MessageID(p.Key)})
		return classify(err)
	}
	content := &waE2E.Message{Conversation: proto.String(join(p.Text, menu(p.Buttons)))}
	at := card.SentAt.Add(card.Age) // now, by the dispatcher's clock
	_, err = c.SendMessage(ctx, to, editOf(to, types.MessageID(card.MessageID), content, at),
		whatsmeow.SendRequestExtra{ID: ch.MessageID(p.Key)})
	return classify(err)
}

// editOf is whatsmeow's Client.BuildEdit, without needing the client.
func editOf(chat types.JID, id types.MessageID, content *waE2E.Message, at time.Time) *waE2E.Message {
	return &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{
		ProtocolMessage: &waE2E.ProtocolMessage{
			Key:           &waCommon.MessageKey{FromMe: proto.Bool(true), ID: proto.String(string(id)), RemoteJID: proto.String(chat.String())},
			Type:          waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(),
			EditedMessage: content,
			TimestampMS:   proto.Int64(at.UnixMilli()),
		},
	}}}
}
