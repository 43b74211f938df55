package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

func waInbound(chat, ext string) store.Inbound {
	return store.Inbound{Channel: "whatsapp", ExternalID: chat + "/" + ext, ChatID: chat,
		Payload: []byte(`{"text":"x"}`), ReceivedAt: t0}
}

const (
	mergePN  = "6281100000001@s.whatsapp.net"
	mergeLID = "99000000000001@lid"
)

// A number's chat becomes its LID's: pending updates (in order, before the
// LID's first), the draft, the outbox and the officer registered by
// number; the redelivered update is still recognised; a second merge finds
// nothing to do.
func TestMergeChatMovesEverythingOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if _, err := db.StoreInbound(ctx, []store.Inbound{waInbound(mergePN, "A"), waInbound(mergePN, "B")}); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveConversation(ctx, store.Conversation{Channel: "whatsapp", ChatID: mergePN, UserID: mergePN,
			Lang: "id", Step: "description", Draft: []byte(`{"description":["lampu mati"]}`), UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.PutOfficer(ctx, store.Officer{Channel: "whatsapp", UserID: mergePN, Name: "Sari", Role: "regency_admin", Active: true}, t0); err != nil {
			return err
		}
		return tx.Enqueue(ctx, "whatsapp", mergePN, []byte(`{"text":"Uraian?"}`), t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The first update under the LID arrives with the merge.
	n, err := db.StoreInboundWith(ctx, []store.Inbound{waInbound(mergeLID, "C")}, func(tx *store.Tx) error {
		merged, err := tx.MergeChat(ctx, "whatsapp", mergePN, mergeLID)
		if err == nil && !merged {
			err = errors.New("nothing merged")
		}
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("store with merge: n=%d err=%v", n, err)
	}
	// Redelivered under the LID: a duplicate, not a new update.
	if n, err := db.StoreInbound(ctx, []store.Inbound{waInbound(mergeLID, "A")}); err != nil || n != 0 {
		t.Fatalf("the redelivered update A was stored again: n=%d err=%v", n, err)
	}
	var order []string
	for range 3 {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			in, err := tx.ClaimInbound(ctx, t0.Add(time.Hour))
			if err != nil {
				return err
			}
			if in.ChatID != mergeLID {
				t.Errorf("update %s still under %s", in.ExternalID, in.ChatID)
			}
			order = append(order, in.ExternalID)
			return tx.FinishInbound(ctx, in.ID, "handled", t0)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{mergeLID + "/A", mergeLID + "/B", mergeLID + "/C"}; !equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.LoadConversation(ctx, "whatsapp", mergeLID)
		if err != nil {
			return err
		}
		if c.Step != "description" || c.UserID != mergeLID || string(c.Draft) != `{"description": ["lampu mati"]}` {
			t.Errorf("conversation under the LID: %+v %s", c, c.Draft)
		}
		if old, _ := tx.LoadConversation(ctx, "whatsapp", mergePN); old.Step != "idle" {
			t.Errorf("the number kept a conversation: %+v", old)
		}
		if o, err := tx.OfficerByUser(ctx, "whatsapp", mergeLID); err != nil || o.Name != "Sari" {
			t.Errorf("officer under the LID: %+v %v", o, err)
		}
		merged, err := tx.MergeChat(ctx, "whatsapp", mergePN, mergeLID)
		if merged {
			t.Error("a second merge found something to do")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.ClaimOutgoing(ctx, "whatsapp", t0.Add(time.Hour), time.Minute, 10)
	if err != nil || len(out) != 1 || out[0].ChatID != mergeLID {
		t.Fatalf("outbox: %+v %v", out, err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A worker in the middle of handling the number's update holds it: the
// merge does not wait (WhatsApp's event handler must not) but says the
// chat is busy; once the worker has committed, the merge takes what it
// wrote too.
func TestMergeChatDoesNotWaitForTheWorker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if _, err := db.StoreInbound(ctx, []store.Inbound{waInbound(mergePN, "A")}); err != nil {
		t.Fatal(err)
	}
	claimed, release := make(chan struct{}), make(chan struct{})
	worker := make(chan error, 1)
	go func() {
		worker <- db.InTx(ctx, func(tx *store.Tx) error {
			in, err := tx.ClaimInbound(ctx, t0)
			if err != nil {
				return err
			}
			close(claimed)
			<-release
			if err := tx.SaveConversation(ctx, store.Conversation{Channel: "whatsapp", ChatID: in.ChatID, UserID: in.ChatID,
				Lang: "id", Step: "type", Draft: []byte(`{}`), UpdatedAt: t0}); err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, "whatsapp", in.ChatID, []byte(`{"text":"Jenis laporan?"}`), t0); err != nil {
				return err
			}
			return tx.FinishInbound(ctx, in.ID, "handled", t0)
		})
	}()
	<-claimed
	merge := func() error {
		return db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.MergeChat(ctx, "whatsapp", mergePN, mergeLID)
			return err
		})
	}
	start := time.Now()
	if err := merge(); !errors.Is(err, store.ErrChatBusy) {
		t.Fatalf("merge beside a busy worker: %v, want ErrChatBusy", err)
	}
	if waited := time.Since(start); waited > 500*time.Millisecond {
		t.Fatalf("the merge waited %v for the worker", waited)
	}
	close(release)
	if err := <-worker; err != nil {
		t.Fatal(err)
	}
	if err := merge(); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.LoadConversation(ctx, "whatsapp", mergeLID)
		if err == nil && c.Step != "type" {
			t.Errorf("the worker's step is not under the LID: %+v", c)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.ClaimOutgoing(ctx, "whatsapp", t0.Add(time.Hour), time.Minute, 10)
	if err != nil || len(out) != 1 || out[0].ChatID != mergeLID {
		t.Fatalf("the worker's reply is not under the LID: %+v %v", out, err)
	}
}

// Both addresses have a conversation (the LID's started before the merge
// ran): the draft in progress wins, the other is kept in expired_drafts.
func TestMergeChatKeepsTheDraftInProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if _, err := db.StoreInbound(ctx, []store.Inbound{waInbound(mergePN, "A"), waInbound(mergeLID, "B")}); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range []store.Conversation{
			{Channel: "whatsapp", ChatID: mergePN, UserID: mergePN, Lang: "id", Step: "location", Draft: []byte(`{"description":["banjir"]}`), UpdatedAt: t0},
			{Channel: "whatsapp", ChatID: mergeLID, UserID: mergeLID, Lang: "en", Step: "idle", Draft: []byte(`{}`), UpdatedAt: t0.Add(time.Minute)},
		} {
			if err := tx.SaveConversation(ctx, c); err != nil {
				return err
			}
		}
		_, err := tx.MergeChat(ctx, "whatsapp", mergePN, mergeLID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.LoadConversation(ctx, "whatsapp", mergeLID)
		if err == nil && (c.Step != "location" || c.UserID != mergeLID) {
			t.Errorf("the draft in progress lost: %+v", c)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// LeaderElsewhere sees a lock another process holds, in this database
// only, not its own, and stops seeing it once released.
func TestLeaderElsewhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	holder, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(holder.Close)
	standby, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(standby.Close)
	other := pg.NewDB(t)
	// Several keys: hashtext gives negative keys as well as positive ones.
	for _, key := range []string{"lapor-whatsapp", "lapor-telegram", "x", "a", "b", "c", "d"} {
		if held, err := standby.LeaderElsewhere(ctx, key); err != nil || held {
			t.Fatalf("%s before: %v %v", key, held, err)
		}
		lease, err := holder.TryLeader(ctx, key)
		if err != nil || lease == nil {
			t.Fatalf("take %s: %v", key, err)
		}
		if held, err := standby.LeaderElsewhere(ctx, key); err != nil || !held {
			t.Fatalf("%s held: %v %v", key, held, err)
		}
		if held, err := holder.LeaderElsewhere(ctx, key); err != nil || held {
			t.Fatalf("%s: the holder sees its own lock as another's: %v", key, err)
		}
		if held, _ := other.LeaderElsewhere(ctx, key); held {
			t.Fatalf("%s seen held in another database", key)
		}
		if held, _ := standby.LeaderElsewhere(ctx, key+"2"); held {
			t.Fatalf("%s2 seen held", key)
		}
		lease.Release()
		if held, err := standby.LeaderElsewhere(ctx, key); err != nil || held {
			t.Fatalf("%s after release: %v %v", key, held, err)
		}
	}
}

// A process that cannot download a channel's files leaves the updates
// with files of that channel, and the rest of their chat, to others; it
// takes everything else.
func TestClaimInboundLeavingFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	file := waInbound("A@s.whatsapp.net", "1")
	file.Payload = []byte(`{"kind":"photo","file":{"id":"v1.x"}}`)
	after := waInbound("A@s.whatsapp.net", "2")
	text := waInbound("B@s.whatsapp.net", "3")
	tg := inbound("7", 4)
	tg.Payload = []byte(`{"kind":"photo","file":{"id":"tg"}}`)
	if _, err := db.StoreInbound(ctx, []store.Inbound{file, after, text, tg}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			in, err := tx.ClaimInboundLeaving(ctx, t0, []string{"whatsapp"})
			if err != nil {
				return err
			}
			got = append(got, in.ExternalID)
			return tx.FinishInbound(ctx, in.ID, "handled", t0)
		})
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !equal(got, []string{"B@s.whatsapp.net/3", "4"}) {
		t.Fatalf("claimed %v", got)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		in, err := tx.ClaimInbound(ctx, t0)
		if err == nil && in.ExternalID != "A@s.whatsapp.net/1" {
			t.Errorf("the connected process got %s first", in.ExternalID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
