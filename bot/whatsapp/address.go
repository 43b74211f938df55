package whatsapp

import (
	"context"
	"errors"
	"strings"

	"go.mau.fi/whatsmeow/types"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// storeMerging stores r in the inbox, merging the number's chat into the
// LID's when r shows both (mergeAddresses). While a worker is handling one
// of the number's messages the merge would have to wait for it, and the
// event handler, which takes WhatsApp's events one at a time, must not:
// r then goes to the number's chat, behind the messages being handled, and
// a later message makes the merge.
func (ch *Channel) storeMerging(ctx context.Context, r bot.Received) (int, error) {
	n, err := ch.inbox.StoreWith(ctx, Name, []bot.Received{r}, mergeAddresses(ctx, r.Message))
	if !errors.Is(err, store.ErrChatBusy) {
		return n, err
	}
	if !r.Message.IsGroup {
		r = underNumber(r)
	}
	return ch.inbox.Store(ctx, Name, []bot.Received{r})
}

// underNumber is a private message keyed by the sender's phone number
// instead of their LID.
func underNumber(r bot.Received) bot.Received {
	pn, lid := r.Message.Username, r.Message.ChatID
	r.ExternalID = pn + strings.TrimPrefix(r.ExternalID, lid)
	r.Message.ChatID, r.Message.UserID = pn, pn
	return r
}

// mergeAddresses is what must happen, in the transaction that stores msg,
// because msg shows a person's LID and phone number together: the chat and
// person the number was known as until now become the LID's (see the
// package comment). A citizen's first message from a number whose LID
// WhatsApp has not told us yet is keyed by the number; once WhatsApp knows
// the LID (the bot's reply makes it look the number up), the next message
// comes under the LID, and without the merge the draft would restart and
// the history split. The merge is a no-op when the number has no chat, so
// it costs one lookup per message that carries both addresses. nil when
// msg does not carry both.
func mergeAddresses(ctx context.Context, msg flows.Inbound) func(*store.Tx) error {
	lid, err := types.ParseJID(msg.UserID)
	if err != nil || lid.Server != types.HiddenUserServer || msg.Username == "" {
		return nil
	}
	pn, err := types.ParseJID(msg.Username)
	if err != nil || pn.Server != types.DefaultUserServer {
		return nil
	}
	from, to := pn.ToNonAD().String(), lid.ToNonAD().String()
	return func(tx *store.Tx) error {
		_, err := tx.MergeChat(ctx, Name, from, to)
		return err
	}
}
