package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lapor-id/lapor/store"
)

// seedYear loads n reports submitted in 2026 across stages, agencies and
// kecamatan, each with the events of its way through the SOP (about five).
func seedYear(tb testing.TB, dbURL string, n int) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := db.Exec(ctx, `INSERT INTO agencies (code, name, kind, active, updated_at)
		VALUES ('pupr', 'Dinas Pekerjaan Umum dan Penataan Ruang', 'dinas', true, now()),
		       ('dinkes', 'Dinas Kesehatan', 'dinas', true, now()) ON CONFLICT DO NOTHING`); err != nil {
		tb.Fatal(err)
	}
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	stages := []string{"submitted", "at_regency", "at_agency", "answer_review", "answered", "closed", "archived"}
	kec := []string{"35.20.01", "35.20.06", "35.20.10", "35.20.18"}
	agencies := []string{"pupr", "dinkes"}
	const batch = 20_000
	for from := 0; from < n; from += batch {
		reports := make([]store.Report, 0, batch)
		for i := from; i < min(n, from+batch); i++ {
			sub := start.Add(time.Duration(i%330) * 24 * time.Hour).Add(time.Duration(i%600) * time.Minute)
			r := store.Report{TrackingID: fmt.Sprintf("MGT-L%07d", i), Type: []string{"pengaduan", "aspirasi", "permintaan_informasi"}[i%3],
				Description: "Jalan berlubang di depan pasar, sudah dua bulan belum diperbaiki; warga sering terjatuh saat hujan.",
				Anonymous:   i%5 == 0, Confidential: i%7 == 0, Channel: "telegram", ChatID: fmt.Sprint(700000 + i),
				Stage: stages[i%len(stages)], StageStartedAt: sub, SubmittedAt: sub, KecamatanCode: kec[i%len(kec)]}
			if i%len(stages) >= 2 {
				r.AgencyCode = agencies[i%2]
			}
			if i%len(stages) < 5 {
				r.StageDeadline, r.DeadlineBase, r.DeadlineDays = sub.AddDate(0, 0, 7), sub, 5
			}
			reports = append(reports, r)
		}
		if _, err := db.ImportReports(ctx, reports); err != nil {
			tb.Fatal(err)
		}
	}
	ids, err := db.ReportIDs(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	path := []struct{ kind, from, to, role, actor string }{
		{"submitted", "", "submitted", "citizen", ""},
		{"verify", "submitted", "at_regency", "super_admin", "9001 Sari"},
		{"dispose", "at_regency", "at_agency", "regency_admin", "9002 Budi"},
		{"submit", "at_agency", "answer_review", "liaison_officer", "9003 Rina"},
		{"approve", "answer_review", "answered", "regency_admin", "9002 Budi"},
		{"accept", "answered", "closed", "citizen", ""},
	}
	events := make([]store.Event, 0, 6*batch)
	flush := func() {
		if _, err := db.ImportEvents(ctx, events); err != nil {
			tb.Fatal(err)
		}
		events = events[:0]
	}
	for i := 0; i < n; i++ {
		id := ids[fmt.Sprintf("MGT-L%07d", i)]
		sub := start.Add(time.Duration(i%330) * 24 * time.Hour)
		for k, p := range path[:min(len(path), i%len(stages)+1)] {
			at := sub.Add(time.Duration(k) * 26 * time.Hour)
			events = append(events, store.Event{ReportID: id, At: at, Kind: p.kind, StageFrom: p.from, StageTo: p.to,
				ActorRole: p.role, ActorID: p.actor, Note: "catatan", Deadline: at.AddDate(0, 0, 3+i%6)})
		}
		if len(events) >= 5*batch {
			flush()
		}
	}
	flush()
}

// The 100,000-report XLSX export, as an admin runs it: `lapor export` in
// its own process, timed, with its peak RSS from the kernel. Run with
//
//	go test -run '^$' -bench Export100k -benchtime 1x ./cmd/lapor
func BenchmarkExport100kXLSX(b *testing.B) {
	dbURL := pg.NewDatabase(b)
	seedStart := time.Now()
	seedYear(b, dbURL, 100_000)
	b.Logf("seeded 100,000 reports with their events in %s", time.Since(seedStart).Round(time.Millisecond))
	out := filepath.Join(b.TempDir(), "export.xlsx")
	b.ResetTimer()
	var peak int64
	var wall time.Duration
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "export", "--format", "xlsx", "--period", "2026", "--out", out)
		cmd.Env = append(os.Environ(), "LAPOR_TEST_AS_MAIN=1", "LAPOR_DATABASE_URL="+dbURL, "LAPOR_LOG_LEVEL=warn")
		started := time.Now()
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("export: %v\n%s", err, msg)
		}
		wall = time.Since(started)
		peak = max(peak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) // KiB on Linux
	}
	b.StopTimer()
	b.ReportMetric(wall.Seconds(), "s/export")
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
	st, _ := os.Stat(out)
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
	f, err := excelize.OpenFile(out)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if n != 100_001 {
		b.Fatalf("the export has %d rows, want 100,000 reports and a header", n)
	}
}
