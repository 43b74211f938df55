package store_test

import (
	"context"
	"testing"

	"github.com/lapor-id/lapor/store"
)

// A follow-up draft belongs to one agency; a sent one is listed, a draft
// not; the first-response clock lists only reports at an agency, by
// deadline, and stopping it keeps when it started.
func TestFollowupsAndTheFirstResponseClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, code := range []string{"pupr", "dinkes"} {
			if err := tx.PutAgency(ctx, store.Agency{Code: code, Name: code, Kind: "dinas"}, t0); err != nil {
				return err
			}
		}
		a, b := newReport(t, tx, "MGT-AAAAAA", "gorong-gorong ambrol"), newReport(t, tx, "MGT-CCCCCC", "lampu mati")
		for _, r := range []*store.Report{&a, &b} {
			r.Stage, r.AgencyCode = "at_agency", "pupr"
			if err := tx.UpdateReport(ctx, r); err != nil {
				return err
			}
		}
		d1, err := tx.FollowupDraft(ctx, a.ID, 1, "pupr", "progress", t0)
		if err != nil {
			return err
		}
		d1.Body = "tim ke lokasi"
		if err := tx.SaveFollowup(ctx, d1); err != nil {
			return err
		}
		if again, err := tx.FollowupDraft(ctx, a.ID, 1, "pupr", "progress", t0); err != nil || again.ID != d1.ID || again.Body != "tim ke lokasi" {
			t.Errorf("the same agency's draft: %+v, %v", again, err)
		}
		if other, err := tx.FollowupDraft(ctx, a.ID, 1, "dinkes", "progress", t0); err != nil || other.ID == d1.ID || other.Body != "" {
			t.Errorf("another agency got the draft of pupr: %+v, %v", other, err)
		}
		if fs, err := tx.Followups(ctx, a.ID); err != nil || len(fs) != 0 {
			t.Errorf("drafts listed: %+v, %v", fs, err)
		}
		d1.Status, d1.SubmittedAt = "pending", t0
		if err := tx.SaveFollowup(ctx, d1); err != nil {
			return err
		}
		if fs, err := tx.Followups(ctx, a.ID); err != nil || len(fs) != 1 || fs[0].Status != "pending" || !fs[0].SubmittedAt.Equal(t0) {
			t.Errorf("sent follow-ups: %+v, %v", fs, err)
		}

		later, sooner := t0.AddDate(0, 0, 7), t0.AddDate(0, 0, 3)
		if err := tx.SetFirstResponseDue(ctx, a.ID, t0, later); err != nil {
			return err
		}
		if err := tx.SetFirstResponseDue(ctx, b.ID, t0, sooner); err != nil {
			return err
		}
		clocks, err := tx.FirstResponsesDueBy(ctx, t0.AddDate(0, 0, 5), 10)
		if err != nil || len(clocks) != 1 || clocks[0].ReportID != b.ID || !clocks[0].Due.Equal(sooner) || clocks[0].AgencyCode != "pupr" {
			t.Errorf("due by day 5: %+v, %v", clocks, err)
		}
		if clocks, _ := tx.FirstResponsesDueBy(ctx, t0.AddDate(1, 0, 0), 10); len(clocks) != 2 || clocks[0].ReportID != b.ID {
			t.Errorf("due within a year, soonest first: %+v", clocks)
		}
		if err := tx.StopFirstResponseClock(ctx, b.ID); err != nil {
			return err
		}
		base, due, err := tx.FirstResponseDue(ctx, b.ID)
		if err != nil || !base.Equal(t0) || !due.IsZero() {
			t.Errorf("stopped clock: base %v due %v, %v", base, due, err)
		}
		b.Stage = "answer_review"
		if err := tx.UpdateReport(ctx, &b); err != nil {
			return err
		}
		if err := tx.SetFirstResponseDue(ctx, b.ID, t0, sooner); err != nil {
			return err
		}
		if clocks, _ := tx.FirstResponsesDueBy(ctx, t0.AddDate(1, 0, 0), 10); len(clocks) != 1 || clocks[0].ReportID != a.ID {
			t.Errorf("a report away from the agency is listed: %+v", clocks)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
