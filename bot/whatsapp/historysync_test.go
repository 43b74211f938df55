package whatsapp

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The phone's history-sync notices are acknowledged although their chats
// are not downloaded: the client lapor builds sends the receipt (offline
// here, so whatsmeow logs that it could not).
func TestHistorySyncNoticesAreAcknowledged(t *testing.T) {
	var logs lockedBuffer
	dev := *store.NoopDevice
	own := types.NewJID("6281200000000", types.DefaultUserServer)
	dev.ID = &own
	cli := newClient(context.Background(), &dev, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	info := &types.MessageInfo{MessageSource: types.MessageSource{Chat: own, Sender: own, IsFromMe: true}, ID: "3EB0HIST"}
	msg := &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_HISTORY_SYNC_NOTIFICATION.Enum(),
		HistorySyncNotification: &waE2E.HistorySyncNotification{SyncType: waE2E.HistorySyncType_RECENT.Enum()}}}
	cli.DangerousInternals().HandleProtocolMessage(context.Background(), info, msg)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "acknowledgement for protocol message 3EB0HIST"); {
		if time.Now().After(deadline) {
			t.Fatalf("no receipt was sent for the history-sync notice:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
