package whatsapp

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
)

// brokenLIDs stands for any bug below the handler: it panics the way a nil
// map or a nil pointer does.
type brokenLIDs struct{}

func (brokenLIDs) GetLIDForPN(context.Context, types.JID) (types.JID, error) {
	var m map[string]int
	m["x"]++ // assignment to entry in nil map
	return types.JID{}, nil
}

func (brokenLIDs) GetPNForLID(context.Context, types.JID) (types.JID, error) {
	return types.JID{}, nil
}

// A panic while a message is handled must not acknowledge it. whatsmeow's
// own dispatcher recovers a handler's panic and counts it as success (no
// failure reported, so the receipt goes out and the message is lost); the
// channel recovers first and reports failure, so WhatsApp redelivers.
func TestPanicInHandlerIsNotAcknowledged(t *testing.T) {
	var logs bytes.Buffer
	ch := New(nil, nil, Options{LIDs: brokenLIDs{}, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	dev := *store.NoopDevice // a real client, never connected
	dev.ID = nil
	cli := whatsmeow.NewClient(&dev, nil)
	cli.AddEventHandlerWithSuccessStatus(ch.HandleEvent)
	// Only the phone number: the channel asks the LID map, which panics.
	secret := "nomor rekening saya 1234567890"
	evt := newMsg(citizenPN, citizenPN, types.JID{}, "P1", &waE2E.Message{Conversation: proto.String(secret)})
	if failed := cli.DangerousInternals().DispatchEvent(evt); !failed {
		t.Fatal("whatsmeow was told the message was handled: it is acknowledged, and lost")
	}
	out := logs.String()
	if !strings.Contains(out, "panicked") || !strings.Contains(out, "assignment to entry in nil map") {
		t.Fatalf("the panic is not logged:\n%s", out)
	}
	if strings.Contains(out, secret) || strings.Contains(out, citizenPN.User) {
		t.Fatalf("the log names what the citizen wrote or their number:\n%s", out)
	}
}
