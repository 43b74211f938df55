package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/telegram"
	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgtest"
)

var pg *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// setup returns a database, a fake Telegram with limits scaled by the given
// factor (Telegram's own per-chat 1/s becomes perChat/s) and a running
// dispatcher paced to the same limits.
func setup(t *testing.T, perChat float64, sendTimeout time.Duration) (*store.DB, *telegramtest.Server, *bot.Dispatcher) {
	t.Helper()
	db := pg.NewDB(t)
	fake := telegramtest.New(telegramtest.Options{PerChatRate: perChat * 2, GlobalRate: 400})
	t.Cleanup(fake.Close)
	ch := telegram.New(telegram.Options{Token: fake.Token(), APIEndpoint: fake.APIEndpoint(), FileEndpoint: fake.FileEndpoint(),
		SendTimeout: sendTimeout,
		Pacing:      bot.Pacing{PerChat: time.Duration(float64(time.Second) / perChat), PerGroupPerMinute: 20, Global: time.Second / 300}})
	d := bot.NewDispatcher(db, ch, bot.DispatcherOptions{Lease: 10 * time.Second, Poll: 50 * time.Millisecond, MaxBackoff: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return db, fake, d
}

func enqueue(t *testing.T, db *store.DB, chats []int64, perChat int) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		for i := 0; i < perChat; i++ {
			for _, c := range chats {
				b, _ := json.Marshal(flows.Outbound{Text: fmt.Sprintf("pesan %d", i)})
				if err := tx.Enqueue(context.Background(), "telegram", strconv.FormatInt(c, 10), b, time.Now()); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkOrder waits for every message of each chat and checks their order.
func checkOrder(t *testing.T, fake *telegramtest.Server, chats []int64, n int, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for _, c := range chats {
		sent, err := fake.WaitSent(ctx, c, n)
		if err != nil {
			t.Fatalf("chat %d: %d of %d messages: %v", c, len(fake.Sent(c)), n, err)
		}
		var k int
		for _, s := range sent {
			if s.Text == fmt.Sprintf("pesan %d", k) {
				k++
			} else if k == 0 || s.Text != fmt.Sprintf("pesan %d", k-1) { // an at-least-once repeat is allowed
				t.Fatalf("chat %d: %q after pesan %d", c, s.Text, k-1)
			}
		}
		if k != n {
			t.Fatalf("chat %d: got %d in order, want %d", c, k, n)
		}
	}
}

func TestPacing500MessagesToOneChat(t *testing.T) {
	t.Parallel()
	db, fake, d := setup(t, 50, 0)
	for _, c := range []int64{1} {
		fake.AllowChat(c)
	}
	enqueue(t, db, []int64{1}, 500)
	d.Wake()
	checkOrder(t, fake, []int64{1}, 500, time.Minute)
	if s := fake.Stats(); s.RateLimited != 0 || s.Delivered != 500 {
		t.Fatalf("delivered %d with %d 429s; want 500 and none", s.Delivered, s.RateLimited)
	}
}

func TestPacing500MessagesTo50Chats(t *testing.T) {
	t.Parallel()
	db, fake, d := setup(t, 5, 0)
	var chats []int64
	for i := int64(1); i <= 50; i++ {
		chats = append(chats, i)
		fake.AllowChat(i)
	}
	enqueue(t, db, chats, 10)
	d.Wake()
	checkOrder(t, fake, chats, 10, time.Minute)
	if s := fake.Stats(); s.RateLimited != 0 || s.Delivered != 500 {
		t.Fatalf("delivered %d with %d 429s; want 500 and none", s.Delivered, s.RateLimited)
	}
	// The last send is recorded a moment after the fake has it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		pending, failed, _ := db.OutboxCounts(context.Background())
		if pending == 0 && failed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox: %d pending, %d failed", pending, failed)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A chat that blocked the bot is recorded and its messages failed, once;
// other chats are not held up.
func TestBlockedChatIsRecordedNotRetried(t *testing.T) {
	t.Parallel()
	db, fake, d := setup(t, 50, 0)
	fake.AllowChat(7)
	fake.AllowChat(8)
	fake.Block(7)
	enqueue(t, db, []int64{7, 8}, 5)
	d.Wake()
	checkOrder(t, fake, []int64{8}, 5, 30*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for {
		blocked, _ := db.ChatBlocked(context.Background(), "telegram", "7")
		_, failed, _ := db.OutboxCounts(context.Background())
		if blocked && failed == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("blocked=%v failed=%d; want the chat recorded and its 5 messages failed", blocked, failed)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := fake.Stats().Errors["Forbidden: bot was blocked by the user"]; n != 1 {
		t.Fatalf("%d sends to the blocked chat, want exactly 1", n)
	}
}

// With 10% of calls failing (5xx pages, timeouts, connection resets, 429)
// every message still arrives, in order.
func TestDeliveryThroughFaults(t *testing.T) {
	t.Parallel()
	db, fake, d := setup(t, 50, 500*time.Millisecond)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	fake.SetFault(func(method string) telegramtest.Fault {
		mu.Lock()
		defer mu.Unlock()
		if method != "sendMessage" || rng.IntN(10) != 0 {
			return telegramtest.FaultNone
		}
		return []telegramtest.Fault{telegramtest.FaultServerError, telegramtest.FaultTimeout,
			telegramtest.FaultReset, telegramtest.FaultTooMany}[rng.IntN(4)]
	})
	chats := []int64{11, 12, 13, 14, 15}
	for _, c := range chats {
		fake.AllowChat(c)
	}
	enqueue(t, db, chats, 30)
	d.Wake()
	checkOrder(t, fake, chats, 30, 2*time.Minute)
	faults := 0
	for _, n := range fake.Stats().Faults {
		faults += n
	}
	if faults == 0 {
		t.Fatal("no fault was injected: the test proves nothing")
	}
	t.Logf("%d faults injected", faults)
}
