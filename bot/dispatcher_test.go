package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

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

// dbAndPool is a test database as the store and as a plain pool, to look
// at the outbox's leases from outside the dispatcher.
func dbAndPool(t *testing.T) (*store.DB, *pgxpool.Pool) {
	t.Helper()
	url := pg.NewDatabase(t)
	db, err := store.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return db, pool
}

// leaseChannel is a platform whose sends check, in the database, that the
// dispatcher still holds the message's lease when it sends. A send of a
// file reads it whole (as WhatsApp's upload does) and takes hold to
// finish, keeping the file's memory meanwhile.
type leaseChannel struct {
	name    string
	db      *pgxpool.Pool
	hold    time.Duration
	sending chan struct{} // closed when the first send holds its file

	mu      sync.Mutex
	once    sync.Once
	sent    map[string]int // chat → sends
	outside []string       // sends after the lease had ended
}

func (c *leaseChannel) Name() string { return c.name }
func (c *leaseChannel) Fetch(context.Context, flows.Inbound) (flows.Fetched, error) {
	return flows.Fetched{}, fmt.Errorf("no files here")
}
func (c *leaseChannel) Split(msg flows.Outbound, f *bot.File) []bot.Part {
	return []bot.Part{{Text: msg.Text, File: f}}
}
func (c *leaseChannel) Pacing() bot.Pacing {
	return bot.Pacing{PerChat: time.Millisecond, PerGroupPerMinute: 60}
}
func (c *leaseChannel) IsGroup(string) bool { return false }
func (c *leaseChannel) Send(ctx context.Context, chat string, p bot.Part) error {
	id, _, _ := strings.Cut(p.Key, ".")
	var held bool
	if err := c.db.QueryRow(ctx, `SELECT coalesce(lease_until > now(), false) FROM outbox WHERE id = $1`, id).Scan(&held); err != nil {
		return err
	}
	if p.File != nil {
		if _, err := p.File.Bytes(ctx); err != nil {
			return err
		}
	}
	c.once.Do(func() { close(c.sending) })
	time.Sleep(c.hold)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[chat]++
	if !held {
		c.outside = append(c.outside, chat)
	}
	return nil
}

// A message whose file cannot be made ready within the lease is given
// back, never sent after its lease ended, when another replica may have
// claimed and sent it. Here the process's memory for whole files is held
// for 4 s by another channel's send, while a replica must clean a photo
// for a desk within a lease of 2 s; then it stops claiming (as a replica
// that lost the channel does) and a second replica, with memory to spare,
// takes over.
func TestFileNotReadyWithinTheLeaseIsGivenBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, pool := dbAndPool(t)
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, image.NewRGBA(image.Rect(0, 0, 64, 64)), nil); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `INSERT INTO inbox (id, channel, external_id, chat_id, payload, received_at, next_attempt_at)
		VALUES (1, 'lease', '1', 'b', '{}', now(), now())`); err != nil {
		t.Fatal(err)
	}
	enqueue := func(channel, chat string, msg flows.Outbound) {
		t.Helper()
		b, _ := json.Marshal(msg)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, channel, chat, b, time.Now()) }); err != nil {
			t.Fatal(err)
		}
	}
	run := func(ch bot.Channel, mem *bot.FileMemory, active func() bool) {
		d := bot.NewDispatcher(db, ch, bot.DispatcherOptions{Lease: 2 * time.Second, Poll: 50 * time.Millisecond,
			MaxBackoff: time.Second, FileMemory: mem, Active: active})
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { d.Run(runCtx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	mem := bot.NewFileMemory(1 << 20)

	// Another channel's send holds all of the memory for 4 s.
	var docID int64
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		docID, err = tx.AddDocument(ctx, store.Document{Kind: "document", Name: "rekap.pdf", MIME: "application/pdf"},
			bytes.Repeat([]byte("x"), 1<<20), time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	hog := &leaseChannel{name: "hog", db: pool, hold: 4 * time.Second, sending: make(chan struct{}), sent: map[string]int{}}
	enqueue("hog", "h", flows.Outbound{Text: "rekap", DocumentID: docID})
	run(hog, mem, nil)
	<-hog.sending
	start := time.Now()

	// The card with the photo, claimed by the first replica.
	err = db.InTx(ctx, func(tx *store.Tx) error {
		blob, err := tx.WriteBlob(ctx, bytes.NewReader(photo.Bytes()), 1<<20)
		if err != nil {
			return err
		}
		a := store.Attachment{Channel: "lease", ChatID: "b", InboxID: 1, Kind: string(flows.KindPhoto),
			OriginalName: "foto.jpg", MIMEType: "image/jpeg", BlobID: blob.ID, CreatedAt: time.Now()}
		if err := tx.AddAttachment(ctx, &a); err != nil {
			return err
		}
		b, _ := json.Marshal(flows.Outbound{Text: "kartu", AttachmentID: a.ID, StripMetadata: true})
		return tx.Enqueue(ctx, "lease", "b", b, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	ch := &leaseChannel{name: "lease", db: pool, sending: make(chan struct{}), sent: map[string]int{}}
	run(ch, mem, func() bool { return time.Since(start) < time.Second })
	run(ch, bot.NewFileMemory(1<<20), func() bool { return time.Since(start) > time.Second })

	// Until the first replica's memory is long free again.
	for time.Since(start) < 7*time.Second {
		time.Sleep(100 * time.Millisecond)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if len(ch.outside) > 0 || ch.sent["b"] != 1 {
		t.Fatalf("the card was sent %d times, %d of them after the lease had ended; want once, within it", ch.sent["b"], len(ch.outside))
	}
}

// A send slower than a lease keeps its claim: the lease is renewed while
// it lasts, so a second replica never claims the message and sends it
// again. Here a lease is 1 s and a send takes 3 s.
func TestSlowSendKeepsItsLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, pool := dbAndPool(t)
	b, _ := json.Marshal(flows.Outbound{Text: "tanggapan"})
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, "lease", "c", b, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	ch := &leaseChannel{name: "lease", db: pool, hold: 3 * time.Second, sending: make(chan struct{}), sent: map[string]int{}}
	// The first replica claims the message and then claims nothing more
	// (its own claims of a message it is still sending would renew the
	// lease by themselves); the second starts claiming once the first
	// is sending.
	var sending atomic.Bool
	for _, active := range []func() bool{func() bool { return !sending.Load() }, sending.Load} {
		d := bot.NewDispatcher(db, ch, bot.DispatcherOptions{Lease: time.Second, Poll: 50 * time.Millisecond,
			MaxBackoff: time.Second, Active: active})
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { d.Run(runCtx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	<-ch.sending
	sending.Store(true)
	time.Sleep(5 * time.Second)
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.sent["c"] != 1 || len(ch.outside) > 0 {
		t.Fatalf("the message was sent %d times (%d after its lease had ended); want once", ch.sent["c"], len(ch.outside))
	}
	var sent bool
	if err := pool.QueryRow(ctx, `SELECT sent_at IS NOT NULL FROM outbox`).Scan(&sent); err != nil || !sent {
		t.Fatalf("not marked sent: %v %v", sent, err)
	}
}

// refusingChannel refuses the sends to its chats for the whole account,
// as WhatsApp's 429 (a half-minute pause) and 463 (a restriction for
// hours) do, and takes every other send.
type refusingChannel struct {
	leaseChannel
	refuse map[string]time.Duration // chat → the pause its first send gets
}

func (c *refusingChannel) Send(ctx context.Context, chat string, p bot.Part) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.refuse[chat]; ok {
		delete(c.refuse, chat)
		return &bot.SendError{Err: fmt.Errorf("refused for the account"), RetryAfter: d, Account: true}
	}
	c.sent[chat]++
	return nil
}

// The admins are told of an account pause once, by the replica that
// recorded it, and only when it is long enough to matter: a 463's hours,
// not a 429's half minute.
func TestLongAccountPauseIsToldOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	type told struct {
		until  time.Time
		reason string
	}
	var (
		mu    sync.Mutex
		tolds []told
	)
	run := func(ch bot.Channel) {
		d := bot.NewDispatcher(db, ch, bot.DispatcherOptions{Lease: 5 * time.Second, Poll: 20 * time.Millisecond, MaxBackoff: time.Second,
			OnPause: func(_ context.Context, until time.Time, reason string) {
				mu.Lock()
				defer mu.Unlock()
				tolds = append(tolds, told{until, reason})
			}})
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { d.Run(runCtx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	enqueue := func(chat string) {
		b, _ := json.Marshal(flows.Outbound{Text: "pesan"})
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, "refusing", chat, b, time.Now()) }); err != nil {
			t.Fatal(err)
		}
	}
	ch := &refusingChannel{leaseChannel: leaseChannel{name: "refusing", sent: map[string]int{}},
		refuse: map[string]time.Duration{"a": 300 * time.Millisecond, "b": time.Hour}}
	run(ch)
	run(ch) // a second replica: it sees the pause, and does not tell it again

	enqueue("a") // a 429: held 300 ms, then sent; nobody told
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ch.mu.Lock()
		n := ch.sent["a"]
		ch.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the message held by a short pause was not sent")
		}
	}
	start := time.Now()
	enqueue("b") // a 463: held for an hour
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		until, _, err := db.ChannelPause(ctx, "refusing")
		if err != nil {
			t.Fatal(err)
		}
		if until.After(start.Add(59 * time.Minute)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the hour's pause was not recorded")
		}
	}
	time.Sleep(300 * time.Millisecond) // the second replica reads the pause too
	mu.Lock()
	defer mu.Unlock()
	if len(tolds) != 1 || tolds[0].until.Before(start.Add(59*time.Minute)) || tolds[0].reason == "" {
		t.Fatalf("told %+v; want the hour's pause once", tolds)
	}
}
