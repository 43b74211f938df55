package main

import (
	"testing"
	"time"
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

func TestReminderKinds(t *testing.T) {
	kind, ids := reminderKinds("⏰ Pengingat batas waktu meja ini:\n• LOAD-000001 — Diverifikasi — batas Senin, 23 November 2026 (terlambat 4 hari kerja)\n• MGT-7K3QFA — Di OPD — batas … (hari ini)")
	if kind != "due" || len(ids) != 2 || ids[0] != "LOAD-000001" || ids[1] != "MGT-7K3QFA" {
		t.Fatalf("due: %q %q", kind, ids)
	}
	kind, ids = reminderKinds("⚠️ Laporan melewati batas waktu di meja lain:\n• LOAD-000002 — di Dinas PUPR — batas …, terlambat 4 hari kerja")
	if kind != "escalated" || len(ids) != 1 || ids[0] != "LOAD-000002" {
		t.Fatalf("escalated: %q %q", kind, ids)
	}
	if kind, ids = reminderKinds("☀️ Ringkasan pagi …\n• LOAD-000003 — …"); kind != "" || ids != nil {
		t.Fatalf("a digest is not a reminder: %q %q", kind, ids)
	}
}

func TestSweepOpen(t *testing.T) {
	for _, c := range []struct {
		at   string
		open bool
	}{
		{"2026-11-28T11:48:00+07:00", false}, // Saturday
		{"2026-11-30T07:29:00+07:00", false}, // Monday before working hours
		{"2026-11-30T07:30:00+07:00", true},
		{"2026-12-25T10:00:00+07:00", false}, // Christmas
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		if open, why := sweepOpen(at); open != c.open {
			t.Errorf("%s: open %v (%s), want %v", c.at, open, why, c.open)
		}
	}
}
