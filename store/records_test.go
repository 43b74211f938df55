package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

// EachHistory streams reports with their events, answers and files, with
// the filters exports and open data use, and exact timestamps.
func TestEachHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	deadline := time.Date(2026, 12, 3, 16, 59, 59, 123456000, time.UTC)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < 5; i++ {
			r := &store.Report{TrackingID: fmt.Sprintf("MGT-AAAAA%d", i), Type: "pengaduan", Description: "jalan rusak",
				Channel: "telegram", ChatID: "1", Stage: "submitted", ResponsibleUnit: "super_admin",
				StageStartedAt: t0.AddDate(0, 0, i), SubmittedAt: t0.AddDate(0, 0, i), Confidential: i == 4}
			if err := tx.CreateReport(ctx, r); err != nil {
				return err
			}
			for k := 0; k < i; k++ {
				if err := tx.AppendEvent(ctx, store.Event{ReportID: r.ID, At: t0.Add(time.Duration(k) * time.Minute),
					Kind: "verify", StageFrom: "submitted", StageTo: "at_regency", ActorRole: "super_admin",
					ActorID: "9001 Sari", Note: fmt.Sprintf("note %d, \"quoted\"", k), Deadline: deadline}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	collect := func(f store.HistoryFilter) []store.History {
		var out []store.History
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.EachHistory(ctx, f, func(h store.History) error { out = append(out, h); return nil })
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := collect(store.HistoryFilter{})
	if len(all) != 5 || all[0].Report.TrackingID != "MGT-AAAAA0" {
		t.Fatalf("all: %d reports", len(all))
	}
	h := all[3]
	if len(h.Events) != 3 || h.Events[2].Note != `note 2, "quoted"` || !h.Events[2].Deadline.Equal(deadline) ||
		!h.Events[1].At.Equal(t0.Add(time.Minute)) || h.Events[0].ActorID != "9001 Sari" {
		t.Fatalf("events of the 4th report: %+v", h.Events)
	}
	if got := collect(store.HistoryFilter{NoConfidential: true}); len(got) != 4 {
		t.Fatalf("without confidential: %d", len(got))
	}
	got := collect(store.HistoryFilter{From: t0.AddDate(0, 0, 1), To: t0.AddDate(0, 0, 3), NewestFirst: true})
	if len(got) != 2 || got[0].Report.TrackingID != "MGT-AAAAA2" {
		t.Fatalf("period, newest first: %d", len(got))
	}
	if got := collect(store.HistoryFilter{TrackingIDs: []string{"MGT-AAAAA1", "MGT-AAAAA3"}, Limit: 1}); len(got) != 1 {
		t.Fatalf("ids with a limit: %d", len(got))
	}
}
