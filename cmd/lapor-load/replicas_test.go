package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store/pgserver"
)

// A small replica run, on any day at any hour: two lapor processes on one
// database, 30 overdue reports, and the sweep on a fixed working-morning
// clock. Each desk must read one reminder per sweep day counting its
// overdue reports, and each supervising desk one escalation.
func TestReplicasScenarioSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and lapor")
	}
	if _, err := pgserver.FindBinaries(""); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "lapor")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./cmd/lapor")...)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out, logs bytes.Buffer
	code := Run(ctx, []string{"replicas", "--lapor", bin, "--json", "--replicas", "2", "--overdue", "30",
		"--rate", "10", "--duration", "4s", "--citizens", "20", "--officers", "3", "--officer-rate", "1",
		"--sweep-every", "1s", "--kill-active=false", "--poll-timeout", "1s", "--wait", "30s", "--drain", "60s",
		"--slow-plans", "0", "--log-level", "warn"}, &out, &logs)
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("exit %d, report is not JSON: %v\n%s\n%s", code, err, out.String(), logs.String())
	}
	for _, c := range rep.Checks {
		t.Logf("check %q ok=%v skipped=%v: %s", c.Name, c.OK, c.Skipped, c.Detail)
	}
	t.Logf("notes: %q", rep.Notes)
	found := false
	for _, c := range rep.Checks {
		if strings.HasPrefix(c.Name, "one reminder per desk and sweep day") {
			found = true
			if !c.OK || c.Skipped {
				t.Errorf("%s: ok %v skipped %v: %s\nnotes: %q", c.Name, c.OK, c.Skipped, c.Detail, rep.Notes)
			}
		}
	}
	if !found {
		t.Fatalf("no reminder check in the report:\n%s", out.String())
	}
	if m := rep.Metric("reminder and escalation messages delivered"); m == nil || m.Value != 3*2+2 {
		t.Errorf("reminder and escalation messages: %+v, want 3 desks × 2 days + 2 escalations", m)
	}
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), logs.String())
	}
}
