package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
)

// The agency's /antrian and its morning digest show when its first
// response is due, then how late it is; once it is sent, neither does.
func TestQueueAndDigestShowTheFirstResponseDeadline(t *testing.T) {
	h := followupHarness(t, true)
	h.now = time.Date(2026, 12, 7, 9, 0, 0, 0, calendar.Local()) // a Monday
	r := h.disposed(false)
	due := h.firstResponseDue(r)
	if due.IsZero() {
		t.Fatal("no first-response deadline after the disposition")
	}
	day := flows.FormatDate("id", due.In(calendar.Local()))
	expect(t, h.send(gPupr, groupCmd(uPupr, "antrian", "")), r.TrackingID, "respon awal paling lambat "+day)

	// Two working days past the first-response deadline, still within
	// the stage's.
	late := calendar.Default().Deadline(due, 2)
	h.now = time.Date(late.Year(), late.Month(), late.Day(), 9, 0, 0, 0, calendar.Local())
	if !h.now.Before(r.StageDeadline) {
		t.Fatalf("the test's moment %s is past the stage deadline %s", h.now, r.StageDeadline)
	}
	q := expect(t, h.send(gPupr, groupCmd(uPupr, "antrian", "")), r.TrackingID, "respon awal terlambat 2 hari kerja (batas "+day+")")
	if strings.Contains(q.Text, "🔴 "+r.TrackingID) {
		t.Errorf("the stage is marked overdue for a late first response:\n%s", q.Text)
	}
	if _, err := h.svc.Sweep(h.ctx); err != nil {
		t.Fatal(err)
	}
	digest := startingWith(messageTexts(h.drainAll()[gPupr]), "☀️")
	if len(digest) != 1 || !strings.Contains(digest[0], r.TrackingID) || !strings.Contains(digest[0], "respon awal terlambat 2 hari kerja") {
		t.Fatalf("the pupr digest: %q", digest)
	}

	// The first response is sent (to review): the deadline is met.
	h.post(gPupr, groupCmd(uPupr, "respon_awal", r.TrackingID+" Tim UPT meninjau lokasi."))
	h.drainAll()
	q = expect(t, h.send(gPupr, groupCmd(uPupr, "antrian", "")), r.TrackingID)
	if strings.Contains(q.Text, "respon awal") {
		t.Errorf("the queue still shows a first response that was sent:\n%s", q.Text)
	}
}

func messageTexts(msgs []flows.Outbound) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return out
}
