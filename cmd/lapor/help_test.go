package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// Every command answers --help with its usage and exit code 0, before
// reading the configuration or opening a database: here the configuration
// is not even valid, and no database could be reached.
func TestEveryCommandHasHelp(t *testing.T) {
	env := map[string]string{"LAPOR_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "LAPOR_LOG_LEVEL": "loud"}
	listed := regexp.MustCompile(`(?m)^  lapor ([a-z-]+)`).FindAllStringSubmatch(usage, -1)
	if len(listed) < 10 {
		t.Fatalf("the usage lists %d commands", len(listed))
	}
	for _, m := range listed {
		cmd := m[1]
		if _, ok := subcommandUsage[cmd]; !ok {
			t.Errorf("lapor %s has no --help text", cmd)
			continue
		}
		for _, flag := range []string{"--help", "-h"} {
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), []string{cmd, flag}, func(k string) string { return env[k] }, &stdout, &stderr)
			if code != 0 || !strings.Contains(stdout.String(), "lapor "+cmd) || stderr.Len() != 0 {
				t.Errorf("lapor %s %s: exit %d, stdout %q, stderr %q", cmd, flag, code, stdout.String(), stderr.String())
			}
		}
	}
	// Without --help the invalid configuration is refused, with code 2.
	var stderr bytes.Buffer
	if code := Run(context.Background(), []string{"migrate"}, func(k string) string { return env[k] }, &bytes.Buffer{}, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "LAPOR_LOG_LEVEL") {
		t.Errorf("migrate with an invalid configuration: exit %d, %q", code, stderr.String())
	}
}

// lapor healthcheck: 0 while the admin listener answers /readyz (or, with
// it off, the web port /healthz), 1 with the reason when nothing listens.
func TestHealthcheckCommand(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	env["LAPOR_ADMIN_ADDR"] = freeAddr(t)
	startInProcess(t, env)
	waitForWeb(t, "http://"+env["LAPOR_HTTP_ADDR"])
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"healthcheck"}, func(k string) string { return env[k] }, &stdout, &stderr); code != 0 {
		t.Fatalf("healthcheck of a running service: exit %d, %s", code, stderr.String())
	}
	// Listening on every address: the check asks the local one.
	_, port, _ := strings.Cut(env["LAPOR_ADMIN_ADDR"], ":")
	wildcard := map[string]string{"LAPOR_ADMIN_ADDR": "0.0.0.0:" + port}
	if code := Run(context.Background(), []string{"healthcheck"}, func(k string) string { return wildcard[k] }, &stdout, &stderr); code != 0 {
		t.Fatalf("healthcheck of 0.0.0.0:%s: exit %d, %s", port, code, stderr.String())
	}
	// The admin listener off: the web port's /healthz.
	web := map[string]string{"LAPOR_ADMIN_ADDR": "off", "LAPOR_HTTP_ADDR": env["LAPOR_HTTP_ADDR"]}
	if code := Run(context.Background(), []string{"healthcheck"}, func(k string) string { return web[k] }, &stdout, &stderr); code != 0 {
		t.Fatalf("healthcheck of the web port: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	closed := map[string]string{"LAPOR_ADMIN_ADDR": freeAddr(t)}
	if code := Run(context.Background(), []string{"healthcheck"}, func(k string) string { return closed[k] }, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "/readyz") {
		t.Fatalf("healthcheck with nothing listening: exit %d, %q", code, stderr.String())
	}
}
