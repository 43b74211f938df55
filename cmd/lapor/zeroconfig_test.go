package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// With no configuration but a data folder, lapor serve starts its private
// PostgreSQL, migrates it and reports ready; a second start reuses it.
func TestZeroConfigServeStartsMigratesAndRestarts(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "lapor-zeroconf-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LAPOR_DATA_DIR": dir + "/data", "LAPOR_HTTP_ADDR": freeAddr(t)}
	for round := 1; round <= 2; round++ {
		logs, stop := startInProcess(t, env)
		status := waitReady(t, env["LAPOR_HTTP_ADDR"], logs)
		if status["database"] != "ok" || status["outbox_pending"] == nil {
			t.Fatalf("round %d: /readyz = %v", round, status)
		}
		if !strings.Contains(logs.String(), "private PostgreSQL cluster") || !strings.Contains(logs.String(), "web_chat=http://") {
			t.Fatalf("round %d: the log does not say where the database and the chat are:\n%s", round, logs)
		}
		resp, err := http.Get("http://" + env["LAPOR_HTTP_ADDR"] + "/")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), "LAPOR!") {
			t.Fatalf("round %d: the printed address does not open the chat: %d", round, resp.StatusCode)
		}
		stop()
	}
	if _, err := os.Stat(dir + "/data/data/PG_VERSION"); err != nil {
		t.Fatalf("no cluster kept in the data folder: %v", err)
	}
}

func waitReady(t *testing.T, addr string, logs *syncBuffer) map[string]any {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(logs.String(), "lapor stopped") {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			var status map[string]any
			err = json.NewDecoder(resp.Body).Decode(&status)
			resp.Body.Close()
			if err == nil && resp.StatusCode == 200 {
				return status
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("not ready:\n%s", logs)
	return nil
}

// Without PostgreSQL binaries the error says exactly what to do.
func TestMissingPostgresSaysWhatToDo(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	code := Run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"LAPOR_PG_BIN": "/nonexistent", "LAPOR_DATA_DIR": t.TempDir(), "LAPOR_HTTP_ADDR": "127.0.0.1:0"}[k]
	}, io.Discard, &stderr)
	if code != 1 {
		t.Fatalf("exit code %d", code)
	}
	for _, want := range []string{"apt-get install postgresql", "LAPOR_DATABASE_URL", "LAPOR_PG_BIN"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("message lacks %q:\n%s", want, stderr.String())
		}
	}
}

func TestVersionAndUsage(t *testing.T) {
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"version"}, os.Getenv, &out, io.Discard); code != 0 || !strings.HasPrefix(out.String(), "lapor ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	var errOut bytes.Buffer
	if code := Run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errOut.String())
	}
}

func TestWorkdaysCommand(t *testing.T) {
	run := func(args ...string) (string, int) {
		var out bytes.Buffer
		code := Run(context.Background(), append([]string{"workdays"}, args...), func(string) string { return "" }, &out, io.Discard)
		return strings.TrimSpace(out.String()), code
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"add", "2026-11-30", "3"}, "2026-12-03T23:59:59+07:00"},
		{[]string{"add", "2026-11-28T10:00:00+07:00", "1"}, "2026-11-30T23:59:59+07:00"}, // a Saturday
		{[]string{"add", "2026-03-17T09:00:00+07:00", "1"}, "2026-03-25T23:59:59+07:00"}, // over Idulfitri
		{[]string{"between", "2026-11-30", "2026-12-07"}, "5"},
	}
	for _, c := range cases {
		if got, code := run(c.args...); code != 0 || got != c.want {
			t.Errorf("workdays %v = %q (exit %d), want %q", c.args, got, code, c.want)
		}
	}
	if _, code := run("add", "kemarin", "3"); code != 2 {
		t.Errorf("a bad date exits %d, want 2", code)
	}
}

func TestHolidaysCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"LAPOR_DATABASE_URL": pg.NewDatabase(t)}
	run := func(args ...string) (string, int) {
		var out, errOut bytes.Buffer
		code := Run(context.Background(), append([]string{"holidays"}, args...), func(k string) string { return env[k] }, &out, &errOut)
		return out.String() + errOut.String(), code
	}
	if out, code := run("add", "2026-12-02", "Hari Jadi Kabupaten"); code != 0 || !strings.Contains(out, "recomputed") {
		t.Fatalf("add: %d %s", code, out)
	}
	if out, code := run("remove", "2026-12-25"); code != 0 {
		t.Fatalf("remove: %d %s", code, out)
	}
	out, code := run("list")
	if code != 0 || !strings.Contains(out, "+ 2026-12-02") || !strings.Contains(out, "Hari Jadi Kabupaten") || !strings.Contains(out, "− 2026-12-25") {
		t.Fatalf("list: %d %q", code, out)
	}
	if out, code := run("add", "2 Desember"); code != 2 {
		t.Fatalf("a bad date: %d %s", code, out)
	}
}
