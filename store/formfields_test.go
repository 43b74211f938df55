package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lapor-id/lapor/store"
)

// A report keeps its title, category and contact; a correction bumps the
// version and is refused against a version that moved on, and the
// workflow's own updates leave the corrected fields alone.
func TestReportFormFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		r := &store.Report{TrackingID: "MGT-FFFFFF", Type: "pengaduan", Description: "jalan rusak di depan pasar",
			Channel: "telegram", ChatID: "1", Stage: "submitted", ResponsibleUnit: "super_admin",
			StageStartedAt: t0, SubmittedAt: t0, Title: "Jalan rusak", Category: "infrastruktur", Contact: "+6281234567890"}
		if err := tx.CreateReport(ctx, r); err != nil {
			return err
		}
		got, err := tx.ReportByTrackingID(ctx, r.TrackingID)
		if err != nil {
			return err
		}
		if got.Title != "Jalan rusak" || got.Category != "infrastruktur" || got.Contact != "+6281234567890" {
			t.Errorf("stored %q %q %q", got.Title, got.Category, got.Contact)
		}
		stale := got
		if err := tx.SetReportForm(ctx, &got, "Jalan pasar rusak", "perhubungan", t0.Add(1)); err != nil {
			return err
		}
		if got.Version != stale.Version+1 {
			t.Errorf("version %d after a correction of %d", got.Version, stale.Version)
		}
		if err := tx.SetReportForm(ctx, &stale, "Lain", "lainnya", t0.Add(2)); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a correction of an old version: %v, want ErrConflict", err)
		}
		got.Stage, got.UpdatedAt = "at_regency", t0.Add(3)
		if err := tx.UpdateReport(ctx, &got); err != nil {
			return err
		}
		again, err := tx.ReportByTrackingID(ctx, r.TrackingID)
		if err != nil {
			return err
		}
		if again.Title != "Jalan pasar rusak" || again.Category != "perhubungan" || again.Stage != "at_regency" {
			t.Errorf("after the workflow's update: %q %q %q", again.Title, again.Category, again.Stage)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
