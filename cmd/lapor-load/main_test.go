package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store/pgserver"
)

// TestMain lets the test binary be the echo bot when the echo ceiling
// starts it as a child process (os.Executable is this binary).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == echoBotCommand {
		os.Exit(runEchoBot(context.Background(), os.Getenv, os.Stderr))
	}
	os.Exit(m.Run())
}

// raceEnabled is set when the test binary runs with -race: lapor is then
// built with -race too, so it reuses the packages the suite compiled.
var raceEnabled bool

// A few seconds of the throughput scenario at a low rate, end to end: a
// private PostgreSQL, the fake Bot API, lapor built and run as a child
// process, citizens filing complaints and officers working them, then the
// pgbench and echo ceilings. The report must show messages handled and
// answered with real latencies, and both ceilings.
func TestThroughputScenarioSmoke(t *testing.T) {
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, logs bytes.Buffer
	code := Run(ctx, []string{"throughput", "--lapor", bin, "--json",
		"--rate", "30", "--duration", "3s", "--citizens", "30", "--officers", "3", "--officer-rate", "2",
		"--poll-timeout", "2s", "--drain", "30s", "--echo-rate", "60", "--log-level", "warn", "--statements"}, &out, &logs)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), logs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out.String())
	}
	value := func(name string) float64 {
		t.Helper()
		m := rep.Metric(name)
		if m == nil {
			t.Fatalf("no metric %q in %s", name, out.String())
		}
		return m.Value
	}
	if v := value("inbound handled (inbox rows finished in window)"); v <= 0 {
		t.Errorf("handled %v msg/s", v)
	}
	if v := value("answered in window"); v <= 0 {
		t.Errorf("answered %v msg/s", v)
	}
	for _, p := range []string{"latency p50", "latency p95", "latency p99"} {
		if v := value(p); v <= 0 || v > 30000 {
			t.Errorf("%s = %v ms", p, v)
		}
	}
	if value("peak RSS lapor") <= 0 {
		t.Error("no peak RSS")
	}
	if m := rep.Metric("latency p99"); m.Target == "" || m.Met == nil {
		t.Error("p99 has no target verdict")
	}
	if value("pgbench: inbound messages") <= 0 || value("echo: answered (pipeline ceiling)") <= 0 {
		t.Error("a ceiling is missing")
	}
	if m := rep.Metric("metric families shown"); m == nil || m.Met == nil || !*m.Met {
		t.Errorf("lapor's /metrics during the run: %+v %v", m, rep.Notes)
	}
	// pg_stat_statements: a message costs a handful of statements and at
	// least one commit; the top statements name lapor's own SQL.
	if v := value("statements per handled message"); v < 3 || v > 100 {
		t.Errorf("statements per handled message = %v", v)
	}
	if v := value("statements: commits per handled message"); v < 0.5 || v > 10 {
		t.Errorf("commits per handled message = %v", v)
	}
	if value("statements: PostgreSQL CPU per handled message") <= 0 || value("statements: lapor CPU per handled message") <= 0 {
		t.Error("no CPU per handled message")
	}
	if !slices.ContainsFunc(rep.Notes, func(n string) bool {
		return strings.HasPrefix(n, "top statements by calls") && strings.Contains(n, "inbox")
	}) {
		t.Errorf("no top statement touches the inbox: %v", rep.Notes)
	}
	if value("errors (no answer in time)") != 0 {
		t.Errorf("errors: %v", rep.Notes)
	}
}
