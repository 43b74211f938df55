package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
	lstore "github.com/lapor-id/lapor/store"
)

// chatFailClient refuses every send to some chats with an error.
type chatFailClient struct {
	*fakeClient
	mu    sync.Mutex
	fail  map[types.JID]error
	sent  map[types.JID]int
	tried int // sends refused
}

func (c *chatFailClient) SendMessage(ctx context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	c.mu.Lock()
	err := c.fail[to]
	if err == nil {
		c.sent[to]++
	} else {
		c.tried++
	}
	c.mu.Unlock()
	if err != nil {
		return whatsmeow.SendResponse{}, err
	}
	return c.fakeClient.SendMessage(ctx, to, m, extra...)
}

func (c *chatFailClient) count(to types.JID) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent[to]
}

var (
	chatA = types.NewJID("111111111111111", types.HiddenUserServer)
	chatB = types.NewJID("222222222222222", types.HiddenUserServer)
)

func enqueueText(t *testing.T, db *lstore.DB, chat types.JID, text string) {
	t.Helper()
	b, _ := json.Marshal(flows.Outbound{Text: text})
	err := db.InTx(context.Background(), func(tx *lstore.Tx) error {
		return tx.Enqueue(context.Background(), Name, chat.String(), b, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func runDispatcher(t *testing.T, db *lstore.DB, ch *Channel) {
	t.Helper()
	d := bot.NewDispatcher(db, ch, bot.DispatcherOptions{Lease: 5 * time.Second, Poll: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A 463 refused to one chat holds every chat back, on this replica and on
// one that takes the number over, until WhatsApp lifts the restriction;
// then everything held goes out, the refused message included.
func TestRestrictionHoldsTheWholeAccount(t *testing.T) {
	t.Parallel()
	db := pg.NewDB(t)
	fc := &chatFailClient{fakeClient: &fakeClient{}, sent: map[types.JID]int{},
		fail: map[types.JID]error{chatA: fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463)}}
	fast := bot.Pacing{PerChat: time.Millisecond, Global: time.Millisecond}
	ch := New(fc, nil, Options{Pacing: fast})
	enqueueText(t, db, chatA, "untuk A")
	runDispatcher(t, db, ch)
	waitFor(t, "the restriction recorded", func() bool {
		until, _, err := db.ChannelPause(context.Background(), Name)
		return err == nil && until.After(time.Now().Add(5*time.Hour))
	})
	enqueueText(t, db, chatB, "untuk B")
	// A second replica takes the number over (a fresh channel and
	// dispatcher, knowing nothing of the 463).
	fc2 := &chatFailClient{fakeClient: &fakeClient{}, sent: map[types.JID]int{}, fail: map[types.JID]error{}}
	runDispatcher(t, db, New(fc2, nil, Options{Pacing: fast}))
	time.Sleep(700 * time.Millisecond)
	if n, m := fc.count(chatB), fc2.count(chatB); n+m != 0 {
		t.Fatalf("chat B got %d+%d messages while the number is restricted", n, m)
	}

	// WhatsApp says the restriction is over.
	fc.mu.Lock()
	delete(fc.fail, chatA)
	fc.mu.Unlock()
	ch.HandleEvent(&events.NotifyAccountReachoutTimelock{IsActive: false})
	waitFor(t, "both chats served", func() bool {
		return fc.count(chatA)+fc2.count(chatA) >= 1 && fc.count(chatB)+fc2.count(chatB) >= 1
	})
	if until, _, _ := db.ChannelPause(context.Background(), Name); !until.IsZero() {
		t.Fatalf("pause left after the lift: %v", until)
	}
}

// The reach-out timelock event holds the account until the time WhatsApp
// names, recorded for every replica; it is a pause, not a log line.
func TestTimelockEventPausesUntilItsEnd(t *testing.T) {
	t.Parallel()
	db := pg.NewDB(t)
	fc := &chatFailClient{fakeClient: &fakeClient{}, sent: map[types.JID]int{}, fail: map[types.JID]error{}}
	ch := New(fc, nil, Options{Pacing: bot.Pacing{PerChat: time.Millisecond, Global: time.Millisecond}})
	ends := time.Now().Add(2 * time.Hour).Truncate(time.Second)
	// As whatsmeow decodes it from WhatsApp's notification.
	var evt events.NotifyAccountReachoutTimelock
	notification := fmt.Sprintf(`{"enforcement_type":"test","is_active":true,"time_enforcement_ends":"%d"}`, ends.Unix())
	if err := json.Unmarshal([]byte(notification), &evt); err != nil {
		t.Fatal(err)
	}
	ch.HandleEvent(&evt)
	runDispatcher(t, db, ch)
	enqueueText(t, db, chatB, "untuk B")
	waitFor(t, "the timelock recorded", func() bool {
		until, _, err := db.ChannelPause(context.Background(), Name)
		return err == nil && until.Equal(ends)
	})
	time.Sleep(500 * time.Millisecond)
	if n := fc.count(chatB); n != 0 {
		t.Fatalf("%d messages sent during the timelock", n)
	}
}

// The number is not in a desk's group (removed, or WhatsApp answered from
// stale group data): that group's cards wait, in order, none failed and
// the group not blocked; other chats go on at once.
func TestNotInGroupKeepsTheDesksCards(t *testing.T) {
	t.Parallel()
	db := pg.NewDB(t)
	group := types.NewJID("120363000000000777", types.GroupServer)
	fc := &chatFailClient{fakeClient: &fakeClient{}, sent: map[types.JID]int{},
		fail: map[types.JID]error{group: fmt.Errorf("failed to get group members: %w", whatsmeow.ErrNotInGroup)}}
	ch := New(fc, nil, Options{Pacing: bot.Pacing{PerChat: time.Millisecond, Global: time.Millisecond}})
	for i := range 3 {
		enqueueText(t, db, group, fmt.Sprintf("kartu %d", i))
	}
	enqueueText(t, db, chatB, "untuk B")
	runDispatcher(t, db, ch)
	waitFor(t, "chat B served", func() bool { return fc.count(chatB) == 1 })
	time.Sleep(300 * time.Millisecond)
	pending, failed, err := db.OutboxCounts(context.Background())
	if err != nil || failed != 0 || pending != 3 {
		t.Fatalf("pending %d failed %d (%v): the desk's cards must wait, not fail", pending, failed, err)
	}
	if blocked, err := db.ChatBlocked(context.Background(), Name, group.String()); err != nil || blocked {
		t.Fatalf("the group is blocked (%v)", err)
	}
	fc.mu.Lock()
	tried := fc.tried
	fc.mu.Unlock()
	if tried != 1 {
		t.Fatalf("the group was tried %d times; it must wait before the next try", tried)
	}
}
