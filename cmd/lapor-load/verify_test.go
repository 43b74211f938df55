package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
)

func TestCompareChat(t *testing.T) {
	for _, c := range []struct {
		name      string
		want, got []string
		verdict   ChatComparison
	}{
		{"exact", []string{"a", "b", "c"}, []string{"a", "b", "c"}, ChatComparison{}},
		{"nothing", nil, nil, ChatComparison{}},
		{"repeat after a crash", []string{"a", "b", "c"}, []string{"a", "b", "b", "c"}, ChatComparison{Duplicates: 1}},
		{"repeated twice", []string{"a", "b"}, []string{"a", "a", "a", "b"}, ChatComparison{Duplicates: 2}},
		{"the same text twice in the outbox", []string{"a", "a", "b"}, []string{"a", "a", "b"}, ChatComparison{}},
		{"lost at the end", []string{"a", "b", "c"}, []string{"a"}, ChatComparison{Missing: 2}},
		{"lost in the middle", []string{"a", "b", "c"}, []string{"a", "c"}, ChatComparison{Missing: 1}},
		{"swapped", []string{"a", "b", "c"}, []string{"a", "c", "b"}, ChatComparison{Reordered: 1}},
		{"overtaken twice", []string{"a", "b", "c", "d"}, []string{"d", "c", "b", "a"}, ChatComparison{Reordered: 3}},
		{"stranger", []string{"a"}, []string{"a", "x"}, ChatComparison{Unexpected: 1}},
		{"old repeat out of turn", []string{"a", "b", "c"}, []string{"a", "b", "a", "c"}, ChatComparison{Unexpected: 1}},
		{"nothing delivered", []string{"a"}, nil, ChatComparison{Missing: 1}},
	} {
		got := compareChat(c.want, c.got)
		got.Examples, c.verdict.Examples = nil, nil
		if c.name == "swapped" && (len(got.Overtaken) != 1 || got.Overtaken[0] != [2]int{1, 2}) {
			t.Errorf("swapped: overtaken %v, want [[1 2]]", got.Overtaken)
		}
		if got.Duplicates != c.verdict.Duplicates || got.Reordered != c.verdict.Reordered ||
			got.Unexpected != c.verdict.Unexpected || got.Missing != c.verdict.Missing {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.verdict)
		}
	}
}

// readNotice reads the counts and the named reports of lapor's own
// reminder and escalation texts, and nothing from a digest.
func TestReadNotice(t *testing.T) {
	items := []dueItemFixture{{"LOAD-000001", -9}, {"LOAD-000004", -8}}
	rem := reminderFixture(t, 300, items)
	n, ok := readNotice(rem)
	if !ok || n.kind != "due" || n.count != 300 || len(n.ids) != 2 || n.ids[0] != "LOAD-000001" {
		t.Fatalf("reminder %+v from:\n%s", n, rem)
	}
	esc := "⚠️ Laporan yang baru lewat batas waktu di unit yang Anda awasi: 200\nAdmin Kabupaten: 100 · Super Admin: 100\nPaling lama terlambat:\n" +
		"• LOAD-000002 — di Super Admin — batas …, terlambat 4 hari kerja\n…dan 199 laporan lainnya."
	if n, ok := readNotice(esc); !ok || n.kind != "escalated" || n.count != 200 || len(n.ids) != 1 {
		t.Fatalf("escalation %+v", n)
	}
	if _, ok := readNotice("☀️ Ringkasan pagi …\n• LOAD-000003 — …"); ok {
		t.Fatal("a digest read as a reminder")
	}
	if n, ok := readNotice("⏰ Pengingat batas waktu meja ini:\n• LOAD-000001 — …"); !ok || n.count != -1 {
		t.Fatalf("a reminder without counts: %+v", n)
	}
}

type dueItemFixture struct {
	id   string
	days int
}

// reminderFixture is a reminder as lapor writes it: the sweep itself, on a
// fixed Monday, is what the replica run reads; here its text's shape.
func reminderFixture(t *testing.T, overdue int, items []dueItemFixture) string {
	t.Helper()
	lines := []string{"⏰ Pengingat batas waktu — Senin, 7 Desember 2026",
		fmt.Sprintf("Lewat batas waktu: %d · Batas waktu hari ini: 0 · Segera jatuh tempo: 0", overdue), "Paling mendesak:"}
	for _, it := range items {
		lines = append(lines, fmt.Sprintf("• %s — Diverifikasi — batas … (terlambat %d hari kerja)", it.id, -it.days))
	}
	return strings.Join(append(lines, "…dan 298 laporan lainnya. Ketik /antrian untuk melihat seluruh antrean."), "\n")
}

// The run's sweep days are two working mornings, the later not after now,
// whatever day the run happens on.
func TestSweepDays(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct{ at, first, second string }{
		{"2026-11-28T11:48:00+07:00", "2026-11-26", "2026-11-27"}, // Saturday: Thursday and Friday
		{"2026-11-30T08:59:00+07:00", "2026-11-26", "2026-11-27"}, // Monday before 09:00
		{"2026-11-30T09:00:00+07:00", "2026-11-27", "2026-11-30"},
		{"2026-12-07T22:47:00+07:00", "2026-12-04", "2026-12-07"},
		{"2026-12-27T10:00:00+07:00", "2026-12-22", "2026-12-23"}, // after collective leave and Christmas
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		days := sweepDays(at, cal)
		for i, want := range []string{c.first, c.second} {
			d := days[i]
			if got := d.In(calendar.Local()).Format(time.DateOnly); got != want || d.In(calendar.Local()).Hour() != sweepHour ||
				!cal.IsWorkingDay(d) || d.After(at) {
				t.Errorf("%s: day %d is %s, want %s 09:00 WIB, a working day not after now", c.at, i+1, d, want)
			}
		}
	}
}

// The expected notices: each holding desk's overdue count, and the
// supervisor's escalation summing the desks it supervises.
func TestExpectedNotices(t *testing.T) {
	ds := desks(2)
	due, esc := expectedNotices(ds, map[string]int{deskSuper: 100, deskRegency: 100, deskAgency + " pupr": 100})
	if due[-1001] != 100 || due[-1002] != 100 || due[-1003] != 100 || due[-1004] != 0 {
		t.Fatalf("due %v", due)
	}
	if esc[-1001] != 200 || esc[-1002] != 100 || esc[-1003] != 0 {
		t.Fatalf("escalated %v", esc)
	}
}
