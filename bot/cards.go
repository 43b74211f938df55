package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// IDSender is a Channel that tells the platform's id of the message a send
// made. The dispatcher records it for a report's card (flows.Outbound.Card)
// so that the card can be edited in place later.
type IDSender interface {
	SendID(ctx context.Context, chatID string, p Part) (messageID string, err error)
}

// CardEditor is a Channel that can change a message it sent: a report's
// card, to show the report's current state and valid buttons.
type CardEditor interface {
	// EditCard replaces the text and buttons of the card's message with
	// p's. An edit the platform finds changes nothing is a success; one
	// it will never apply (the message is gone, too old to edit) returns
	// ErrEditGone, and is given up quietly.
	EditCard(ctx context.Context, chatID string, card SentCard, p Part) error
}

// SentCard is a card's message as the platform knows it.
type SentCard struct {
	MessageID string
	Caption   bool // the card is the caption of a file
	SentAt    time.Time
	Age       time.Duration // how long ago it was sent, by the dispatcher's clock
}

// ErrEditGone says a card can no longer be edited; the edit is dropped.
var ErrEditGone = errors.New("bot: the card's message can no longer be edited")

// sendPart sends one part of m, recording the card's message id when the
// part carries a card's buttons (the last part of a card).
func (d *Dispatcher) sendPart(ctx context.Context, m store.Outgoing, msg *flows.Outbound, p Part, last bool, log *slog.Logger) error {
	ids, ok := d.ch.(IDSender)
	if msg.Card == 0 || !last || !ok {
		return d.ch.Send(ctx, m.ChatID, p)
	}
	id, err := ids.SendID(ctx, m.ChatID, p)
	if err != nil {
		return err
	}
	if id != "" {
		if err := d.db.CardSent(ctx, msg.Card, id, p.Caption && p.File != nil, d.o.Now()); err != nil {
			// The card went out; only its later edits are lost.
			log.Warn("a card's message id was not recorded; it will not follow the report's state", "card", msg.Card, "err", err)
		}
	}
	return nil
}

// deliverEdit applies an edit of a card (flows.Outbound.EditCard). The
// edit comes after the card in the chat's order, so the card was sent (or
// failed) by now; an edit superseded by a newer one of the same card, or
// of a card that was never sent, is dropped.
func (d *Dispatcher) deliverEdit(ctx context.Context, m store.Outgoing, msg flows.Outbound, log *slog.Logger) {
	done := func() {
		d.record(ctx, d.marks.mark(m.ID, d.o.Now()))
		d.o.Meter.Delivery(Delivered)
	}
	ed, ok := d.ch.(CardEditor)
	if !ok {
		done()
		return
	}
	card, err := d.db.Card(ctx, msg.EditCard)
	switch {
	case errors.Is(err, store.ErrNotFound):
		done()
		return
	case err != nil:
		d.retry(ctx, m, err, log)
		return
	case card.EditSeq > msg.EditSeq:
		log.Debug("card edit superseded by a newer one", "card", card.ID)
		done()
		return
	case card.MessageID == "":
		log.Debug("card edit dropped: the card was never sent", "card", card.ID)
		done()
		return
	}
	if until := d.holdNow(); until.After(d.o.Now()) {
		d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, until, ""))
		return
	}
	leaseEnd := m.LeaseUntil
	if leaseEnd.IsZero() {
		leaseEnd = d.o.Now().Add(d.o.Lease)
	}
	at, ok, err := d.pace.wait(ctx, m.ChatID, d.ch.IsGroup(m.ChatID), d.o.Now, leaseEnd.Add(-2*time.Second))
	if err != nil {
		d.release(m)
		return
	}
	if !ok {
		d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, at, ""))
		return
	}
	p := Part{Key: strconv.FormatInt(m.ID, 10) + ".edit", Text: msg.Text, Buttons: msg.Buttons}
	err = ed.EditCard(context.WithoutCancel(ctx), m.ChatID, SentCard{MessageID: card.MessageID, Caption: card.Caption,
		SentAt: card.SentAt, Age: d.o.Now().Sub(card.SentAt)}, p)
	switch {
	case errors.Is(err, ErrEditGone):
		log.Debug("card edit given up: the platform will not apply it", "card", card.ID, "err", err)
	case err != nil:
		d.failed(ctx, m, err, log)
		return
	}
	done()
}

// replyToCard makes a message that answers a card (flows.Outbound.
// ReplyToCard) a reply to the card's message, now that it was sent. A card
// never sent leaves the message a plain one.
func (d *Dispatcher) replyToCard(ctx context.Context, msg *flows.Outbound) {
	if msg.ReplyToCard == 0 || msg.ReplyTo != "" {
		return
	}
	if card, err := d.db.Card(ctx, msg.ReplyToCard); err == nil {
		msg.ReplyTo = card.MessageID
	}
}

// AlbumSender is a Channel that sends several photos as one album
// (Telegram's media group): a report's evidence, right before its card.
// Channels without albums get the photos one by one.
type AlbumSender interface {
	SendAlbum(ctx context.Context, chatID string, parts []Part) error
}
