package bot_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/telegram"
	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
)

// countingMeter counts what a dispatcher reports.
type countingMeter struct {
	deliveries  [bot.NumDeliveries]atomic.Int32
	chatLimited atomic.Int32
	acctLimited atomic.Int32
}

func (m *countingMeter) Delivery(k bot.Delivery) { m.deliveries[k].Add(1) }
func (m *countingMeter) RateLimited(account bool) {
	if account {
		m.acctLimited.Add(1)
	} else {
		m.chatLimited.Add(1)
	}
}

// The dispatcher tells its Meter what became of each delivery: sent, a
// 429 (and its retry), a transient error's retry, a chat that blocks the
// bot.
func TestDispatcherMetersDeliveries(t *testing.T) {
	t.Parallel()
	db := pg.NewDB(t)
	fake := telegramtest.New(telegramtest.Options{PerChatRate: 100, GlobalRate: 400})
	t.Cleanup(fake.Close)
	ch := telegram.New(telegram.Options{Token: fake.Token(), APIEndpoint: fake.APIEndpoint(), FileEndpoint: fake.FileEndpoint(),
		Pacing: bot.Pacing{PerChat: 20 * time.Millisecond, PerGroupPerMinute: 20, Global: time.Second / 300}})
	meter := &countingMeter{}
	d := bot.NewDispatcher(db, ch, bot.DispatcherOptions{Lease: 10 * time.Second, Poll: 50 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, Meter: meter})
	// The first two sends to chat 21 fail: a 429, then a server error.
	var mu sync.Mutex
	faults := []telegramtest.Fault{telegramtest.FaultTooMany, telegramtest.FaultServerError}
	fake.SetFault(func(method string) telegramtest.Fault {
		mu.Lock()
		defer mu.Unlock()
		if method != "sendMessage" || len(faults) == 0 {
			return telegramtest.FaultNone
		}
		f := faults[0]
		faults = faults[1:]
		return f
	})
	fake.AllowChat(21)
	fake.AllowChat(7)
	fake.Block(7)
	enqueue(t, db, []int64{21}, 3)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	checkOrder(t, fake, []int64{21}, 3, 30*time.Second)
	enqueue(t, db, []int64{7}, 1)
	d.Wake()
	deadline := time.Now().Add(10 * time.Second)
	for meter.deliveries[bot.DeliveryBlocked].Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got := func(k bot.Delivery) int32 { return meter.deliveries[k].Load() }
	if got(bot.Delivered) != 3 || got(bot.DeliveryRateLimited) != 1 || got(bot.DeliveryRetried) != 1 ||
		got(bot.DeliveryBlocked) != 1 || got(bot.DeliveryFailed) != 0 || meter.chatLimited.Load() != 1 || meter.acctLimited.Load() != 0 {
		t.Fatalf("sent %d, rate limited %d (chat %d, account %d), retried %d, blocked %d, failed %d; want 3, 1 (1, 0), 1, 1, 0",
			got(bot.Delivered), got(bot.DeliveryRateLimited), meter.chatLimited.Load(), meter.acctLimited.Load(),
			got(bot.DeliveryRetried), got(bot.DeliveryBlocked), got(bot.DeliveryFailed))
	}
}
