package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

func newReport(t testing.TB, tx *store.Tx, id, description string) store.Report {
	t.Helper()
	r := store.Report{TrackingID: id, Type: "pengaduan", Description: description, KecamatanCode: "35.20.07",
		Channel: "telegram", ChatID: "1", Lang: "id", Stage: "submitted", ResponsibleUnit: "super_admin",
		StageStartedAt: t0, SubmittedAt: t0}
	if err := tx.CreateReport(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// Whatever a citizen typed, the search for similar reports builds a valid
// full-text query, or none: it never fails on the words themselves.
func TestSimilarOpenReportsTakesAnyDescription(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	hostile := []string{"", "   ", "yang dan di", "Jum'at jalan O'Brien's rusak", `back\slash \' "quoted" jalan`,
		"jalan & | ! ( ) : * <-> rusak", "jalan:* rusak:A", "🕳️🕳️ jalan 🚧 rusak", "'); DROP TABLE reports; -- jalan rusak",
		"ĵalan ŕusak çafé naïve", "a1_b2 x-y z.w jalan rusak 100% 5kg", "\x00jalan rusak"}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		base := newReport(t, tx, "MGT-BASE01", "Jalan rusak berlubang di depan pasar")
		for i, d := range hostile {
			if d == "\x00jalan rusak" {
				continue // PostgreSQL text holds no NUL; intake never stores one
			}
			r := newReport(t, tx, fmt.Sprintf("MGT-HOST%02d", i), d)
			got, err := tx.SimilarOpenReports(ctx, store.SimilarQuery{ReportID: r.ID, Since: t0.AddDate(0, 0, -60),
				RadiusM: 300, StopWords: "yang dan di"})
			if err != nil {
				return fmt.Errorf("description %q: %w", d, err)
			}
			for _, s := range got {
				if s.Report.ID == r.ID {
					t.Errorf("%q: a report is listed as its own duplicate", d)
				}
				if s.Report.ID == base.ID && s.Shared == 0 {
					t.Errorf("%q: listed with no shared word", d)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Merges stay flat: a duplicate's followers move to its original, and a
// report cannot be merged into itself or twice.
func TestMergeReportKeepsMergesFlat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		a, b, c := newReport(t, tx, "MGT-MRG00A", "a"), newReport(t, tx, "MGT-MRG00B", "b"), newReport(t, tx, "MGT-MRG00C", "c")
		if _, err := tx.MergeReport(ctx, a.ID, b.ID, t0, "9001"); err != nil {
			return err
		}
		moved, err := tx.MergeReport(ctx, b.ID, c.ID, t0, "9001")
		if err != nil {
			return err
		}
		if len(moved) != 1 || moved[0] != a.ID {
			t.Errorf("moved %v, want [%d]", moved, a.ID)
		}
		for _, r := range []store.Report{a, b} {
			if o, err := tx.MergedInto(ctx, r.ID); err != nil || o.ID != c.ID {
				t.Errorf("%s merged into %v (%v), want %s", r.TrackingID, o.TrackingID, err, c.TrackingID)
			}
		}
		if f, err := tx.Followers(ctx, c.ID); err != nil || len(f) != 2 {
			t.Errorf("followers of c: %d (%v), want 2", len(f), err)
		}
		if _, err := tx.MergedInto(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the root is merged: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{"MGT-MRG00C", "MGT-MRG00C"}, {"MGT-MRG00A", "MGT-MRG00C"}} {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			d, _ := tx.ReportByTrackingID(ctx, pair[0])
			o, _ := tx.ReportByTrackingID(ctx, pair[1])
			_, err := tx.MergeReport(ctx, d.ID, o.ID, t0, "9001")
			return err
		})
		if err == nil {
			t.Errorf("merging %s into %s was stored", pair[0], pair[1])
		}
	}
}

// BenchmarkSimilarOpenReports looks for the duplicates of one report among
// n submitted over 90 days in 18 kecamatan, half of them open: 10,000 is
// already far above a regency's load (about 55 open reports a day in each
// kecamatan), 100,000 a stress case.
func BenchmarkSimilarOpenReports(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchmarkSimilar(b, n) })
	}
}

func benchmarkSimilar(b *testing.B, n int) {
	ctx := context.Background()
	db := pg.NewDB(b)
	words := []string{"jalan", "rusak", "berlubang", "lampu", "mati", "sampah", "menumpuk", "air", "keruh", "banjir",
		"saluran", "tersumbat", "pohon", "tumbang", "pelayanan", "lambat", "puskesmas", "antre", "sekolah", "atap", "bocor",
		"jembatan", "retak", "pasar", "becek", "parkir", "liar", "pungutan", "izin", "berbelit"}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var rows []store.Report
	for i := range n {
		stage := "closed"
		if i%2 == 0 {
			stage = "at_agency"
		}
		d := fmt.Sprintf("%s %s %s %s sejak %d hari", words[i%len(words)], words[(i/7)%len(words)],
			words[(i/49)%len(words)], words[(i/343)%len(words)], i%30)
		rows = append(rows, store.Report{TrackingID: fmt.Sprintf("MGT-B%06d", i), Type: "pengaduan", Description: d,
			Channel: "telegram", ChatID: "1", Stage: stage, ResponsibleUnit: "agency", StageStartedAt: now,
			SubmittedAt: now.Add(-time.Duration(i%90) * 24 * time.Hour), KecamatanCode: fmt.Sprintf("35.20.%02d", 1+i%18)})
	}
	if _, err := db.ImportReports(ctx, rows); err != nil {
		b.Fatal(err)
	}
	var me store.Report
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		me = newReport(b, tx, "MGT-BENCH1", "Jalan rusak berlubang besar di dekat pasar, becek kalau hujan")
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			got, err := tx.SimilarOpenReports(ctx, store.SimilarQuery{ReportID: me.ID, Since: now.AddDate(0, 0, -60),
				RadiusM: 300, StopWords: "di dekat", MinShared: 2})
			if err == nil && len(got) == 0 {
				err = errors.New("nothing found")
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
