package whatsapp

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// A card younger than the edit window is edited in place, text and menu;
// an older one gets a short message quoting it with the state line.
func TestEditCardInPlaceOrQuoting(t *testing.T) {
	fc := &fakeClient{}
	ch := New(fc, nil, Options{Secret: "s"})
	ctx := context.Background()
	group := "120363000000000001@g.us"
	id, err := ch.SendID(ctx, group, bot.Part{Key: "5.0", Text: "📋 MGT-1"})
	if err != nil || id != string(ch.MessageID("5.0")) {
		t.Fatalf("SendID = %q, %v", id, err)
	}
	sent := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	p := bot.Part{Key: "9.edit", Text: "✅ Diverifikasi oleh Sari\n\n📋 MGT-1",
		Buttons: [][]flows.Button{{{Label: "Disposisi", Data: "dsp|MGT-1|2"}}}}
	if err := ch.EditCard(ctx, group, bot.SentCard{MessageID: id, SentAt: sent, Age: 5 * time.Minute}, p); err != nil {
		t.Fatal(err)
	}
	pm := fc.sent[1].Msg.GetEditedMessage().GetMessage().GetProtocolMessage()
	if pm.GetType() != waE2E.ProtocolMessage_MESSAGE_EDIT || pm.GetKey().GetID() != id || !pm.GetKey().GetFromMe() ||
		pm.GetEditedMessage().GetConversation() != "✅ Diverifikasi oleh Sari\n\n📋 MGT-1\n\nBalas dengan angka:\n1. Disposisi" ||
		pm.GetTimestampMS() != sent.Add(5*time.Minute).UnixMilli() {
		t.Fatalf("edit %v", fc.sent[1].Msg)
	}

	if err := ch.EditCard(ctx, group, bot.SentCard{MessageID: id, SentAt: sent, Age: 20 * time.Minute}, p); err != nil {
		t.Fatal(err)
	}
	q := fc.sent[2].Msg.GetExtendedTextMessage()
	if fc.sent[2].Msg.GetEditedMessage() != nil || q.GetText() != "✅ Diverifikasi oleh Sari" || q.GetContextInfo().GetStanzaID() != id {
		t.Fatalf("late edit %v", fc.sent[2].Msg)
	}
	if err := ch.EditCard(ctx, "bukan-jid", bot.SentCard{MessageID: id}, p); !errors.Is(err, bot.ErrEditGone) {
		t.Fatalf("malformed chat: %v", err)
	}
}
