package bot_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// A card's message id is recorded when it is sent; its edits then apply in
// the chat's order, an edit superseded by a newer one of the same card is
// dropped, an edit that changes nothing is a success, and one Telegram
// will never apply (the message is gone) is given up quietly: nothing
// fails, nothing is retried, the chat is not blocked.
func TestCardEditsFollowTheCard(t *testing.T) {
	t.Parallel()
	db, fake, d := setup(t, 50, 0)
	const chat = 7
	fake.AllowChat(chat)
	ctx := context.Background()
	now := time.Now()
	var reportID int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		r := store.Report{TrackingID: "MGT-CARD01", Type: "pengaduan", Description: "x", Channel: "telegram", ChatID: "1",
			Lang: "id", Stage: "submitted", ResponsibleUnit: "super_admin", StageStartedAt: now, SubmittedAt: now}
		err := tx.CreateReport(ctx, &r)
		reportID = r.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	put := func(tx *store.Tx, o flows.Outbound) error {
		b, _ := json.Marshal(o)
		return tx.Enqueue(ctx, "telegram", "7", b, now)
	}
	verify := [][]flows.Button{{{Label: "Verifikasi", Data: "w|verify|MGT-CARD01|1|"}}}
	var cardID, gone, unsent int64
	err = db.InTx(ctx, func(tx *store.Tx) error {
		card, err := tx.AddCard(ctx, store.Card{ReportID: reportID, Channel: "telegram", ChatID: "7", DeskKind: "super_admin"}, now)
		if err != nil {
			return err
		}
		cardID = card
		if err := put(tx, flows.Outbound{Text: "kartu v1", Buttons: verify, Card: card}); err != nil {
			return err
		}
		for _, text := range []string{"kartu v2", "kartu v3"} {
			seq, err := tx.NextCardEdit(ctx, card)
			if err != nil {
				return err
			}
			o := flows.Outbound{Text: text, EditCard: card, EditSeq: seq}
			if text == "kartu v2" {
				o.Buttons = verify
			}
			if err := put(tx, o); err != nil {
				return err
			}
		}
		// A card whose message was deleted, and one never sent.
		if gone, err = tx.AddCard(ctx, store.Card{ReportID: reportID, Channel: "telegram", ChatID: "7", DeskKind: "regency_admin"}, now); err != nil {
			return err
		}
		if unsent, err = tx.AddCard(ctx, store.Card{ReportID: reportID, Channel: "telegram", ChatID: "7", DeskKind: "agency"}, now); err != nil {
			return err
		}
		for _, c := range []int64{gone, unsent} {
			seq, err := tx.NextCardEdit(ctx, c)
			if err != nil {
				return err
			}
			if err := put(tx, flows.Outbound{Text: "hilang", EditCard: c, EditSeq: seq}); err != nil {
				return err
			}
		}
		return put(tx, flows.Outbound{Text: "setelah"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CardSent(ctx, gone, "999999", false, now); err != nil {
		t.Fatal(err)
	}
	d.Wake()
	wait, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	sent, err := fake.WaitSent(wait, chat, 3)
	if err != nil {
		t.Fatalf("%v: %+v", err, sent)
	}
	card := sent[0]
	if card.Method != "sendMessage" || card.Text != "kartu v1" || len(card.Keyboard) != 1 {
		t.Fatalf("card %+v", card)
	}
	// v2 was superseded before its turn.
	if e := sent[1]; e.Method != "editMessageText" || e.MessageID != card.MessageID || e.Text != "kartu v3" || e.Keyboard != nil {
		t.Fatalf("edit %+v", e)
	}
	if sent[2].Text != "setelah" || len(sent) != 3 {
		t.Fatalf("after the edits: %+v", sent[2:])
	}
	if c, err := db.Card(ctx, cardID); err != nil || c.MessageID != strconv.Itoa(card.MessageID) || c.SentAt.IsZero() {
		t.Fatalf("the card's message id was not recorded: %+v %v", c, err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		pending, failed, err := db.OutboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 && failed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox: %d pending, %d failed", pending, failed)
		}
	}
	if blocked, err := db.ChatBlocked(ctx, "telegram", "7"); err != nil || blocked {
		t.Fatalf("chat blocked: %v %v", blocked, err)
	}
	// An edit that changes nothing (the same state drawn again) is done.
	err = db.InTx(ctx, func(tx *store.Tx) error {
		seq, err := tx.NextCardEdit(ctx, cardID)
		if err != nil {
			return err
		}
		if err := put(tx, flows.Outbound{Text: "kartu v3", EditCard: cardID, EditSeq: seq}); err != nil {
			return err
		}
		return put(tx, flows.Outbound{Text: "setelah 2"})
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Wake()
	if sent, err = fake.WaitSent(wait, chat, 4); err != nil || sent[3].Text != "setelah 2" || len(sent) != 4 {
		t.Fatalf("%v: %+v", err, sent)
	}
	if st := fake.Stats(); st.Errors["Bad Request: message to edit not found"] != 1 || st.Errors["Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"] != 1 {
		t.Fatalf("errors %v", st.Errors)
	}
	if _, failed, err := db.OutboxCounts(ctx); err != nil || failed != 0 {
		t.Fatalf("an edit that changed nothing failed: %d %v", failed, err)
	}
}
