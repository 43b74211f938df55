package flows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// loadMillion imports 1,000,000 reports: 900,000 closed, 100,000 open with
// deadlines, of which due are overdue at monday and the rest due in months.
func loadMillion(b *testing.B, h *harness, due int) {
	b.Helper()
	const total, open = 1_000_000, 100_000
	stages := []string{"submitted", "at_regency", "at_agency", "answer_review"}
	batch := make([]store.Report, 0, 50_000)
	flush := func() {
		if _, err := h.db.ImportReports(h.ctx, batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := 0; i < total; i++ {
		r := store.Report{TrackingID: fmt.Sprintf("LOAD-%07d", i), Type: "pengaduan", Description: "laporan uji beban",
			Confidential: true, Channel: "load", ChatID: fmt.Sprint(i), Stage: "closed", ResponsibleUnit: "",
			StageStartedAt: monday, SubmittedAt: monday.AddDate(0, 0, -i%300), KecamatanCode: "35.20.06"}
		if i < open {
			r.Stage = stages[i%len(stages)]
			if r.Stage == "at_agency" {
				r.AgencyCode = "pupr"
			}
			r.SubmittedAt = monday
			r.DeadlineBase, r.DeadlineDays = monday, 60
			r.StageDeadline = monday.AddDate(0, 3, 0)
			if i < due {
				r.StageDeadline = monday.AddDate(0, 0, -3) // overdue
			}
		}
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
}

func benchSweep(b *testing.B, due int) {
	h := &harness{t: nil, ctx: b.Context(), db: pg.NewDB(b), now: monday}
	h.svc = flows.New(h.db, flows.DefaultConfig(), calendar.Default(), nil, func() time.Time { return h.now }, nil)
	if err := h.svc.Seed(h.ctx); err != nil {
		b.Fatal(err)
	}
	loadMillion(b, h, due)
	plan, err := h.db.ExplainReportsDueBy(h.ctx, calendar.Default().Deadline(monday, 2))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("query plan at %s:\n%s", monday, plan)
	cal := calendar.Default()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Each round is a new working morning: the overdue items are due
		// again (one reminder per item per day).
		h.now = cal.NextWorkingDay(h.now).Add(9 * time.Hour)
		res, err := h.svc.Sweep(h.ctx)
		if err != nil {
			b.Fatal(err)
		}
		if res.Reminders != due {
			b.Fatalf("sweep reminded %d, want %d", res.Reminders, due)
		}
	}
}

func BenchmarkSweepNothingDue(b *testing.B) { benchSweep(b, 0) }
func BenchmarkSweep10kDue(b *testing.B)     { benchSweep(b, 10_000) }
