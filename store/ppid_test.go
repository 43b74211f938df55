package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

// Migration 00020: the PPID's and its superior's roles and desks are
// stored, unknown ones are still refused, and the deadline sweep's
// queries find reports in the PPID path's stages (their clocks run: a
// deadline is set) and not the closed or paused ones (none is).
func TestPPIDRolesDesksAndDeadlines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	for _, role := range []string{"ppid", "ppid_superior"} {
		if err := db.PutOfficer(ctx, store.Officer{Channel: "telegram", UserID: "u-" + role, Role: role, Active: true}, t0); err != nil {
			t.Errorf("officer of role %s: %v", role, err)
		}
	}
	if err := db.PutOfficer(ctx, store.Officer{Channel: "telegram", UserID: "u-x", Role: "ppid_assistant", Active: true}, t0); err == nil {
		t.Error("an officer of an unknown role was stored")
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i, kind := range []string{"ppid", "ppid_superior"} {
			code := []string{"PPID3333", "ATAS3333"}[i]
			if err := tx.IssueDeskCode(ctx, code, kind, "", "test", t0, t0.Add(time.Hour)); err != nil {
				return err
			}
			d, err := tx.UseDeskCode(ctx, code, "telegram", "-10"+code, kind, "u-"+kind, t0)
			if err != nil {
				return err
			}
			if d.Kind != kind || d.AgencyCode != "" {
				t.Errorf("desk %+v, want kind %s without an agency", d, kind)
			}
		}
		due := map[string]bool{}
		for i, stage := range []string{"at_ppid", "info_answered", "objection", "closed", "waiting_citizen"} {
			r := &store.Report{TrackingID: "MGT-PPID" + string(rune('A'+i)) + "A", Type: "permintaan_informasi", Description: "salinan anggaran",
				Channel: "telegram", ChatID: "1", Stage: stage, ResponsibleUnit: "ppid", StageStartedAt: t0, SubmittedAt: t0,
				StageDeadline: t0.Add(time.Hour), DeadlineBase: t0, DeadlineDays: 10}
			if i >= 3 { // the workflow clears the deadline of a closed or paused report
				r.StageDeadline, r.DeadlineBase, r.DeadlineDays = time.Time{}, time.Time{}, 0
			}
			if err := tx.CreateReport(ctx, r); err != nil {
				return err
			}
			if err := tx.UpdateReport(ctx, r); err != nil {
				return err
			}
			due[r.TrackingID] = i < 3
		}
		got, err := tx.ReportsDueBy(ctx, t0.Add(2*time.Hour), 100)
		if err != nil {
			return err
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.TrackingID)
		}
		for id, want := range due {
			if slices.Contains(ids, id) != want {
				t.Errorf("ReportsDueBy: %s found %v, want %v (got %v)", id, !want, want, ids)
			}
		}
		open, err := tx.ReportsWithDeadline(ctx)
		if err != nil {
			return err
		}
		if len(open) != 3 {
			t.Errorf("ReportsWithDeadline found %d, want the 3 in the PPID path's stages", len(open))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
