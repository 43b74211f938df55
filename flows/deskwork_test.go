package flows_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// seedDue puts a report into a stage with the given deadline.
func (h *harness) seedDue(stage flows.Stage, agency string, deadline time.Time) store.Report {
	h.t.Helper()
	r := h.seedReport(stage, agency, false)
	r.StageDeadline = deadline
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error { return tx.UpdateReport(h.ctx, &r) }); err != nil {
		h.t.Fatal(err)
	}
	return r
}

// deskMessages is what the desks' groups were sent, by chat.
func deskMessages(out map[string][]flows.Outbound) map[string][]string {
	got := map[string][]string{}
	for chat, msgs := range out {
		if !strings.HasPrefix(chat, "-") {
			continue
		}
		for _, m := range msgs {
			got[chat] = append(got[chat], m.Text)
		}
	}
	return got
}

func startingWith(texts []string, prefix string) []string {
	var out []string
	for _, t := range texts {
		if strings.HasPrefix(t, prefix) {
			out = append(out, t)
		}
	}
	return out
}

// A sweep at 22:47 on a working day writes nothing to desks, though it
// still tells a citizen about their own report; nothing goes out over the
// collective leave, Christmas and the weekend either; the digest and the
// reminders arrive on the next working morning from 07:30.
func TestDeskRemindersWaitForWorkingHours(t *testing.T) {
	h := chainHarness(t)
	overdue := h.seedDue(flows.StageAtAgency, "pupr", time.Date(2026, 12, 21, 10, 0, 0, 0, calendar.Local()))
	answered := h.seedDue(flows.StageAnswered, "pupr", time.Date(2026, 12, 28, 12, 0, 0, 0, calendar.Local()))

	h.now = time.Date(2026, 12, 23, 22, 47, 0, 0, calendar.Local()) // Wednesday, a working day
	res, err := h.svc.Sweep(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Digests+res.Reminders+res.Escalations != 0 {
		t.Fatalf("at 22:47 the sweep wrote to desks: %+v", res)
	}
	if res.CitizenReminders != 1 {
		t.Fatalf("the citizen's reminder was held back at 22:47: %+v", res)
	}
	out := h.drainAll()
	if got := deskMessages(out); len(got) != 0 {
		t.Fatalf("desks got messages at 22:47: %v", got)
	}
	if len(out[answered.ChatID]) != 1 {
		t.Fatalf("the citizen got %d messages at 22:47", len(out[answered.ChatID]))
	}

	// Thursday is collective leave, Friday Christmas, then the weekend,
	// and Monday before 07:30 is still outside working hours.
	for _, at := range []time.Time{
		time.Date(2026, 12, 24, 8, 0, 0, 0, calendar.Local()), time.Date(2026, 12, 25, 9, 0, 0, 0, calendar.Local()),
		time.Date(2026, 12, 26, 10, 0, 0, 0, calendar.Local()), time.Date(2026, 12, 27, 13, 0, 0, 0, calendar.Local()),
		time.Date(2026, 12, 28, 7, 29, 0, 0, calendar.Local()),
	} {
		h.now = at
		res, err := h.svc.Sweep(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Digests+res.Reminders+res.Escalations != 0 {
			t.Fatalf("%s: the sweep wrote to desks: %+v", at, res)
		}
		if got := deskMessages(h.drainAll()); len(got) != 0 {
			t.Fatalf("%s: desks got %v", at, got)
		}
	}

	h.now = time.Date(2026, 12, 28, 7, 30, 0, 0, calendar.Local())
	res, err = h.svc.Sweep(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := deskMessages(h.drainAll())
	pupr := got[gPupr]
	if len(startingWith(pupr, "☀️")) != 1 || len(startingWith(pupr, "⏰")) != 1 {
		t.Fatalf("Monday 07:30: pupr's desk got %q (%+v)", pupr, res)
	}
	if !strings.Contains(startingWith(pupr, "⏰")[0], overdue.TrackingID) {
		t.Fatalf("the reminder does not name the overdue report: %q", pupr)
	}
	if esc := startingWith(got[gRegency], "⚠️"); len(esc) != 1 || !strings.Contains(esc[0], overdue.TrackingID) {
		t.Fatalf("the regency desk's escalation: %q", got[gRegency])
	}

	// Later the same day, from the end of working hours: nothing more.
	h.now = time.Date(2026, 12, 28, 16, 0, 0, 0, calendar.Local())
	h.seedDue(flows.StageAtAgency, "pupr", time.Date(2026, 12, 28, 15, 0, 0, 0, calendar.Local()))
	if res, err := h.svc.Sweep(h.ctx); err != nil || res.Reminders+res.Escalations+res.Digests != 0 {
		t.Fatalf("at 16:00: %+v %v", res, err)
	}
}

var reminderItem = regexp.MustCompile(`(?m)^• (MGT-[0-9A-Z]{6}) `)

// A desk holding 300 overdue reports gets one reminder it can read: the
// counts, the five most urgent reports with their deadlines, and the
// command that lists the rest; its supervising desk one escalation that
// counts them.
func TestReminderOfManyOverdueIsOneReadableMessage(t *testing.T) {
	h := chainHarness(t)
	h.now = time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.Local()) // Monday
	cal := calendar.Default()
	var overdue []store.Report
	reports := make([]store.Report, 0, 300)
	for i := range 300 {
		// Deadlines from 300 hours ago to one hour ago, in a shuffled order.
		hours := 1 + (i*7919)%300
		r := store.Report{TrackingID: fmt.Sprintf("MGT-%06d", i), Type: "pengaduan", Description: "Lampu jalan mati di depan sekolah.",
			KecamatanCode: "35.20.06", Confidential: true, Channel: "test", ChatID: fmt.Sprint(600000 + i), Lang: "id",
			Stage: string(flows.StageAtAgency), AgencyCode: "pupr", ResponsibleUnit: flows.DeskAgency,
			StageStartedAt: h.now.AddDate(0, -1, 0), SubmittedAt: h.now.AddDate(0, -1, 0), DeadlineBase: h.now.AddDate(0, -1, 0),
			DeadlineDays: 10, StageDeadline: h.now.Add(-time.Duration(hours) * time.Hour)}
		reports = append(reports, r)
	}
	if _, err := h.db.ImportReports(h.ctx, reports); err != nil {
		t.Fatal(err)
	}
	overdue = reports
	today1 := h.seedDue(flows.StageAtAgency, "pupr", h.now.Add(5*time.Hour))
	today2 := h.seedDue(flows.StageAtAgency, "pupr", h.now.Add(6*time.Hour))
	soon := []store.Report{
		h.seedDue(flows.StageAtAgency, "pupr", cal.Deadline(h.now, 1)),
		h.seedDue(flows.StageAtAgency, "pupr", cal.Deadline(h.now, 2)),
		h.seedDue(flows.StageAtAgency, "pupr", cal.Deadline(h.now, 2)),
	}
	res, err := h.svc.Sweep(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reminders != 305 || res.Escalations != 300 {
		t.Fatalf("sweep: %+v", res)
	}
	got := deskMessages(h.drainAll())
	rem := startingWith(got[gPupr], "⏰")
	if len(rem) != 1 {
		t.Fatalf("pupr's desk got %d reminder messages: %q", len(rem), got[gPupr])
	}
	text := rem[0]
	if !strings.Contains(text, "Lewat batas waktu: 300 · Batas waktu hari ini: 2 · Segera jatuh tempo: 3") {
		t.Fatalf("the reminder's counts: %s", text)
	}
	slices.SortFunc(overdue, func(a, b store.Report) int { return a.StageDeadline.Compare(b.StageDeadline) })
	var want []string
	for _, r := range overdue[:5] {
		want = append(want, r.TrackingID)
	}
	var named []string
	for _, m := range reminderItem.FindAllStringSubmatch(text, -1) {
		named = append(named, m[1])
	}
	if !slices.Equal(named, want) {
		t.Fatalf("the reminder names %v, want the five most overdue %v:\n%s", named, want, text)
	}
	for _, r := range append(soon, today1, today2) {
		if strings.Contains(text, r.TrackingID) {
			t.Fatalf("a report not among the most urgent is named: %s", r.TrackingID)
		}
	}
	if !strings.Contains(text, "…dan 300 laporan lainnya") || !strings.Contains(text, "/antrian") {
		t.Fatalf("the reminder does not say how to see the rest:\n%s", text)
	}
	if lines := strings.Count(text, "\n") + 1; lines > 10 || len(text) > 1500 {
		t.Fatalf("the reminder has %d lines, %d bytes:\n%s", lines, len(text), text)
	}
	digest := startingWith(got[gPupr], "☀️")
	if len(digest) != 1 || !strings.Contains(digest[0], "305 laporan terbuka") || len(reminderItem.FindAllString(digest[0], -1)) != 30 ||
		!strings.Contains(digest[0], "…dan 275 laporan lainnya") {
		t.Fatalf("the digest of 305 open reports: %q", digest)
	}
	esc := startingWith(got[gRegency], "⚠️")
	if len(esc) != 1 || !strings.Contains(esc[0], ": 300") || len(reminderItem.FindAllString(esc[0], -1)) != 5 {
		t.Fatalf("the regency desk's escalation: %q", esc)
	}
	t.Logf("the reminder:\n%s\n\nthe escalation:\n%s", text, esc[0])
}

// /antrian lists a desk's open reports by deadline, the overdue marked;
// /laporan in a desk shows the card with the buttons that desk may use
// now, and the history.
func TestDeskQueueAndReportCard(t *testing.T) {
	h := chainHarness(t)
	h.now = time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.Local())
	later := h.seedDue(flows.StageAtAgency, "pupr", h.now.AddDate(0, 0, 3))
	late := h.seedDue(flows.StageAtAgency, "pupr", h.now.AddDate(0, 0, -3))
	today := h.seedDue(flows.StageAtAgency, "pupr", h.now.Add(4*time.Hour))
	other := h.seedDue(flows.StageAtAgency, "dinkes", h.now.AddDate(0, 0, -5))

	q := expect(t, h.send(gPupr, groupCmd(uPupr, "antrian", "")), "3 laporan terbuka", "Lewat batas waktu: 1 · Batas waktu hari ini: 1")
	iLate, iToday, iLater := strings.Index(q.Text, late.TrackingID), strings.Index(q.Text, today.TrackingID), strings.Index(q.Text, later.TrackingID)
	if iLate < 0 || iToday < iLate || iLater < iToday {
		t.Fatalf("the queue is not by deadline:\n%s", q.Text)
	}
	if strings.Contains(q.Text, other.TrackingID) {
		t.Fatalf("pupr's queue shows dinkes' report:\n%s", q.Text)
	}
	if !strings.Contains(q.Text, "🔴 "+late.TrackingID) || !strings.Contains(q.Text, "terlambat") ||
		!strings.Contains(q.Text, "🟠 "+today.TrackingID) || !strings.Contains(q.Text, "• "+later.TrackingID) {
		t.Fatalf("overdue and due today are not marked:\n%s", q.Text)
	}

	t.Logf("/antrian:\n%s", q.Text)
	// The Ombudsman's desk holds only what was forwarded to it.
	expect(t, h.send(gOmbudsman, groupCmd(uOmbudsman, "antrian", "")), "tidak ada laporan terbuka")

	// In the agency's desk: the card with its buttons, and the history.
	card := expect(t, h.send(gPupr, groupCmd(uPupr, "laporan", late.TrackingID)), late.TrackingID, "Riwayat laporan")
	answer := fmt.Sprintf("w|%s|%s|%d|", flows.ActAnswer, late.TrackingID, late.Version)
	if !hasButton(card, answer) {
		t.Fatalf("the agency's card has no answer button %q: %+v", answer, card.Buttons)
	}
	// In the regency desk the report is not the regency's to act on now.
	card = expect(t, h.send(gRegency, groupCmd(uRegency, "laporan", late.TrackingID)), late.TrackingID, "Riwayat laporan")
	if len(card.Buttons) != 0 {
		t.Fatalf("the regency desk got buttons for a report at the agency: %+v", card.Buttons)
	}
	// A report the regency holds: its disposition button, which works.
	held := h.seedDue(flows.StageAtRegency, "", h.now.AddDate(0, 0, 2))
	card = expect(t, h.send(gRegency, groupCmd(uRegency, "laporan", held.TrackingID)), held.TrackingID)
	dispose := fmt.Sprintf("dsp|%s|%d", held.TrackingID, held.Version)
	if !hasButton(card, dispose) {
		t.Fatalf("the regency's card has no disposition button: %+v", card.Buttons)
	}
	in := press(dispose)
	in.IsGroup, in.UserID, in.UserName = true, uRegency, "Petugas "+uRegency
	expect(t, h.send(gRegency, in), "Disposisi "+held.TrackingID, "ke perangkat daerah mana")
}

// The working hours end at working_hours_until, which /sla shows; a policy
// file without it (copied before it existed) ends them at 16:00, and one
// ending before it starts is refused.
func TestWorkingHoursUntil(t *testing.T) {
	p := flows.DefaultPolicy()
	if p.WorkingHoursUntil != "16:00" || !strings.Contains(p.Describe(flows.LangID), "07:30–16:00 WIB") {
		t.Fatalf("until %q, /sla: %s", p.WorkingHoursUntil, p.Describe(flows.LangID))
	}
	base := "stages: {submitted: 3, at_regency: 5, at_agency: 10, answer_review: 7, answered: 10}\nremind_before: [2, 1, 0]\n" +
		"citizen_remind_before: 2\nombudsman_after: 60\ntunda_remind_after: 3\ntunda_expire_after: 10\ndraft_expire_after: 7\n" +
		"supervisor: {agency: regency_admin, regency_admin: super_admin, super_admin: super_admin}\nworking_hours_from: \"08:00\"\n"
	old, err := flows.ParsePolicy([]byte(base))
	if err != nil || old.WorkingHoursUntil != "16:00" {
		t.Fatalf("a policy without working_hours_until: %q %v", old.WorkingHoursUntil, err)
	}
	// ... nor the stages added later, which take this version's defaults.
	if d := flows.DefaultPolicy().Stages[flows.StageToLapor]; d < 1 || old.Stages[flows.StageToLapor] != d {
		t.Fatalf("a policy without stages.to_lapor: %d, default %d", old.Stages[flows.StageToLapor], d)
	}
	if _, err := flows.ParsePolicy([]byte(base + "working_hours_until: \"07:00\"\n")); err == nil ||
		!strings.Contains(err.Error(), "working_hours_until") {
		t.Fatalf("working hours ending before they start: %v", err)
	}
}

// A desk's web room opens on its queue.
func TestRoomOpensOnTheQueue(t *testing.T) {
	h := chainHarness(t)
	h.now = time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.Local())
	soon := h.seedDue(flows.StageAtAgency, "pupr", h.now.AddDate(0, 0, 2))
	late := h.seedDue(flows.StageAtAgency, "pupr", h.now.AddDate(0, 0, -2))
	code, err := h.svc.IssueRoomCode(h.ctx, flows.DeskAgency, "pupr", "Rina", "test")
	if err != nil {
		t.Fatal(err)
	}
	room, err := h.svc.EnterRoom(h.ctx, "test", "w-rina", code)
	if err != nil {
		t.Fatal(err)
	}
	msgs := h.drainAll()[room.ChatID]
	if len(msgs) != 1 {
		t.Fatalf("the room got %d messages on sign-in", len(msgs))
	}
	text := msgs[0].Text
	if !strings.HasPrefix(text, "📋") || !strings.Contains(text, "🔴 "+late.TrackingID) ||
		strings.Index(text, late.TrackingID) > strings.Index(text, soon.TrackingID) {
		t.Fatalf("the room's first view is not the queue by deadline:\n%s", text)
	}
}
