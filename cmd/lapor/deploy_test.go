package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The files of docs/DEPLOY.md are taken as systemd would take them: the
// unit's Environment= lines (with %d, its credentials folder) and its
// EnvironmentFile, deploy/lapor.env. The configuration they make loads,
// reads its secrets from the credential files, and means what the
// comments say.
func TestSystemdUnitAndEnvironmentFileLoad(t *testing.T) {
	creds := t.TempDir()
	for name, v := range map[string]string{
		"telegram_token": "123456:ABC-secret\n",
		"database_url":   "postgres://lapor:pw@db1:5432,db2:5432/lapor?target_session_attrs=read-write\n",
	} {
		if err := os.WriteFile(filepath.Join(creds, name), []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{}
	unit, err := os.ReadFile("../../deploy/lapor.service")
	if err != nil {
		t.Fatal(err)
	}
	var envFile string
	loaded := map[string]bool{}
	for _, line := range strings.Split(string(unit), "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(key, "#") {
			continue
		}
		switch key {
		case "Environment":
			k, v, _ := strings.Cut(val, "=")
			env[k] = strings.ReplaceAll(v, "%d", creds)
		case "EnvironmentFile":
			envFile = val
		case "LoadCredential":
			name, _, _ := strings.Cut(val, ":")
			loaded[name] = true
		}
	}
	if envFile != "/etc/lapor/lapor.env" {
		t.Fatalf("the unit reads %q; docs/DEPLOY.md installs deploy/lapor.env as /etc/lapor/lapor.env", envFile)
	}
	for k, v := range env {
		if f, ok := strings.CutPrefix(v, creds+"/"); ok && !loaded[f] {
			t.Errorf("%s points at credential %q, which the unit does not load", k, f)
		}
	}
	b, err := os.ReadFile("../../deploy/lapor.env")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("deploy/lapor.env: %q is not NAME=value", line)
		}
		env[k] = strings.Trim(v, `"`)
	}
	known := map[string]bool{}
	for _, s := range settings() {
		known[s.name] = true
		if s.secret {
			known[s.name+"_FILE"] = true
		}
	}
	for k := range env {
		if !known[k] {
			t.Errorf("the deployment sets %s, which lapor does not read", k)
		}
		if k == "LAPOR_TELEGRAM_TOKEN" || k == "LAPOR_DATABASE_URL" {
			t.Errorf("the deployment puts the secret %s in the environment; it belongs in a credential file", k)
		}
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("the documented deployment does not load: %v", err)
	}
	if cfg.TelegramToken != "123456:ABC-secret" || !strings.Contains(cfg.DatabaseURL, "db2:5432") {
		t.Fatalf("secrets not read from the credential files (token read: %v)", cfg.TelegramToken != "")
	}
	if cfg.HTTPAddr != "127.0.0.1:8080" || !cfg.TrustedProxies.Trusts(netip.MustParseAddr("127.0.0.1")) || !strings.HasPrefix(cfg.PublicURL, "https://") {
		t.Fatalf("the web chat must listen on the machine only behind the HTTPS proxy it trusts: %+v", cfg.Redacted())
	}
	if n := strings.Count(cfg.Letterhead, "|"); n != 2 {
		t.Fatalf("letterhead %q: want three lines", cfg.Letterhead)
	}
}

// docker-compose.yml keeps PostgreSQL's data on a named volume, gives the
// slowest send time to finish on stop, and passes the token as a secret
// file.
func TestComposeFileKeepsDataAndSecrets(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		"pgdata:/var/lib/postgresql/data",
		"stop_grace_period: 75s",
		"LAPOR_TELEGRAM_TOKEN_FILE: /run/secrets/telegram_token",
		"LAPOR_DATABASE_URL_FILE: /run/secrets/database_url",
		"POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("docker-compose.yml lacks %q", want)
		}
	}
	for _, line := range strings.Split(s, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "LAPOR_TELEGRAM_TOKEN:") || strings.HasPrefix(l, "POSTGRES_PASSWORD:") ||
			strings.HasPrefix(l, "LAPOR_DATABASE_URL:") {
			t.Errorf("docker-compose.yml puts a secret in the environment: %s", l)
		}
	}
}
