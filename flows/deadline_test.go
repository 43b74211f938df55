package flows_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// population seeds one report in every stage that has a clock, plus one
// that is about to reach the Ombudsman limit, all starting at h.now.
func (h *harness) population() map[string]store.Report {
	h.t.Helper()
	p := flows.DefaultPolicy()
	cal := calendar.Default()
	out := map[string]store.Report{}
	seed := func(name string, stage flows.Stage, agency string, submitted time.Time, mutate func(*store.Report)) {
		r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan", Description: "Uraian " + name,
			KecamatanCode: "35.20.06", Confidential: true, Channel: "test", ChatID: "55" + fmt.Sprint(len(out)), Lang: "id",
			Stage: string(stage), ResponsibleUnit: "x", StageStartedAt: h.now, SubmittedAt: submitted}
		if days := p.Stages[stage]; days > 0 {
			r.DeadlineBase, r.DeadlineDays, r.StageDeadline = h.now, days, cal.Deadline(h.now, days)
		}
		if mutate != nil {
			mutate(&r)
		}
		err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
			if err := tx.CreateReport(h.ctx, &r); err != nil {
				return err
			}
			r.AgencyCode = agency
			return tx.UpdateReport(h.ctx, &r)
		})
		if err != nil {
			h.t.Fatal(err)
		}
		out[name] = r
	}
	seed("submitted", flows.StageSubmitted, "", h.now, nil)
	seed("at_regency", flows.StageAtRegency, "", h.now, nil)
	seed("at_agency", flows.StageAtAgency, "pupr", h.now, nil)
	seed("answer_review", flows.StageAnswerReview, "pupr", h.now, nil)
	seed("answered", flows.StageAnswered, "pupr", h.now, nil)
	seed("waiting", flows.StageWaitingCitizen, "", h.now, func(r *store.Report) {
		r.ResumeStage, r.PausedDays, r.Question = string(flows.StageSubmitted), 2, "Nomor rumah?"
	})
	// Submitted 55 working days ago and still at the agency.
	old := cal.Deadline(h.now.AddDate(0, -4, 0), 0)
	for cal.WorkingDaysBetween(old, h.now) > 55 {
		old = cal.NextWorkingDay(old).Add(10 * time.Hour)
	}
	seed("old", flows.StageAtAgency, "pupr", old, nil)
	return out
}

// expected is what the policy says must happen to the population, as
// (report name, kind, WIB date) triples, for sweeps that run every working
// day from 08:00.
func expectedMarks(t *testing.T, pop map[string]store.Report, start time.Time, days int) []string {
	p := flows.DefaultPolicy()
	cal := calendar.Default()
	var out []string
	add := func(name, kind string, at time.Time) {
		out = append(out, fmt.Sprintf("%s %s %s", name, kind, calendar.DateOf(at)))
	}
	end := start.AddDate(0, 0, days)
	workdays := func(from, to time.Time, f func(day time.Time)) {
		for d := calendar.DateOf(from).Start(); !d.After(to); d = d.AddDate(0, 0, 1) {
			if cal.IsWorkingDay(d) {
				f(d)
			}
		}
	}
	for _, name := range []string{"submitted", "at_regency", "at_agency", "answer_review"} {
		r := pop[name]
		D := r.StageDeadline
		workdays(start, end, func(day time.Time) {
			at := day.Add(8 * time.Hour)
			if !at.After(D) {
				if left := cal.WorkingDaysBetween(at, D); left <= 2 {
					add(name, fmt.Sprintf("due-%d", left), at)
				}
				return
			}
			add(name, "overdue:"+calendar.DateOf(at).String(), at)
			if cal.WorkingDaysBetween(D, at) == 1 {
				add(name, "escalated", at)
			}
		})
	}
	// The citizen: a reminder 2 working days before, then the silent close.
	ans := pop["answered"]
	workdays(start, end, func(day time.Time) {
		at := day.Add(8 * time.Hour)
		if !at.After(ans.StageDeadline) && cal.WorkingDaysBetween(at, ans.StageDeadline) == p.CitizenRemindBefore {
			add("answered", "citizen-remind", at)
		}
	})
	// Tunda: reminded on the 3rd working day, closed after the 10th.
	w := pop["waiting"]
	workdays(start, end, func(day time.Time) {
		at := day.Add(8 * time.Hour)
		if cal.WorkingDaysBetween(w.StageStartedAt, at) == p.TundaRemindAfter {
			add("waiting", "tunda-remind", at)
		}
	})
	// The old report: its overdue reminders and the Ombudsman forward.
	old := pop["old"]
	workdays(start, end, func(day time.Time) {
		at := day.Add(8 * time.Hour)
		if at.After(old.StageDeadline) {
			add("old", "overdue:"+calendar.DateOf(at).String(), at)
			if cal.WorkingDaysBetween(old.StageDeadline, at) == 1 {
				add("old", "escalated", at)
			}
		} else if left := cal.WorkingDaysBetween(at, old.StageDeadline); left <= 2 {
			add("old", fmt.Sprintf("due-%d", left), at)
		}
		if at.After(cal.Deadline(old.SubmittedAt, p.OmbudsmanAfter)) && !at.Add(-24*time.Hour).After(cal.Deadline(old.SubmittedAt, p.OmbudsmanAfter)) {
			add("old", "ombudsman", at)
		}
	})
	sort.Strings(out)
	return out
}

func (h *harness) gotMarks(pop map[string]store.Report) []string {
	names := map[int64]string{}
	for n, r := range pop {
		names[r.ID] = n
	}
	log, err := h.db.MarkLog(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, m := range log {
		out = append(out, fmt.Sprintf("%s %s %s", names[m.ReportID], m.Kind, calendar.DateOf(m.At)))
	}
	sort.Strings(out)
	return out
}

func diff(want, got []string) string {
	count := map[string]int{}
	for _, w := range want {
		count[w]++
	}
	for _, g := range got {
		count[g]--
	}
	var lines []string
	for k, n := range count {
		if n > 0 {
			lines = append(lines, "missing: "+k)
		} else if n < 0 {
			lines = append(lines, "extra:   "+k)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// A fake clock walks 90 days over a report in every stage: exactly the
// reminders, escalations, silent close, Tunda reminder and expiry and the
// Ombudsman forward the policy calls for happen, on the expected working
// days, and nothing else.
func TestNinetyDaysOfSweeps(t *testing.T) {
	h := chainHarness(t)
	start := h.now // Monday 30 November 2026 10:00 WIB
	pop := h.population()
	end := start.AddDate(0, 0, 90)
	cal := calendar.Default()
	messagesPerDesk := map[string]map[string]int{} // chat -> day -> messages
	ombudsmanFiles := map[string]int{}             // chat -> messages of Ombudsman escalation files
	for day := calendar.DateOf(start).AddDays(1).Start(); day.Before(end); day = day.AddDate(0, 0, 1) {
		for _, hour := range []int{6, 8, 13, 21} {
			h.now = day.Add(time.Duration(hour) * time.Hour)
			res, err := h.svc.Sweep(h.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if (hour == 6 || !cal.IsWorkingDay(h.now)) && res != (flows.SweepResult{}) {
				t.Fatalf("%s: the sweep acted outside working hours: %+v", h.now, res)
			}
			for chat, msgs := range h.drainAll() {
				if !strings.HasPrefix(chat, "-") {
					continue
				}
				if messagesPerDesk[chat] == nil {
					messagesPerDesk[chat] = map[string]int{}
				}
				for _, m := range msgs {
					if isOmbudsmanFile(m) { // its own kind, once per report (flows/ombudsman_test.go)
						ombudsmanFiles[chat]++
						continue
					}
					messagesPerDesk[chat][calendar.DateOf(h.now).String()]++
				}
			}
		}
	}
	want := expectedMarks(t, pop, start.AddDate(0, 0, 1), 89)
	got := h.gotMarks(pop)
	if d := diff(want, got); d != "" {
		t.Fatalf("sweeps did not do exactly what the policy says:\n%s", d)
	}
	final := map[string]string{}
	for name, r := range pop {
		cur, _ := h.reportNow(r.TrackingID)
		final[name] = cur.Stage
		if name == "old" && cur.OmbudsmanLimitAt.IsZero() {
			t.Errorf("the old report was not flagged as past the Ombudsman limit")
		}
	}
	if final["answered"] != "closed" || final["waiting"] != "archived" || final["submitted"] != "submitted" {
		t.Fatalf("final stages: %v", final)
	}
	// One message of each kind per desk per day at most: a digest, a
	// reminder batch and an escalation batch.
	for chat, days := range messagesPerDesk {
		for day, n := range days {
			if n > 3 {
				t.Errorf("desk %s got %d messages on %s", chat, n, day)
			}
		}
	}
	// The old report's Ombudsman file (card and PDF) went to the regency
	// desk once.
	if ombudsmanFiles[gRegency] != 2 || len(ombudsmanFiles) != 1 {
		t.Errorf("Ombudsman file messages per desk: %v", ombudsmanFiles)
	}
	t.Logf("%d marks over 90 days", len(got))
}

// Two schedulers sweeping at the same moment send nothing twice; a process
// that was down for three working days sends each missed event once.
func TestConcurrentSweepsAndCatchUp(t *testing.T) {
	h := chainHarness(t)
	pop := h.population()
	// A second process on the same database, as a second replica would be.
	other := flows.New(h.db, flows.DefaultConfig(), calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	// Down from Tuesday to Friday: the first sweep is the next Monday.
	h.now = time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.Local())
	var wg sync.WaitGroup
	for _, svc := range []*flows.Service{h.svc, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Sweep(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	out := h.drainAll()
	for chat, msgs := range out {
		if strings.HasPrefix(chat, "-") && len(msgs) > 3 {
			t.Errorf("desk %s got %d messages after the outage", chat, len(msgs))
		}
		seen := map[string]bool{}
		for _, m := range msgs {
			if seen[m.Text] {
				t.Errorf("chat %s got the same message twice: %q", chat, m.Text)
			}
			seen[m.Text] = true
		}
	}
	got := h.gotMarks(pop)
	perReportKind := map[string]int{}
	for _, g := range got {
		f := strings.Fields(g)
		perReportKind[f[0]+" "+strings.SplitN(f[1], ":", 2)[0]]++
	}
	for k, n := range perReportKind {
		if n > 1 {
			t.Errorf("%s happened %d times after the outage", k, n)
		}
	}
	if perReportKind["submitted escalated"] != 1 || perReportKind["submitted overdue"] != 1 {
		t.Errorf("the overdue report was not reported exactly once: %v", got)
	}
	if res, _ := h.svc.Sweep(h.ctx); res.Reminders+res.Escalations+res.Digests != 0 {
		t.Errorf("a rerun sent again: %+v", res)
	}
}

// A holiday added at run time moves an open deadline, and removing it moves
// it back.
func TestRunTimeHolidayMovesOpenDeadlines(t *testing.T) {
	h := chainHarness(t)
	pop := h.population()
	r := pop["submitted"] // Monday 30 Nov + 3 working days = Thursday 3 Dec
	if got := r.StageDeadline.In(calendar.Local()).Format(time.DateOnly); got != "2026-12-03" {
		t.Fatalf("deadline %s", got)
	}
	day, _ := flows.ParseDay("2026-12-02")
	moved, err := h.svc.ChangeHoliday(h.ctx, day, "Libur daerah Magetan", false, false, "test")
	if err != nil || moved == 0 {
		t.Fatalf("moved %d, %v", moved, err)
	}
	cur, _ := h.reportNow(r.TrackingID)
	if got := cur.StageDeadline.In(calendar.Local()).Format(time.RFC3339); got != "2026-12-04T23:59:59+07:00" {
		t.Fatalf("after the holiday: %s, want Friday 4 Dec", got)
	}
	if _, err := h.svc.ChangeHoliday(h.ctx, day, "", false, true, "test"); err != nil {
		t.Fatal(err)
	}
	cur, _ = h.reportNow(r.TrackingID)
	if got := cur.StageDeadline.In(calendar.Local()).Format(time.DateOnly); got != "2026-12-03" {
		t.Fatalf("after undo: %s", got)
	}
	// /libur in the regency desk does the same and says so.
	expect(t, h.send(gRegency, groupCmd(uRegency, "libur", "tambah 2026-12-02 Hari jadi")), "dihitung ulang")
	expect(t, h.send(gRegency, groupCmd(uRegency, "libur", "")), "2026-12-02")
	expect(t, h.send(gRegency, groupCmd(uRegency, "sla", "")), "10 hari kerja")
}

// Idulfitri and its collective leave in each year of the data.
func TestIdulfitriEveryYear(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct{ start, want string }{
		// Thursday before Nyepi's leave (28 Mar) and Idulfitri with its leave (31 Mar–7 Apr).
		{"2025-03-27T10:00:00+07:00", "2025-04-08T23:59:59+07:00"},
		// Idulfitri 2026 with its leave: 18–24 March.
		{"2026-03-17T10:00:00+07:00", "2026-03-25T23:59:59+07:00"},
		// Idulfitri 2027 (estimate) with its leave: 8–12 and 15 March.
		{"2027-03-05T10:00:00+07:00", "2027-03-16T23:59:59+07:00"},
		{"2027-03-08T10:00:00+07:00", "2027-03-16T23:59:59+07:00"},
	} {
		start, _ := time.Parse(time.RFC3339, c.start)
		if got := cal.Deadline(start, 1).Format(time.RFC3339); got != c.want {
			t.Errorf("1 working day after %s: %s, want %s", c.start, got, c.want)
		}
	}
}
