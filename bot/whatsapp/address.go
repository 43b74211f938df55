package whatsapp

import (
	"context"

	"go.mau.fi/whatsmeow/types"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

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
