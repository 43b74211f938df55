package main

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fuzzedVars are the variables FuzzLoadConfig sets, in the order of its
// arguments after the token.
var fuzzedVars = []string{"LAPOR_DATABASE_URL", "LAPOR_HTTP_ADDR", "LAPOR_PUBLIC_URL", "LAPOR_TRACKING_PREFIX",
	"LAPOR_MAX_FILE_MB", "LAPOR_TELEGRAM_RATE_PER_CHAT", "LAPOR_TELEGRAM_POLL_TIMEOUT", "LAPOR_TELEGRAM_API_ENDPOINT",
	"LAPOR_LANG", "LAPOR_WHATSAPP"}

// FuzzLoadConfig sets the token (directly or through LAPOR_TELEGRAM_TOKEN_FILE)
// and ten other variables to anything, and checks LoadConfig's contract:
// either an error in which every line names its variable, exactly the
// variables that are wrong on their own, and no secret appears (the token,
// the database URL or its password); or a Config whose every value works
// where it is used (rates give a pacing interval, formats a URL), that
// loads back the same from its own values, and whose Redacted form holds
// no secret.
func FuzzLoadConfig(f *testing.F) {
	f.Add("123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", false, "postgres://lapor:hunter22@db:5432/lapor?sslmode=disable",
		"127.0.0.1:8080", "https://lapor.magetan.go.id/", "MGT", "20", "1", "25s", "https://api.telegram.org/bot%s/%s", "id", "1")
	f.Add("", false, "", "", "", "", "", "", "", "", "", "")
	f.Add("123456:SECRET-TOKEN-VALUE", true, "mysql://root:hunter2@db/x", "8080", "ftp://x", "mgt", "21", "0", "-1s",
		"http://127.0.0.1/bot/%s", "fr", "maybe")
	f.Add("no colon token value", false, "postgres://u:p@[::1", "[::1]:80", "http://", "ABCDEF", "0x10", "1e-3", "1h",
		"http://h/%s/%s/%%s", "en", "yes")
	f.Add("42:abc\n", true, "postgresql:///lapor?host=/run/postgresql&sslmode=disable", ":0", "http://h//", "ZZ", " 7 ",
		"0.5", "1ns", "https://proxy/bot%s/%s?x=1", "id", "0")
	f.Add("42:a/b", false, "postgres://h/db", "host:port", "https://h:8443", "AB", "20", "NaN", "9223372036854775807ns",
		"https://h/%s%s", "id", "")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, token string, fromFile bool, db, addr, public, prefix, maxMB, rate, poll, endpoint, lang, wa string) {
		values := []string{db, addr, public, prefix, maxMB, rate, poll, endpoint, lang, wa}
		vars := map[string]string{}
		for i, name := range fuzzedVars {
			vars[name] = values[i]
		}
		tokenFile := filepath.Join(dir, "token")
		if fromFile {
			if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
				t.Fatal(err)
			}
			vars["LAPOR_TELEGRAM_TOKEN_FILE"] = tokenFile
		} else {
			vars["LAPOR_TELEGRAM_TOKEN"] = token
		}
		c, err := LoadConfig(env(vars))

		passwords := secretsOf(strings.TrimSpace(token), strings.TrimSpace(db))
		secrets := passwords
		if d := strings.TrimSpace(db); len(d) > 8 {
			secrets = append(secrets, d)
		}
		if err != nil {
			msg := err.Error()
			for _, line := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(line, "LAPOR_") {
					t.Fatalf("an error line does not name its variable: %q", line)
				}
			}
			for _, s := range secrets {
				if strings.Contains(msg, s) && !echoedElsewhere(s, values) {
					t.Fatalf("the error shows the secret %q:\n%s", s, msg)
				}
			}
			// Each variable is reported exactly when it is wrong on its own.
			for name, v := range vars {
				if name == "LAPOR_TELEGRAM_TOKEN_FILE" {
					name, v = "LAPOR_TELEGRAM_TOKEN", token
				}
				_, alone := LoadConfig(env(map[string]string{name: v}))
				if named := names(msg, name); named != (alone != nil) {
					t.Fatalf("%s=%q: reported %v together, error %v alone:\n%s", name, v, named, alone, msg)
				}
			}
			return
		}

		for name, r := range map[string]float64{"LAPOR_TELEGRAM_RATE_PER_CHAT": c.TelegramPerChat, "LAPOR_TELEGRAM_RATE_GLOBAL": c.TelegramGlobal,
			"LAPOR_WHATSAPP_RATE_PER_CHAT": c.WhatsAppRatePerChat, "LAPOR_WHATSAPP_RATE_GLOBAL": c.WhatsAppRateGlobal} {
			// serve.go paces with time.Duration(float64(time.Second) / rate).
			// +Inf gives 0: no pacing, which is what it says.
			if iv := float64(time.Second) / r; math.IsNaN(iv) || r <= 0 || iv > math.MaxInt64 {
				t.Fatalf("%s=%v accepted: it gives no pacing interval (%v)", name, r, iv)
			}
		}
		for name, d := range map[string]time.Duration{"LAPOR_TELEGRAM_POLL_TIMEOUT": c.TelegramPollTimeout,
			"LAPOR_DRAFT_REMINDER": c.DraftReminderAfter, "LAPOR_OUTBOX_LEASE": c.OutboxLease, "LAPOR_SWEEP_EVERY": c.SweepEvery} {
			if d <= 0 {
				t.Fatalf("%s=%v accepted", name, d)
			}
		}
		if c.MaxFileMB < 1 || c.MaxFileMB > 20 || c.Workers < 1 || c.MaxAttachments < 1 || c.TelegramPerGroup < 1 || c.FloodPerMinute < 1 {
			t.Fatalf("a count out of range: %+v", c)
		}
		if len(c.TrackingPrefix) < 2 || len(c.TrackingPrefix) > 5 || strings.Trim(c.TrackingPrefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Fatalf("tracking prefix %q", c.TrackingPrefix)
		}
		if c.Lang != "id" && c.Lang != "en" {
			t.Fatalf("lang %q", c.Lang)
		}
		if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			t.Fatalf("http addr %q", c.HTTPAddr)
		}
		if u, err := url.Parse(c.WebURL()); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("web chat address %q", c.WebURL())
		}
		if c.TelegramToken != "" && (!strings.Contains(c.TelegramToken, ":") || strings.ContainsAny(c.TelegramToken, " /\n")) {
			t.Fatalf("token %q", c.TelegramToken)
		}
		for _, format := range []string{c.TelegramAPIEndpoint, c.TelegramFileEndpoint} {
			// The Telegram client fills in the token and the method.
			u := fmt.Sprintf(format, "123456:TOKEN", "getMe")
			if !strings.Contains(u, "123456:TOKEN") || !strings.Contains(u, "getMe") || strings.Contains(u, "%!") {
				t.Fatalf("endpoint format %q accepted; it makes %q", format, u)
			}
		}
		if again, err := LoadConfig(env(configEnv(c))); err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("the config does not load back from its own values:\n%+v\n%+v\n%v", c, again, err)
		}
		redacted := fmt.Sprint(c.Redacted()...)
		for _, s := range passwords {
			if strings.Contains(redacted, s) && !echoedElsewhere(s, []string{c.DataDir, c.HTTPAddr, c.Lang}) {
				t.Fatalf("Redacted shows the secret %q: %s", s, redacted)
			}
		}
	})
}

// secretsOf lists what must never be shown, even in the logs: the token
// when long enough to be told apart from other text, and the database
// password (in the user part or, as libpq allows, in the query).
func secretsOf(token, db string) []string {
	var out []string
	if len(token) > 8 {
		out = append(out, token)
	}
	if u, err := url.Parse(db); err == nil {
		if p, ok := u.User.Password(); ok && len(p) >= 4 {
			out = append(out, p)
		}
		if p := u.Query().Get("password"); len(p) >= 4 {
			out = append(out, p)
		}
	}
	return out
}

// echoedElsewhere reports whether s is in a value that may be shown.
func echoedElsewhere(s string, shown []string) bool {
	for _, v := range shown {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}

// names reports whether an error text reports the variable name.
func names(msg, name string) bool {
	for _, line := range strings.Split(msg, "\n") {
		if strings.HasPrefix(line, name+":") || strings.HasPrefix(line, name+" (from") || strings.HasPrefix(line, name+" and ") {
			return true
		}
	}
	return false
}

// configEnv writes a Config back as the environment that makes it.
func configEnv(c Config) map[string]string {
	float := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	wa := "0"
	if c.WhatsApp {
		wa = "1"
	}
	return map[string]string{
		"LAPOR_DATABASE_URL": c.DatabaseURL, "LAPOR_DATA_DIR": c.DataDir, "LAPOR_PG_BIN": c.PGBin, "LAPOR_HTTP_ADDR": c.HTTPAddr,
		"LAPOR_PUBLIC_URL": c.PublicURL, "LAPOR_OPEN311_JURISDICTION": c.Open311Jurisdiction, "LAPOR_TELEGRAM_TOKEN": c.TelegramToken,
		"LAPOR_TELEGRAM_API_ENDPOINT": c.TelegramAPIEndpoint, "LAPOR_TELEGRAM_FILE_ENDPOINT": c.TelegramFileEndpoint,
		"LAPOR_TELEGRAM_POLL_TIMEOUT": c.TelegramPollTimeout.String(), "LAPOR_TELEGRAM_RATE_PER_CHAT": float(c.TelegramPerChat),
		"LAPOR_TELEGRAM_GROUP_PER_MINUTE": strconv.Itoa(c.TelegramPerGroup), "LAPOR_TELEGRAM_RATE_GLOBAL": float(c.TelegramGlobal),
		"LAPOR_LANG": c.Lang, "LAPOR_TRACKING_PREFIX": c.TrackingPrefix, "LAPOR_MAX_FILE_MB": strconv.Itoa(c.MaxFileMB),
		"LAPOR_MAX_ATTACHMENTS": strconv.Itoa(c.MaxAttachments), "LAPOR_DRAFT_REMINDER": c.DraftReminderAfter.String(),
		"LAPOR_WORKERS": strconv.Itoa(c.Workers), "LAPOR_FLOOD_PER_MINUTE": strconv.Itoa(c.FloodPerMinute), "LAPOR_OUTBOX_LEASE": c.OutboxLease.String(), "LAPOR_WHATSAPP": wa,
		"LAPOR_WHATSAPP_RATE_PER_CHAT": float(c.WhatsAppRatePerChat), "LAPOR_WHATSAPP_RATE_GLOBAL": float(c.WhatsAppRateGlobal),
		"LAPOR_POLICY_FILE": c.PolicyFile, "LAPOR_SWEEP_EVERY": c.SweepEvery.String(), "LAPOR_LOG_LEVEL": c.LogLevel,
		"LAPOR_LOG_FORMAT": c.LogFormat,
	}
}
