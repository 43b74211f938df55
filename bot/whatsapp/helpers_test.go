package whatsapp

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/store/pgtest"
)

var pg *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// ---------- fake client ----------

type sentMsg struct {
	To  types.JID
	ID  types.MessageID
	Msg *waE2E.Message
}

type fakeClient struct {
	mu        sync.Mutex
	sent      []sentMsg
	uploads   []whatsmeow.MediaType
	sendErr   error
	downloads map[string][]byte // by direct path
	retried   []types.MessageInfo
	onRetry   func(info *types.MessageInfo, mediaKey []byte) // runs in its own goroutine
}

var _ Client = (*fakeClient)(nil)

func (f *fakeClient) SendMessage(_ context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sendErr != nil {
		return whatsmeow.SendResponse{}, f.sendErr
	}
	var id types.MessageID
	if len(extra) == 1 {
		id = extra[0].ID
	}
	f.sent = append(f.sent, sentMsg{To: to, ID: id, Msg: m})
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Unix(1700000000, 0)}, nil
}

func (f *fakeClient) Upload(_ context.Context, b []byte, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploads = append(f.uploads, mt)
	return whatsmeow.UploadResponse{URL: "https://media.invalid/x", DirectPath: "/v/t62/up", MediaKey: []byte("key"),
		FileEncSHA256: []byte("enc"), FileSHA256: []byte("sha"), FileLength: uint64(len(b))}, nil
}

func (f *fakeClient) DownloadToFile(_ context.Context, m whatsmeow.DownloadableMessage, file whatsmeow.File) error {
	f.mu.Lock()
	b, ok := f.downloads[m.GetDirectPath()]
	f.mu.Unlock()
	if !ok {
		return whatsmeow.ErrMediaDownloadFailedWith410 // what an expired file looks like
	}
	_, err := file.Write(b)
	return err
}

func (f *fakeClient) SendMediaRetryReceipt(_ context.Context, info *types.MessageInfo, key []byte) error {
	f.mu.Lock()
	f.retried = append(f.retried, *info)
	hook := f.onRetry
	f.mu.Unlock()
	if hook != nil {
		go hook(info, key)
	}
	return nil
}

func (f *fakeClient) lastSent(t *testing.T) sentMsg {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sent) == 0 {
		t.Fatal("nothing sent")
	}
	return f.sent[len(f.sent)-1]
}

// ---------- LID map fake ----------

type fakeLIDs struct{ pn2lid map[types.JID]types.JID }

func (f fakeLIDs) GetLIDForPN(_ context.Context, pn types.JID) (types.JID, error) {
	return f.pn2lid[pn], nil
}

func (f fakeLIDs) GetPNForLID(_ context.Context, lid types.JID) (types.JID, error) {
	for p, l := range f.pn2lid {
		if l == lid {
			return p, nil
		}
	}
	return types.JID{}, nil
}

// ---------- events ----------

var (
	citizenPN  = types.NewJID("6281234567890", types.DefaultUserServer)
	citizenLID = types.NewJID("123456789012345", types.HiddenUserServer)
	officerLID = types.NewJID("987654321098765", types.HiddenUserServer)
	officers   = types.NewJID("120363012345678901", types.GroupServer)
	t0         = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
)

// newMsg builds an *events.Message the way whatsmeow does: RawMessage,
// then UnwrapRaw.
func newMsg(chat, sender, senderAlt types.JID, id string, m *waE2E.Message) *events.Message {
	evt := &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: chat, Sender: sender, SenderAlt: senderAlt,
				IsGroup: chat.Server == types.GroupServer},
			ID: id, PushName: "Budi", Timestamp: t0,
		},
		RawMessage: m,
	}
	return evt.UnwrapRaw()
}

// dm is a private message from the citizen, addressed by LID with the
// phone number as SenderAlt (the common 2026 shape).
func dm(id string, m *waE2E.Message) *events.Message {
	return newMsg(citizenLID, citizenLID, citizenPN, id, m)
}
