package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/telegram"
	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
)

// While updates cannot be stored, none is confirmed to Telegram: they stay
// queued there and arrive once the database is back.
func TestPollerConfirmsOnlyStoredBatches(t *testing.T) {
	t.Parallel()
	fake := telegramtest.New(telegramtest.Options{})
	defer fake.Close()
	ch := telegram.New(telegram.Options{Token: fake.Token(), APIEndpoint: fake.APIEndpoint(),
		FileEndpoint: fake.FileEndpoint(), PollTimeout: time.Second})
	for i := 0; i < 5; i++ {
		fake.SendText(int64(100+i), int64(100+i), "halo")
	}

	broken := pg.NewDB(t)
	broken.Close() // every Store fails
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ch.Poll(ctx, bot.NewInbox(broken, nil)); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for fake.Stats().GetUpdatesCalls < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if calls := fake.Stats().GetUpdatesCalls; calls < 3 {
		t.Fatalf("only %d getUpdates calls", calls)
	}
	if n := fake.Pending(); n != 5 {
		t.Fatalf("%d updates still unconfirmed, want all 5", n)
	}

	db := pg.NewDB(t)
	ctx, cancel = context.WithCancel(context.Background())
	done = make(chan struct{})
	go func() { ch.Poll(ctx, bot.NewInbox(db, nil)); close(done) }()
	defer func() { cancel(); <-done }()
	for {
		n, err := db.PendingInbound(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 5 {
			break
		}
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("%d of 5 updates stored after the database came back", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for fake.Pending() != 0 {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("%d updates never confirmed", fake.Pending())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
