package store_test

import (
	"context"
	"testing"

	"github.com/lapor-id/lapor/store"
)

// FindReports with no stage filter searches every stage, and finds a
// report by its tracking number, its words or its national LAPOR! number.
func TestFindReportsWithoutStages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		r := newReport(t, tx, "MGT-FIND01", "Meteran listrik rusak di Desa Sidomukti")
		r.Stage, r.LaporTrackingID = "closed", "5550123"
		if err := tx.UpdateReport(ctx, &r); err != nil {
			return err
		}
		newReport(t, tx, "MGT-FIND02", "Jalan berlubang")
		for _, c := range []struct {
			f    store.ReportFilter
			want int
		}{
			{store.ReportFilter{Words: "sidomukti"}, 1},
			{store.ReportFilter{Words: "FIND0"}, 2},
			{store.ReportFilter{Words: "5550123"}, 1},
			{store.ReportFilter{Words: "555"}, 0}, // the national number only whole
			{store.ReportFilter{}, 2},
			{store.ReportFilter{Stages: []string{"closed"}}, 1},
			{store.ReportFilter{Stages: []string{"submitted"}, Words: "sidomukti"}, 0},
		} {
			got, err := tx.FindReports(ctx, c.f)
			if err != nil {
				return err
			}
			if len(got) != c.want {
				t.Errorf("FindReports(%+v) = %d reports, want %d", c.f, len(got), c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
