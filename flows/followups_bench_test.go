package flows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// BenchmarkSweepFirstResponses: 100,000 reports at agencies, 2,000 of them
// with an overdue first response; each round is a new working morning, so
// each of those is reminded again (and escalated the first time).
func BenchmarkSweepFirstResponses2kOverdue(b *testing.B) {
	h := &harness{t: nil, ctx: b.Context(), db: pg.NewDB(b), now: monday}
	h.svc = flows.New(h.db, flows.DefaultConfig(), calendar.Default(), nil, func() time.Time { return h.now }, nil)
	if err := h.svc.Seed(h.ctx); err != nil {
		b.Fatal(err)
	}
	const total, due = 100_000, 2_000
	batch := make([]store.Report, 0, total)
	for i := range total {
		batch = append(batch, store.Report{TrackingID: fmt.Sprintf("LOAD-%07d", i), Type: "pengaduan", Description: "laporan uji beban",
			Confidential: true, Channel: "load", ChatID: fmt.Sprint(i), Stage: "at_agency", AgencyCode: "pupr", ResponsibleUnit: "agency",
			StageStartedAt: monday, SubmittedAt: monday, KecamatanCode: "35.20.06", DeadlineBase: monday, DeadlineDays: 60,
			StageDeadline: monday.AddDate(0, 3, 0)})
	}
	if _, err := h.db.ImportReports(h.ctx, batch); err != nil {
		b.Fatal(err)
	}
	// Every report's first-response clock runs; 2,000 are overdue at monday.
	if err := h.db.Exec(h.ctx, `UPDATE reports SET first_response_base = $1, first_response_due = $2`,
		monday, monday.AddDate(0, 1, 0)); err != nil {
		b.Fatal(err)
	}
	if err := h.db.Exec(h.ctx, `UPDATE reports SET first_response_due = $1 WHERE id IN (SELECT id FROM reports ORDER BY id LIMIT $2)`,
		monday.AddDate(0, 0, -3), due); err != nil {
		b.Fatal(err)
	}
	cal := calendar.Default()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
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
