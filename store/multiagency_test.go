package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/migrations"
)

// A report's other agencies are kept with it and found by each agency; each
// agency has its own answer to a round, and reopening takes back the named
// parts only.
func TestReportWithSeveralAgencies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if _, err := db.SeedAgencies(ctx, []store.Agency{{Code: "pupr", Name: "PUPR", Kind: "dinas"},
		{Code: "dlhp", Name: "DLHP", Kind: "dinas"}}, t0); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		r := &store.Report{TrackingID: "MGT-MMMMMM", Type: "pengaduan", Description: "jalan rusak dan selokan tersumbat sampah",
			Channel: "telegram", ChatID: "1", Stage: "at_agency", ResponsibleUnit: "agency", StageStartedAt: t0, SubmittedAt: t0}
		if err := tx.CreateReport(ctx, r); err != nil {
			return err
		}
		got, err := tx.ReportByTrackingID(ctx, r.TrackingID)
		if err != nil {
			return err
		}
		if got.CoAgencies == nil || len(got.CoAgencies) != 0 {
			t.Errorf("a new report's other agencies: %#v, want an empty list", got.CoAgencies)
		}
		got.AgencyCode, got.CoAgencies = "pupr", []string{"dlhp"}
		if err := tx.UpdateReport(ctx, &got); err != nil {
			return err
		}
		for _, code := range []string{"pupr", "dlhp"} {
			found, err := tx.FindReports(ctx, store.ReportFilter{AgencyCode: code})
			if err != nil {
				return err
			}
			if len(found) != 1 || !slices.Equal(found[0].CoAgencies, []string{"dlhp"}) {
				t.Errorf("agency %s finds %+v", code, found)
			}
		}
		if found, err := tx.FindReports(ctx, store.ReportFilter{AgencyCode: "dinkes"}); err != nil || len(found) != 0 {
			t.Errorf("another agency finds %d reports (%v)", len(found), err)
		}
		var ids []int64
		for _, code := range []string{"pupr", "dlhp"} {
			a, err := tx.AnswerFor(ctx, got.ID, 1, code, t0)
			if err != nil {
				return err
			}
			a.Body, a.SubmittedAt = "bagian "+code, t0
			if err := tx.SaveAnswer(ctx, a); err != nil {
				return err
			}
			ids = append(ids, a.ID)
		}
		if ids[0] == ids[1] {
			t.Fatalf("two agencies share answer %d", ids[0])
		}
		if err := tx.ReopenAnswers(ctx, got.ID, 1, []string{"dlhp"}); err != nil {
			return err
		}
		parts, err := tx.RoundAnswers(ctx, got.ID, 1)
		if err != nil {
			return err
		}
		if len(parts) != 2 || parts[0].AgencyCode != "pupr" || parts[0].SubmittedAt.IsZero() ||
			parts[1].AgencyCode != "dlhp" || !parts[1].SubmittedAt.IsZero() || parts[1].Body != "bagian dlhp" {
			t.Errorf("after reopening dlhp's part: %+v", parts)
		}
		if err := tx.ReopenAnswers(ctx, got.ID, 1, nil); err != nil {
			return err
		}
		if parts, err = tx.RoundAnswers(ctx, got.ID, 1); err == nil && !parts[0].SubmittedAt.IsZero() {
			t.Errorf("reopening every part left pupr's sent")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Migrating down from 00023 keeps the first agency's part of each round
// (the old key allows one) and the report's lead agency; up again works.
func TestMultiAgencyMigrationDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	db := openDB(t, url)
	var reportID int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		r := &store.Report{TrackingID: "MGT-NNNNNN", Type: "pengaduan", Description: "jalan dan selokan",
			Channel: "telegram", ChatID: "1", Stage: "at_agency", ResponsibleUnit: "agency", StageStartedAt: t0, SubmittedAt: t0}
		if err := tx.CreateReport(ctx, r); err != nil {
			return err
		}
		reportID = r.ID
		for _, code := range []string{"pupr", "dlhp"} {
			if _, err := tx.AnswerFor(ctx, r.ID, 1, code, t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pool := poolOf(t, url)
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 22); err != nil {
		t.Fatal(err)
	}
	var agencies []string
	rows, err := pool.Query(ctx, `SELECT agency_code FROM answers WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		agencies = append(agencies, a)
	}
	rows.Close()
	if !slices.Equal(agencies, []string{"pupr"}) {
		t.Errorf("after down: answers of %v, want pupr's", agencies)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
}
