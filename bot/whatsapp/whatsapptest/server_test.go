package whatsapptest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
)

// client is a lapor process's connection over the server, recording the
// message ids its handler saw.
type client struct {
	conn whatsapp.Conn
	mu   sync.Mutex
	got  []string
	ok   func(id string) bool // the handler's answer; nil: true
	up   chan struct{}
}

func connect(t *testing.T, r *whatsapptest.Remote, ok func(string) bool) *client {
	t.Helper()
	conn, err := r.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := &client{conn: conn, ok: ok, up: make(chan struct{}, 1)}
	conn.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		switch e := evt.(type) {
		case *events.Connected:
			c.up <- struct{}{}
		case *events.Message:
			c.mu.Lock()
			c.got = append(c.got, e.Info.ID)
			c.mu.Unlock()
			if c.ok != nil {
				return c.ok(e.Info.ID)
			}
		}
		return true
	})
	if err := conn.ConnectContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.up:
	case <-time.After(5 * time.Second):
		t.Fatal("not connected")
	}
	return c
}

func (c *client) ids() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.got...)
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// WhatsApp forgets a message only once the device acknowledged it: one
// the handler refused, or whose connection died before the answer, comes
// again with its id on the next connection, and the rest keep coming
// meanwhile.
func TestServerRedeliversWhatWasNotAcknowledged(t *testing.T) {
	fake := whatsapptest.New()
	srv := whatsapptest.NewServer(fake)
	defer srv.Close()
	r := whatsapptest.Dial(srv.URL())

	a := fake.TextFrom("6281100000001", "a")
	refused := a.(*events.Message).Info.ID
	first := connect(t, r, func(id string) bool { return id != refused })
	srv.Post(a)
	eventually(t, "the first delivery", func() bool { return len(first.ids()) == 1 })
	srv.Post(fake.TextFrom("6281100000002", "b"))
	eventually(t, "the second chat's message", func() bool { return srv.Stats().Delivered == 1 })
	if got := first.ids(); len(got) != 2 {
		t.Fatalf("first connection saw %v", got)
	}

	// A handler that never answers: the connection dies under it.
	stuck := make(chan struct{})
	first.ok = func(string) bool { <-stuck; return true }
	srv.Post(fake.TextFrom("6281100000003", "c"))
	eventually(t, "the third delivery", func() bool { return len(first.ids()) == 3 })
	first.conn.Disconnect()
	close(stuck)

	second := connect(t, r, nil)
	eventually(t, "the redeliveries", func() bool { return srv.Pending() == 0 })
	got := second.ids()
	if len(got) != 2 || got[0] != first.ids()[0] || got[1] != first.ids()[2] {
		t.Fatalf("second connection got %v; first saw %v", got, first.ids())
	}
	if st := srv.Stats(); st.Delivered != 3 || st.Redelivered != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// Only the connected client sends; WhatsApp's refusals keep their
// identity across the wire, and the LID map is the server's.
func TestServerSendsOnlyFromTheConnectedClient(t *testing.T) {
	ctx := context.Background()
	fake := whatsapptest.New()
	srv := whatsapptest.NewServer(fake)
	defer srv.Close()
	r := whatsapptest.Dial(srv.URL())
	old := connect(t, r, nil)
	current := connect(t, r, nil) // the newer stream replaces the older
	to := types.NewJID("6281100000009", types.DefaultUserServer)
	if _, err := old.conn.SendMessage(ctx, to, text("x")); !errors.Is(err, whatsmeow.ErrNotConnected) {
		t.Fatalf("a replaced client sent: %v", err)
	}
	fake.GiveLID("6281100000009", "77001")
	fake.FailNextSends(whatsapptest.ErrTimelock)
	_, err := current.conn.SendMessage(ctx, to, text("x"), whatsmeow.SendRequestExtra{ID: "ID1"})
	if !errors.Is(err, whatsmeow.ErrServerReturnedError) || err.Error() != "server returned error 463" {
		t.Fatalf("463 across the wire: %v", err)
	}
	if _, err := current.conn.SendMessage(ctx, to, text("x"), whatsmeow.SendRequestExtra{ID: "ID1"}); err != nil {
		t.Fatal(err)
	}
	if got := fake.Sent(to.String()); len(got) != 1 || got[0].ID != "ID1" || got[0].Text != "x" {
		t.Fatalf("sent %+v", got)
	}
	if lid, err := r.GetLIDForPN(ctx, to); err != nil || lid.String() != "77001@lid" {
		t.Fatalf("LID map after a send: %v %v", lid, err)
	}
}

// A lost acknowledgement: the client handled the message, WhatsApp never
// heard so; the next connection gets it again with its id.
func TestServerLostAcknowledgement(t *testing.T) {
	fake := whatsapptest.New()
	srv := whatsapptest.NewServer(fake)
	defer srv.Close()
	r := whatsapptest.Dial(srv.URL())
	first := connect(t, r, nil)
	srv.HoldNextAck()
	srv.Post(fake.TextFrom("6281100000001", "a"))
	eventually(t, "the lost acknowledgement", srv.Holding)
	srv.Post(fake.TextFrom("6281100000002", "b"))
	time.Sleep(50 * time.Millisecond)
	if got := first.ids(); len(got) != 1 {
		t.Fatalf("delivered %v while a message was in flight", got)
	}
	first.conn.Disconnect()
	second := connect(t, r, nil)
	eventually(t, "the redelivery", func() bool { return srv.Pending() == 0 })
	if got := second.ids(); len(got) != 2 || got[0] != first.ids()[0] {
		t.Fatalf("second connection got %v; first %v", got, first.ids())
	}
}
