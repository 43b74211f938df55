package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lapor-id/lapor/store"
)

// Handled and delivered messages older than the window go; everything a
// report or a file refers to, every failure and everything still waiting
// stays; a redelivery of a message that is still inside the window still
// changes nothing.
func TestPruneMessagesKeepsWhatMatters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	db, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var batch []store.Inbound
	for i := 1; i <= 9; i++ {
		batch = append(batch, inbound("7", i))
	}
	if _, err := db.StoreInbound(ctx, batch); err != nil {
		t.Fatal(err)
	}
	// Messages 1–8 handled (5 failed), 9 still waiting.
	ids := map[string]int64{}
	for i := 1; i <= 8; i++ {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			in, err := tx.ClaimInbound(ctx, t0)
			if err != nil {
				return err
			}
			ids[in.ExternalID] = in.ID
			outcome := "handled"
			if in.ExternalID == "5" {
				outcome = "failed: boom"
			}
			return tx.FinishInbound(ctx, in.ID, outcome, t0)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Message 2 created a report, message 3 brought an evidence file.
	r := store.Report{TrackingID: "MGT-RET0001", Type: "pengaduan", Description: "x", KecamatanCode: "35.20.06",
		Channel: "telegram", ChatID: "7", Lang: "id", Stage: "submitted", ResponsibleUnit: "x",
		StageStartedAt: t0, SubmittedAt: t0, SourceInboxID: ids["2"]}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateReport(ctx, &r) }); err != nil {
		t.Fatal(err)
	}
	blob, err := db.WriteBlob(ctx, strings.NewReader("jpeg"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.AddAttachment(ctx, &store.Attachment{Channel: "telegram", ChatID: "7", InboxID: ids["3"], Kind: "photo",
			MIMEType: "image/jpeg", BlobID: blob.ID, CreatedAt: t0})
	}); err != nil {
		t.Fatal(err)
	}
	// Outbound: one delivered, one failed, one waiting.
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, p := range []string{`{"text":"a"}`, `{"text":"b"}`, `{"text":"c"}`} {
			if err := tx.Enqueue(ctx, "telegram", "7", []byte(p), t0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// One chat's messages go out in order: "a" delivered, then "b" failed;
	// "c" waits behind nothing and stays pending.
	for _, settle := range []func(id int64) error{
		func(id int64) error { return db.MarkSent(ctx, id, t0) },
		func(id int64) error { return db.FailOutgoing(ctx, id, t0, "blocked") },
	} {
		out, err := db.ClaimOutgoing(ctx, "telegram", t0, time.Minute, 10)
		if err != nil || len(out) != 1 {
			t.Fatalf("claim: %d, %v", len(out), err)
		}
		if err := settle(out[0].ID); err != nil {
			t.Fatal(err)
		}
	}

	// Inside the window nothing goes.
	in, ob, err := db.PruneMessages(ctx, t0.Add(-time.Hour), 2)
	if err != nil || in != 0 || ob != 0 {
		t.Fatalf("inside the window: %d inbound, %d outbound pruned, %v", in, ob, err)
	}
	if n, _ := db.StoreInbound(ctx, []store.Inbound{inbound("7", 4)}); n != 0 {
		t.Fatal("a redelivered message inside the window was taken as new")
	}

	// Past it, in batches of two.
	in, ob, err = db.PruneMessages(ctx, t0.Add(time.Hour), 2)
	if err != nil {
		t.Fatal(err)
	}
	if in != 5 || ob != 1 { // 1, 4, 6, 7, 8; the delivered "a"
		t.Fatalf("pruned %d inbound, %d outbound; want 5 and 1", in, ob)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT external_id FROM inbox ORDER BY id`)
	left, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2", "3", "5", "9"}; len(left) != len(want) || left[0] != "2" || left[1] != "3" || left[2] != "5" || left[3] != "9" {
		t.Fatalf("inbound left: %v, want %v (the report's, the file's, the failed, the waiting)", left, want)
	}
	rows, _ = conn.Query(ctx, `SELECT payload->>'text' FROM outbox ORDER BY id`)
	leftOut, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(leftOut) != 2 || leftOut[0] != "b" || leftOut[1] != "c" {
		t.Fatalf("outbound left: %v, want the waiting and the failed", leftOut)
	}
	var got store.Report
	if err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		got, err = tx.ReportByTrackingID(ctx, "MGT-RET0001")
		return err
	}); err != nil || got.SourceInboxID != ids["2"] {
		t.Fatalf("the report after pruning: %+v, %v", got, err)
	}
}
