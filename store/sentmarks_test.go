package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

// Several replies of one transaction, to several chats, go in with one
// statement: each chat's in the order they were said, payloads intact;
// and deliveries finished together are marked sent in one statement, each
// with its own time, leaving the chat's next message claimable.
func TestRepliesWrittenTogetherAndMarkedTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range 6 {
			chat := fmt.Sprint("chat-", i%2)
			if err := tx.Enqueue(ctx, "telegram", chat, []byte(fmt.Sprintf(`{"text":"%s #%d"}`, chat, i)), t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for round := range 3 {
		m, err := db.ClaimOutgoing(ctx, "telegram", t0, time.Minute, 10)
		if err != nil || len(m) != 2 {
			t.Fatalf("round %d: claimed %d (%v), want one per chat", round, len(m), err)
		}
		ids, ats := []int64{}, []time.Time{}
		for i, o := range m {
			got = append(got, string(o.Payload))
			ids, ats = append(ids, o.ID), append(ats, t0.Add(time.Duration(round*10+i)*time.Second))
		}
		if err := db.MarkSentMany(ctx, ids, ats); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{`{"text": "chat-0 #0"}`, `{"text": "chat-1 #1"}`, `{"text": "chat-0 #2"}`, `{"text": "chat-1 #3"}`, `{"text": "chat-0 #4"}`, `{"text": "chat-1 #5"}`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("delivered %q, want %q", got, want)
	}
	if pending, _, err := db.OutboxCounts(ctx); err != nil || pending != 0 {
		t.Fatalf("pending after marking = %d (%v), want 0", pending, err)
	}
	if m, err := db.ClaimOutgoing(ctx, "telegram", t0.Add(time.Hour), time.Minute, 10); err != nil || len(m) != 0 {
		t.Fatalf("claimed %d after all were marked sent (%v)", len(m), err)
	}
}
