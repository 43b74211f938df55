package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/store"
)

func TestSimilarDisposed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	if _, err := db.SeedAgencies(ctx, []store.Agency{{Code: "dishub", Name: "Dinas Perhubungan", Kind: "dinas"},
		{Code: "pupr", Name: "Dinas PUPR", Kind: "dinas"}, {Code: "dlhp", Name: "DLHP", Kind: "dinas"}}, t0); err != nil {
		t.Fatal(err)
	}
	reports := []struct{ text, agency string }{
		{"Lampu penerangan jalan di dusun Krajan mati sejak dua bulan", "dishub"},
		{"lampu PJU padam, jalan gelap gulita", "dishub"},
		{"jalan berlubang di depan sekolah, sudah banyak yang jatuh", "pupr"},
		{"jalan kabupaten rusak parah", "pupr"},
		{"sampah menumpuk di pinggir jalan", "dlhp"},
		{"lampu penerangan jalan mati, belum didisposisi", ""}, // not disposed: no precedent
	}
	ids := make([]int64, len(reports))
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i, r := range reports {
			rep := &store.Report{TrackingID: fmt.Sprintf("MGT-SIM%03d", i), Type: "pengaduan", Description: r.text,
				Channel: "telegram", ChatID: "1", Stage: "at_agency", ResponsibleUnit: "agency",
				StageStartedAt: t0, SubmittedAt: t0, Confidential: true}
			if err := tx.CreateReport(ctx, rep); err != nil {
				return err
			}
			if r.agency != "" {
				rep.AgencyCode = r.agency
				if err := tx.UpdateReport(ctx, rep); err != nil {
					return err
				}
			}
			ids[i] = rep.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []store.Precedent
	find := func(terms []string, exclude int64, limit int) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			got, err = tx.SimilarDisposed(ctx, terms, exclude, limit)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}

	// The stemmer finds "penerangan" and "mati" in the first; the rare
	// words outweigh "jalan", which four disposed reports share.
	find([]string{"lampu", "penerangan", "jalan", "mati"}, ids[5], 10)
	if len(got) != 5 {
		t.Fatalf("got %d precedents, want the 5 disposed reports sharing a word: %+v", len(got), got)
	}
	if got[0].ReportID != ids[0] || got[1].ReportID != ids[1] || got[0].AgencyCode != "dishub" || got[1].AgencyCode != "dishub" {
		t.Errorf("most similar: %+v, want the two street-light reports first", got[:2])
	}
	for i := 1; i < len(got); i++ {
		if got[i].Score > got[i-1].Score {
			t.Errorf("not ordered by score: %+v", got)
		}
	}
	for _, p := range got {
		if p.ReportID == ids[5] {
			t.Errorf("the undisposed report came back: %+v", p)
		}
	}
	if got[0].Score <= got[2].Score {
		t.Errorf("a report sharing only 'jalan' scored %v, as high as the best %v", got[2].Score, got[0].Score)
	}

	// The report itself is left out; limit holds; nothing to search (or
	// only what is not a lower-case word), nothing found.
	find([]string{"lampu", "penerangan", "mati"}, ids[0], 1)
	if len(got) != 1 || got[0].ReportID != ids[1] {
		t.Errorf("excluding the first, limit 1: %+v, want the PJU report", got)
	}
	for _, terms := range [][]string{nil, {"telaga"}, {"x'y", "a|b", "!", "JALAN"}} {
		find(terms, 0, 5)
		if len(got) != 0 {
			t.Errorf("SimilarDisposed(%q) = %+v, want nothing", terms, got)
		}
	}

	// A report an agency returned as not its authority no longer counts.
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		r, err := tx.LockReport(ctx, "MGT-SIM001")
		if err != nil {
			return err
		}
		r.AgencyCode = ""
		return tx.UpdateReport(ctx, &r)
	}); err != nil {
		t.Fatal(err)
	}
	find([]string{"pju", "padam"}, 0, 5)
	if len(got) != 0 {
		t.Errorf("after the return: %+v, want nothing", got)
	}
}

// BenchmarkSimilarDisposed times the similar-report query of a disposition
// against 50,000 disposed reports (and 50,000 not disposed), with the
// partial full-text index of migration 00014 and without it. The words
// come from the labelled complaints of flows/agency, common ones more often.
func BenchmarkSimilarDisposed(b *testing.B) {
	benchReports := 10000
	if s := os.Getenv("LAPOR_BENCH_REPORTS"); s != "" {
		fmt.Sscan(s, &benchReports)
	}
	ctx := context.Background()
	db := pg.NewDB(b)
	raw, err := os.ReadFile("../flows/agency/testdata/labelled.yaml")
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	var vocab []string
	for _, w := range strings.FieldsFunc(strings.ToLower(string(raw)), func(r rune) bool { return r < 'a' || r > 'z' }) {
		if len(w) > 2 && !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	if _, err := db.SeedAgencies(ctx, []store.Agency{{Code: "dishub", Name: "Dishub", Kind: "dinas"},
		{Code: "pupr", Name: "PUPR", Kind: "dinas"}, {Code: "dlhp", Name: "DLHP", Kind: "dinas"}}, t0); err != nil {
		b.Fatal(err)
	}
	if err := db.Exec(ctx, `
		INSERT INTO reports (tracking_id, type, description, anonymous, confidential, channel, chat_id, stage,
			responsible_unit, stage_started_at, submitted_at, updated_at, agency_code)
		SELECT 'MGT-B' || g, 'pengaduan',
			(SELECT string_agg(($1::text[])[1 + floor(array_length($1::text[], 1) * random() ^ 2)::int], ' ')
				FROM generate_series(1, 8 + g % 15) WHERE g > 0),
			false, false, 'test', '1', 'closed', 'x', now(), now(), now(),
			CASE WHEN g % 2 = 0 THEN (ARRAY['dishub', 'pupr', 'dlhp'])[1 + g % 3] END
		FROM generate_series(1, $2::int) AS g`, vocab, benchReports); err != nil {
		b.Fatal(err)
	}
	if err := db.Exec(ctx, "ANALYZE reports"); err != nil {
		b.Fatal(err)
	}
	terms := []string{"lampu", "penerangan", "jalan", "mati", "minggu", "gelap", "rawan", "begal"}
	run := func(b *testing.B) {
		for b.Loop() {
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				got, err := tx.SimilarDisposed(ctx, terms, 0, 5)
				if err == nil && len(got) != 5 {
					b.Fatalf("%d precedents, want 5", len(got))
				}
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("index", run)
	if err := db.Exec(ctx, "DROP INDEX reports_disposed_description"); err != nil {
		b.Fatal(err)
	}
	b.Run("no-index", run)
}
