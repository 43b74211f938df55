package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgtest"
)

var pg *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func inbound(chat string, ext int) store.Inbound {
	return store.Inbound{Channel: "telegram", ExternalID: fmt.Sprint(ext), ChatID: chat,
		Payload: []byte(`{"text":"x"}`), ReceivedAt: t0}
}

func TestInboxDeduplicatesRedelivery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	n, err := db.StoreInbound(ctx, []store.Inbound{inbound("1", 1), inbound("1", 2)})
	if err != nil || n != 2 {
		t.Fatalf("first store: n=%d err=%v", n, err)
	}
	n, err = db.StoreInbound(ctx, []store.Inbound{inbound("1", 2), inbound("1", 3)})
	if err != nil || n != 1 {
		t.Fatalf("redelivery: n=%d err=%v, want 1 new", n, err)
	}
	// The same update twice in one batch (and again): kept once.
	n, err = db.StoreInbound(ctx, []store.Inbound{inbound("2", 4), inbound("2", 4), inbound("1", 3)})
	if err != nil || n != 1 {
		t.Fatalf("a batch repeating an update: n=%d err=%v, want 1 new", n, err)
	}
	if p, _ := db.PendingInbound(ctx); p != 4 {
		t.Fatalf("pending = %d, want 4", p)
	}
	// Ids follow the batch's order, which is each chat's order of handling.
	if _, err := db.StoreInbound(ctx, []store.Inbound{inbound("3", 9), inbound("3", 7), inbound("3", 8)}); err != nil {
		t.Fatal(err)
	}
	var order []string
	for {
		var got string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			in, err := tx.ClaimInbound(ctx, t0)
			if err != nil {
				return err
			}
			if in.ChatID == "3" {
				got = in.ExternalID
			}
			return tx.FinishInbound(ctx, in.ID, "handled", t0)
		})
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if got != "" {
			order = append(order, got)
		}
	}
	if strings.Join(order, ",") != "9,7,8" {
		t.Fatalf("chat 3 handled in the order %v, want the batch's 9,7,8", order)
	}
}

// Two workers claiming at once never get two messages of one chat, and each
// chat's messages come out in order.
func TestClaimInboundKeepsPerChatOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	var batch []store.Inbound
	for i := 0; i < 30; i++ {
		batch = append(batch, inbound(fmt.Sprint(i%3), i))
	}
	if _, err := db.StoreInbound(ctx, batch); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string][]string{}
	inFlight := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				err := db.InTx(ctx, func(tx *store.Tx) error {
					in, err := tx.ClaimInbound(ctx, t0)
					if err != nil {
						return err
					}
					mu.Lock()
					if inFlight[in.ChatID] {
						t.Errorf("chat %s claimed twice at once", in.ChatID)
					}
					inFlight[in.ChatID] = true
					seen[in.ChatID] = append(seen[in.ChatID], in.ExternalID)
					mu.Unlock()
					time.Sleep(time.Millisecond)
					mu.Lock()
					inFlight[in.ChatID] = false
					mu.Unlock()
					return tx.FinishInbound(ctx, in.ID, "handled", t0)
				})
				if errors.Is(err, store.ErrNotFound) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for chat, ids := range seen {
		for i, id := range ids {
			if want := fmt.Sprint(i*3 + int(chat[0]-'0')); id != want {
				t.Fatalf("chat %s: order %v", chat, ids)
			}
		}
	}
	if p, _ := db.PendingInbound(ctx); p != 0 {
		t.Fatalf("pending = %d", p)
	}
}

func TestDeferredInboundWaitsAndBlocksItsChat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if _, err := db.StoreInbound(ctx, []store.Inbound{inbound("1", 1), inbound("1", 2)}); err != nil {
		t.Fatal(err)
	}
	var first store.Inbound
	_ = db.InTx(ctx, func(tx *store.Tx) (err error) { first, err = tx.ClaimInbound(ctx, t0); return err })
	if err := db.DeferInbound(ctx, first.ID, t0.Add(time.Minute), "download failed"); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.ClaimInbound(ctx, t0.Add(time.Second)); return err })
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim during back-off: %v, want ErrNotFound (the second message must wait)", err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		in, err := tx.ClaimInbound(ctx, t0.Add(2*time.Minute))
		if err == nil && (in.ID != first.ID || in.Attempts != 1) {
			t.Errorf("claimed %+v, want the first again with 1 attempt", in)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReportEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		r := &store.Report{TrackingID: "MGT-AAAAAA", Type: "pengaduan", Description: "jalan rusak",
			Channel: "telegram", ChatID: "1", Stage: "submitted", ResponsibleUnit: "super_admin",
			StageStartedAt: t0, SubmittedAt: t0}
		if err := tx.CreateReport(ctx, r); err != nil {
			return err
		}
		dup := *r
		if err := tx.CreateReport(ctx, &dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate tracking id: %v, want ErrConflict", err)
		}
		return tx.AppendEvent(ctx, store.Event{ReportID: r.ID, At: t0, Kind: "submitted", ActorRole: "citizen"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE report_events SET note = 'x'", "DELETE FROM report_events", "TRUNCATE report_events"} {
		if err := db.Exec(ctx, q); err == nil {
			t.Errorf("%s: succeeded, want the append-only trigger to reject it", q)
		}
	}
}

func TestOutboxOneInFlightPerChatAndLeaseExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	_ = db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < 3; i++ {
			for _, chat := range []string{"a", "b"} {
				if err := tx.Enqueue(ctx, "telegram", chat, []byte(fmt.Sprintf(`{"text":"%s%d"}`, chat, i)), t0); err != nil {
					return err
				}
			}
		}
		return nil
	})
	got, err := db.ClaimOutgoing(ctx, "telegram", t0, time.Minute, 10)
	if err != nil || len(got) != 2 {
		t.Fatalf("claim: %d rows, %v; want the head of each chat", len(got), err)
	}
	again, _ := db.ClaimOutgoing(ctx, "telegram", t0.Add(time.Second), time.Minute, 10)
	if len(again) != 0 {
		t.Fatalf("claimed %d while heads are leased", len(again))
	}
	if err := db.MarkSent(ctx, got[0].ID, t0); err != nil {
		t.Fatal(err)
	}
	next, _ := db.ClaimOutgoing(ctx, "telegram", t0.Add(time.Second), time.Minute, 10)
	if len(next) != 1 || next[0].ChatID != got[0].ChatID {
		t.Fatalf("after one sent: %+v", next)
	}
	// The other chat's lease expires (its sender died): it is claimable again.
	expired, _ := db.ClaimOutgoing(ctx, "telegram", t0.Add(2*time.Minute), time.Minute, 10)
	var ids []int64
	for _, o := range expired {
		ids = append(ids, o.ID)
	}
	if len(expired) != 2 {
		t.Fatalf("after lease expiry: %v", ids)
	}
	if err := db.BlockChat(ctx, "telegram", "b", "bot was blocked by the user", t0); err != nil {
		t.Fatal(err)
	}
	pending, failed, _ := db.OutboxCounts(ctx)
	if failed != 3 || pending != 2 {
		t.Fatalf("after block: pending=%d failed=%d, want 2 and 3", pending, failed)
	}
}

// A long queue in one chat (a flood) whose head is being handled does not
// hide the other chats from the claims, though their messages come after
// the whole flood: the claims read past it.
func TestClaimsReadPastOneChatsFlood(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	var batch []store.Inbound
	for i := 0; i < 3000; i++ {
		batch = append(batch, inbound("flood", i))
	}
	batch = append(batch, inbound("quiet", 3000))
	if _, err := db.StoreInbound(ctx, batch); err != nil {
		t.Fatal(err)
	}
	holding := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *store.Tx) error {
			in, err := tx.ClaimInbound(ctx, t0)
			if err == nil && in.ChatID != "flood" {
				t.Errorf("first claim: chat %s, want the flood's head", in.ChatID)
			}
			close(holding)
			<-release
			return err
		})
	}()
	<-holding
	err := db.InTx(ctx, func(tx *store.Tx) error {
		in, err := tx.ClaimInbound(ctx, t0)
		if err == nil && in.ChatID != "quiet" {
			t.Errorf("second claim: chat %s message %s, want the quiet chat", in.ChatID, in.ExternalID)
		}
		return err
	})
	close(release)
	if err != nil {
		t.Fatalf("second claim while the flood's head is held: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// The same for the outbox: the flood's head in flight, the quiet chat's
	// message behind 3,000 others is claimed, and the limit holds.
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < 3000; i++ {
			if err := tx.Enqueue(ctx, "telegram", "flood", []byte(`{"text":"x"}`), t0); err != nil {
				return err
			}
		}
		for _, chat := range []string{"quiet1", "quiet2", "quiet3"} {
			if err := tx.Enqueue(ctx, "telegram", chat, []byte(`{"text":"y"}`), t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.ClaimOutgoing(ctx, "telegram", t0, time.Minute, 1)
	if err != nil || len(first) != 1 || first[0].ChatID != "flood" {
		t.Fatalf("first outbox claim: %+v, %v; want the flood's head alone", first, err)
	}
	next, err := db.ClaimOutgoing(ctx, "telegram", t0, time.Minute, 2)
	if err != nil || len(next) != 2 || next[0].ChatID != "quiet1" || next[1].ChatID != "quiet2" {
		t.Fatalf("second outbox claim: %+v, %v; want quiet1 and quiet2 in order", next, err)
	}
}

// Two transactions writing to one chat: the one that commits first is
// delivered first, whichever said its message first (the outbox takes its
// ids at commit).
func TestOutboxFollowsCommitOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	said, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Enqueue(ctx, "telegram", "-100", []byte(`{"text":"said first, committed second"}`), t0); err != nil {
				return err
			}
			close(said)
			<-release
			return nil
		})
	}()
	<-said
	err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.Enqueue(ctx, "telegram", "-100", []byte(`{"text":"said second, committed first"}`), t0)
	})
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < 2; i++ {
		m, err := db.ClaimOutgoing(ctx, "telegram", t0, time.Minute, 1)
		if err != nil || len(m) != 1 {
			t.Fatalf("claim %d: %v, %v", i, m, err)
		}
		got = append(got, string(m[0].Payload))
		if err := db.MarkSent(ctx, m[0].ID, t0); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(got[0], "committed first") {
		t.Fatalf("delivery order %q: the message committed first must go first", got)
	}
}

// A new sender releases its predecessor's leases of one channel; delivered
// messages and other channels are untouched.
func TestReleaseLeases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range []struct{ ch, chat string }{{"telegram", "a"}, {"telegram", "b"}, {"web", "c"}} {
			if err := tx.Enqueue(ctx, c.ch, c.chat, []byte(`{"text":"x"}`), t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tg, _ := db.ClaimOutgoing(ctx, "telegram", t0, time.Minute, 10)
	web, _ := db.ClaimOutgoing(ctx, "web", t0, time.Minute, 10)
	if len(tg) != 2 || len(web) != 1 {
		t.Fatalf("claimed %d telegram, %d web", len(tg), len(web))
	}
	if err := db.MarkSent(ctx, tg[0].ID, t0); err != nil {
		t.Fatal(err)
	}
	n, err := db.ReleaseLeases(ctx, "telegram", t0.Add(time.Second))
	if err != nil || n != 1 {
		t.Fatalf("released %d, %v; want the one undelivered telegram message", n, err)
	}
	again, _ := db.ClaimOutgoing(ctx, "telegram", t0.Add(time.Second), time.Minute, 10)
	if len(again) != 1 || again[0].ID != tg[1].ID {
		t.Fatalf("after release: %+v", again)
	}
	if w, _ := db.ClaimOutgoing(ctx, "web", t0.Add(time.Second), time.Minute, 10); len(w) != 0 {
		t.Fatal("the web chat's lease was released too")
	}
}

// A desk code drawn twice is refused as a conflict without spoiling the
// transaction, so another can be drawn in it.
func TestDeskCodeDrawnTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.IssueDeskCode(ctx, "AAAA3333", "super_admin", "", "test", t0, t0.Add(time.Hour)); err != nil {
			return err
		}
		if err := tx.IssueRoomCode(ctx, "AAAA3333", store.RoomCode{Kind: "super_admin"}, t0, t0.Add(time.Hour)); !errors.Is(err, store.ErrConflict) {
			t.Errorf("the same code again: %v, want ErrConflict", err)
		}
		return tx.IssueRoomCode(ctx, "AAAA4444", store.RoomCode{Kind: "super_admin"}, t0, t0.Add(time.Hour))
	})
	if err != nil {
		t.Fatalf("the transaction after a taken code: %v", err)
	}
}

// A web chat's stream shows "what is after the last seq it showed", so a
// chat's seqs must become visible in order: a second writer waits for the
// first to commit before it draws its seq.
func TestWebTranscriptSeqsCommitInOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	line := func(text string) store.WebMessage {
		return store.WebMessage{ChatID: "wchat", Payload: []byte(`{"text":"` + text + `"}`), At: t0}
	}
	drawn, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.AddWebMessage(ctx, line("first")); err != nil {
				return err
			}
			close(drawn)
			<-release
			return nil
		})
	}()
	<-drawn
	second := make(chan error, 1)
	go func() {
		_, err := db.AddWebMessage(ctx, line("second"))
		second <- err
	}()
	select {
	case err := <-second:
		close(release)
		t.Fatalf("a second line committed (%v) while the first held an earlier seq uncommitted", err)
	case <-time.After(300 * time.Millisecond):
	}
	if shown, err := db.WebMessagesAfter(ctx, "wchat", 0, 10); err != nil || len(shown) != 0 {
		t.Fatalf("before the first commit the stream shows %d lines (%v)", len(shown), err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	shown, err := db.WebMessagesAfter(ctx, "wchat", 0, 10)
	if err != nil || len(shown) != 2 || !strings.Contains(string(shown[0].Payload), "first") || shown[0].Seq >= shown[1].Seq {
		t.Fatalf("transcript %+v, %v", shown, err)
	}
}

// A postponed update waits, blocks its chat meanwhile, and comes back with
// no attempt counted.
func TestPostponeInboundCountsNoAttempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if _, err := db.StoreInbound(ctx, []store.Inbound{inbound("1", 1), inbound("1", 2)}); err != nil {
		t.Fatal(err)
	}
	claim := func(at time.Time) (store.Inbound, error) {
		var in store.Inbound
		err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			in, err = tx.ClaimInbound(ctx, at)
			return err
		})
		return in, err
	}
	first, err := claim(t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PostponeInbound(ctx, first.ID, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if in, err := claim(t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("while its head waits, the chat gave %+v (%v)", in, err)
	}
	again, err := claim(t0.Add(time.Second))
	if err != nil || again.ID != first.ID || again.Attempts != 0 {
		t.Fatalf("after the wait: %+v (%v); want the same update with 0 attempts", again, err)
	}
}

// Postponing an update another worker has claimed meanwhile neither waits
// for that worker nor changes the update.
func TestPostponeInboundLeavesAClaimedUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if _, err := db.StoreInbound(ctx, []store.Inbound{inbound("1", 1)}); err != nil {
		t.Fatal(err)
	}
	claimed, release := make(chan int64), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *store.Tx) error {
			in, err := tx.ClaimInbound(ctx, t0)
			if err != nil {
				close(claimed)
				return err
			}
			claimed <- in.ID
			<-release
			return nil
		})
	}()
	id, ok := <-claimed
	if !ok {
		t.Fatal(<-done)
	}
	postponed := make(chan error, 1)
	go func() { postponed <- db.PostponeInbound(ctx, id, t0.Add(time.Hour)) }()
	select {
	case err := <-postponed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("PostponeInbound waited for the worker holding the update")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ClaimInbound(ctx, t0)
		return err
	})
	if err != nil {
		t.Fatalf("the update was postponed although another worker held it: %v", err)
	}
}

// Only the claim that holds a message's lease renews it: after the lease
// ran out and another replica claimed the message, the first claim's
// renewal fails, and the new claim's works.
func TestRenewLeaseOnlyByItsClaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.Enqueue(ctx, "telegram", "a", []byte(`{"text":"x"}`), t0)
	}); err != nil {
		t.Fatal(err)
	}
	first, err := db.ClaimOutgoing(ctx, "telegram", t0, time.Minute, 1)
	if err != nil || len(first) != 1 || !first[0].LeaseUntil.Equal(t0.Add(time.Minute)) {
		t.Fatalf("claim: %+v %v", first, err)
	}
	until, ok, err := db.RenewLease(ctx, first[0].ID, first[0].LeaseUntil, t0.Add(90*time.Second))
	if err != nil || !ok || !until.Equal(t0.Add(90*time.Second)) {
		t.Fatalf("renewal by the holder: %v %v %v", until, ok, err)
	}
	if _, ok, _ := db.RenewLease(ctx, first[0].ID, first[0].LeaseUntil, t0.Add(2*time.Minute)); ok {
		t.Fatal("a renewal naming the lease before the last renewal worked")
	}
	second, _ := db.ClaimOutgoing(ctx, "telegram", t0.Add(2*time.Minute), time.Minute, 1)
	if len(second) != 1 {
		t.Fatalf("the expired lease was not claimable: %+v", second)
	}
	if _, ok, _ := db.RenewLease(ctx, first[0].ID, until, t0.Add(3*time.Minute)); ok {
		t.Fatal("the first claim renewed a lease another replica holds now")
	}
	if _, ok, err := db.RenewLease(ctx, second[0].ID, second[0].LeaseUntil, t0.Add(3*time.Minute)); !ok || err != nil {
		t.Fatalf("the new holder's renewal: %v %v", ok, err)
	}
	if err := db.MarkSent(ctx, second[0].ID, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.RenewLease(ctx, second[0].ID, t0.Add(3*time.Minute), t0.Add(4*time.Minute)); ok {
		t.Fatal("a sent message's lease was renewed")
	}
}
