package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// A regency in WITA or WIT counts its working days on its own clock: a
// deadline ends at 23:59:59 there, and every time a person reads carries
// its zone's name. The zone is one per process (like time.Local), so each
// case runs lapor as a process of its own.
func TestTimezoneFromConfiguration(t *testing.T) {
	t.Parallel()
	run := func(zone string, args ...string) string {
		t.Helper()
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "LAPOR_TEST_AS_MAIN=1", "LAPOR_DATA_DIR="+t.TempDir())
		if zone != "" {
			cmd.Env = append(cmd.Env, "LAPOR_TIMEZONE="+zone)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("lapor %s with LAPOR_TIMEZONE=%q: %v\n%s", strings.Join(args, " "), zone, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	for _, c := range []struct{ zone, want string }{
		{"", "2026-12-10T23:59:59+07:00"},
		{"Asia/Makassar", "2026-12-10T23:59:59+08:00"},
		{"WIT", "2026-12-10T23:59:59+09:00"},
	} {
		// Monday 7 December 2026, three working days: Thursday's end, there.
		if got := run(c.zone, "workdays", "add", "2026-12-07", "3"); got != c.want {
			t.Errorf("LAPOR_TIMEZONE=%q: deadline %q, want %q", c.zone, got, c.want)
		}
	}
	// A moment near midnight: 16:30 UTC on Thursday is still Thursday in
	// WIB (23:30) and already Friday in WIT (01:30), so one working day
	// ends on Friday in WIB and on Monday in WIT.
	if got := run("Asia/Jayapura", "workdays", "add", "2026-12-10T16:30:00Z", "1"); got != "2026-12-14T23:59:59+09:00" {
		t.Errorf("WIT, from Thursday 16:30 UTC (Friday 01:30 WIT): %q", got)
	}
	if got := run("", "workdays", "add", "2026-12-10T16:30:00Z", "1"); got != "2026-12-11T23:59:59+07:00" {
		t.Errorf("WIB, from Thursday 16:30 UTC (23:30 WIB): %q", got)
	}

	cmd := exec.Command(os.Args[0], "workdays", "add", "2026-12-07", "3")
	cmd.Env = append(os.Environ(), "LAPOR_TEST_AS_MAIN=1", "LAPOR_TIMEZONE=Europe/Berlin")
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 2 || !strings.Contains(string(out), "LAPOR_TIMEZONE") || !strings.Contains(string(out), "Asia/Makassar") {
		t.Errorf("a zone outside Indonesia: exit %d, %s", code, out)
	}
}
