package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.TrustedProxies.String() != "" || c.HTTPMaxConns != 0 || c.HTTPTimeout != 30*time.Second || c.HTTPIdleTimeout != time.Minute ||
		c.HTTPMinRate != 1024 || c.HTTPConnsPerAddress != 100 || c.WebSessionIdle != 30*24*time.Hour {
		t.Fatalf("HTTP defaults = %+v", c)
	}
	c2, err := LoadConfig(env(map[string]string{"LAPOR_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "LAPOR_HTTP_MAX_CONNS": "500"}))
	if err != nil || c2.TrustedProxies.String() != "10.0.0.0/8,127.0.0.1/32" || c2.HTTPMaxConns != 500 {
		t.Fatalf("proxies %q, max conns %d: %v", c2.TrustedProxies, c2.HTTPMaxConns, err)
	}
	if c.DataDir != "./lapor-data" || c.HTTPAddr != "127.0.0.1:8080" || c.Lang != "id" || c.DatabaseURL != "" ||
		c.TelegramToken != "" || c.TelegramPollTimeout != 5*time.Second || c.TrackingPrefix != "MGT" ||
		c.TelegramAPIEndpoint != "https://api.telegram.org/bot%s/%s" {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestConfigErrorsNameTheVariableAndHideSecrets(t *testing.T) {
	const token = "123456:SECRET-TOKEN-VALUE"
	_, err := LoadConfig(env(map[string]string{
		"LAPOR_LANG":                  "fr",
		"LAPOR_HTTP_ADDR":             "8080",
		"LAPOR_TELEGRAM_API_ENDPOINT": "http://127.0.0.1/bot/%s",
		"LAPOR_DATABASE_URL":          "mysql://root:hunter2@db/x",
		"LAPOR_TELEGRAM_TOKEN":        token,
		"LAPOR_TELEGRAM_TOKEN_FILE":   "/run/secrets/tg",
		"LAPOR_WORKERS":               "0",
		"LAPOR_TRUSTED_PROXIES":       "127.0.0.1/32, proxy.example",
		"LAPOR_HTTP_MAX_CONNS":        "lots",
		"LAPOR_HTTP_MIN_RATE":         "-5",
		"LAPOR_WEB_SESSION_IDLE":      "forever",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, name := range []string{"LAPOR_LANG", "LAPOR_HTTP_ADDR", "LAPOR_TELEGRAM_API_ENDPOINT", "LAPOR_DATABASE_URL",
		"LAPOR_TELEGRAM_TOKEN and LAPOR_TELEGRAM_TOKEN_FILE", "LAPOR_WORKERS", "LAPOR_TRUSTED_PROXIES: \"proxy.example\"",
		"LAPOR_HTTP_MAX_CONNS", "LAPOR_HTTP_MIN_RATE", "LAPOR_WEB_SESSION_IDLE"} {
		if !strings.Contains(msg, name) {
			t.Errorf("error does not name %s:\n%s", name, msg)
		}
	}
	for _, secret := range []string{"hunter2", "SECRET-TOKEN"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error leaks %q:\n%s", secret, msg)
		}
	}
}

// An endpoint format takes the token and the method (or file path) as
// exactly two %s; another verb would break every call.
func TestConfigEndpointFormats(t *testing.T) {
	for v, ok := range map[string]bool{
		"https://api.telegram.org/bot%s/%s":      true,
		"http://127.0.0.1:8081/bot%s/%s?x=100%%": true,
		"http://127.0.0.1/bot/%s":                false,
		"http://127.0.0.1/bot%s/%s/%d":           false,
		"http://127.0.0.1/bot%s/%v%s":            false,
		"http://127.0.0.1/bot%%s/%s":             false,
		"ftp://127.0.0.1/bot%s/%s":               false,
	} {
		_, err := LoadConfig(env(map[string]string{"LAPOR_TELEGRAM_API_ENDPOINT": v}))
		if (err == nil) != ok {
			t.Errorf("%q: accepted %v, want %v (%v)", v, err == nil, ok, err)
		}
	}
}

func TestConfigSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	dbFile := filepath.Join(dir, "db")
	os.WriteFile(tokenFile, []byte("42:abc\n"), 0o600)
	os.WriteFile(dbFile, []byte("postgres://u:p@h/db\n"), 0o600)
	c, err := LoadConfig(env(map[string]string{"LAPOR_TELEGRAM_TOKEN_FILE": tokenFile, "LAPOR_DATABASE_URL_FILE": dbFile}))
	if err != nil {
		t.Fatal(err)
	}
	if c.TelegramToken != "42:abc" || c.DatabaseURL != "postgres://u:p@h/db" {
		t.Fatalf("from files: %q %q", c.TelegramToken, c.DatabaseURL)
	}
	if s := fmt.Sprint(c.Redacted()...); strings.Contains(s, "42:abc") || strings.Contains(s, ":p@") {
		t.Fatalf("Redacted leaks: %s", s)
	}
	_, err = LoadConfig(env(map[string]string{"LAPOR_TELEGRAM_TOKEN_FILE": filepath.Join(dir, "missing")}))
	if err == nil || !strings.Contains(err.Error(), "LAPOR_TELEGRAM_TOKEN_FILE") {
		t.Fatalf("missing file: %v", err)
	}
}

// TestREADMEListsEverySetting: the README's configuration table names
// every setting with its default, so an IT admin reading it sees them all.
func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // variable → its row
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "| `LAPOR_") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			rows[name] = line
		}
	}
	for _, s := range settings() {
		row, ok := rows[s.name]
		if !ok {
			t.Errorf("README's configuration table has no row for %s", s.name)
			continue
		}
		if s.def != "" && !strings.Contains(row, "`"+s.def+"`") {
			t.Errorf("README's row for %s does not give its default %q: %s", s.name, s.def, row)
		}
	}
}

// LAPOR_WHATSAPP_VERSION is a WhatsApp Web version or nothing.
func TestConfigWhatsAppVersion(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "2.3000.1027069013": true, "2.2412.54": true,
		"2.3000": false, "2.3000.0": false, "v2.3000.1": false, "2.3000.99999999999": false, "2.3000.1.4": false, "latest": false} {
		cfg, err := LoadConfig(env(map[string]string{"LAPOR_WHATSAPP_VERSION": v}))
		switch {
		case ok && (err != nil || cfg.WhatsAppVersion != v):
			t.Errorf("%q: %v %q", v, err, cfg.WhatsAppVersion)
		case !ok && (err == nil || !strings.Contains(err.Error(), "LAPOR_WHATSAPP_VERSION")):
			t.Errorf("%q taken: %v", v, err)
		}
	}
}

func TestReadableNumber(t *testing.T) {
	for in, want := range map[string]string{
		"6281234567890@s.whatsapp.net": "+62 812-3456-7890",
		"628123456789@s.whatsapp.net":  "+62 812-3456-789",
		"31612345678@s.whatsapp.net":   "+31612345678",
		"@s.whatsapp.net":              "@s.whatsapp.net",
		"12a@s.whatsapp.net":           "12a@s.whatsapp.net",
		"123456789012345@lid":          "123456789012345@lid",
	} {
		if got := readableNumber(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
