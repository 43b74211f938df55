//go:build !nowhatsapp

package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// readyz is the WhatsApp channel's readiness on the admin listener at
// addr (/readyz/whatsapp): its status code and body.
func readyz(addr string) (int, map[string]any) {
	resp, err := http.Get("http://" + addr + "/readyz/whatsapp")
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var status map[string]any
	_ = json.Unmarshal(b, &status)
	return resp.StatusCode, status
}

// The WhatsApp source as serve builds it (lock, supervisor, OnProblem to
// the super admin desk, /readyz), on the fake: a logout, a new login, a
// temporary ban and a version cut-off, all without a restart.
func TestWhatsAppSurvivesLogoutBanAndCutOffWithoutRestart(t *testing.T) {
	t.Parallel()
	dbURL := pg.NewDatabase(t)
	addr := freeAddr(t) // the admin listener's
	env := map[string]string{"LAPOR_DATABASE_URL": dbURL, "LAPOR_HTTP_ADDR": freeAddr(t), "LAPOR_ADMIN_ADDR": addr,
		"LAPOR_LOG_LEVEL": "warn", "LAPOR_OUTBOX_LEASE": "3s"}
	cfg := hmust(LoadConfig(func(k string) string { return env[k] })).of(t)
	logs := &syncBuffer{}
	log := newLogger(cfg, logs)
	fake := whatsapptest.New()
	var published atomic.Value // what WhatsApp's web page says now
	startVersion := whatsapp.CurrentVersion()
	published.Store(startVersion)
	versions := func(context.Context) (string, error) { return published.Load().(string), nil }
	factory := func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		return supervisedWhatsApp(cfg, log, db, svc, inbox, nil, whatsapp.SupervisorOptions{Open: fake.Open,
			Versions:   func(ctx context.Context) (string, error) { return versions(ctx) },
			MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, LinkPoll: 50 * time.Millisecond,
			Check: 10 * time.Millisecond}), nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveWith(ctx, cfg, log, []sourceFactory{factory}, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("lapor: %v\n%s", err, logs)
		}
	})
	ready := func(what string, wantCode int, want string) map[string]any {
		t.Helper()
		var status map[string]any
		hwait(t, what, func() bool {
			var code int
			code, status = readyz(addr)
			s, _ := status["whatsapp"].(string)
			return code == wantCode && strings.Contains(s, want)
		})
		return status
	}
	hwait(t, "the fake connected", fake.Connected)
	status := ready("WhatsApp connected", 200, "ok")
	if v := status["whatsapp_version"]; v != startVersion {
		t.Fatalf("/readyz shows version %v", v)
	}

	// The super admin desk is a WhatsApp group.
	db := hmust(store.Open(context.Background(), dbURL, nil)).of(t)
	t.Cleanup(db.Close)
	deskChat := whatsapptest.GroupJID("120363000000000777")
	if err := db.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.EnsureDesk(context.Background(), store.Desk{Kind: flows.DeskSuperAdmin, Channel: whatsapp.Name, ChatID: deskChat,
			Title: "Super admin"}, "test", time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	told := func(n int, want ...string) {
		t.Helper()
		sent, err := fake.WaitSent(context.Background(), deskChat, n)
		if err != nil {
			t.Fatal(err)
		}
		hquiet(t, db)
		sent = fake.Sent(deskChat)
		if len(sent) != n {
			t.Fatalf("the desk was told %d things, want %d: %+v", len(sent), n, sent)
		}
		for i, w := range want {
			if got := sent[n-len(want)+i].Text; !strings.Contains(got, w) {
				t.Fatalf("message %d to the desk: %q, want %q", n-len(want)+i, got, w)
			}
		}
	}

	// Logged out from the phone: not ready, said once; a new login (in any
	// process) is picked up.
	fake.LogOut()
	ready("/readyz reports the logout", 503, "logged out")
	time.Sleep(300 * time.Millisecond) // the store is polled again and again: no new notice
	fake.Link()
	ready("WhatsApp connected again after the login", 200, "ok")
	told(2, "WhatsApp mengeluarkan perangkat tertaut lapor (kode 401)", "Layanan WhatsApp berjalan kembali")
	haudited(t, db, "the alert recorded", func(e store.AuditEntry) bool {
		return e.Action == "service_alert" && strings.Contains(e.Detail, "kode 401")
	})

	// A temporary ban is waited out.
	fake.Ban(101, 500*time.Millisecond)
	ready("/readyz reports the ban", 503, "temporarily banned")
	ready("WhatsApp connected after the ban", 200, "ok")
	told(4, "diblokir sementara oleh WhatsApp (kode 101) sampai", "berjalan kembali")

	// WhatsApp cuts old versions off; lapor learns the current one and
	// goes on, telling nobody, and /readyz shows it.
	newer := bumpVersion(t, startVersion)
	published.Store(newer)
	if err := fake.RequireVersion(newer); err != nil {
		t.Fatal(err)
	}
	fake.NetworkDown()
	fake.NetworkUp()
	hwait(t, "the new version on /readyz", func() bool {
		code, status := readyz(addr)
		return code == 200 && status["whatsapp_version"] == newer
	})
	told(4)
}

// bumpVersion is a WhatsApp Web version newer than v.
func bumpVersion(t *testing.T, v string) string {
	t.Helper()
	i := strings.LastIndex(v, ".")
	n, err := strconv.Atoi(v[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	return v[:i+1] + strconv.Itoa(n+1000)
}

// A number is typed the Indonesian way everywhere: whatsapp-login --phone,
// admin add --whatsapp-user, /petugas tambah and /petugas hapus.
func TestWhatsAppNumbersTypedTheIndonesianWay(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--phone", "0812-3456-7890"}, {"--phone", "+62 812 3456 7890"}, {"--phone", "6281234567890"}} {
		if n, err := loginPhone(args); err != nil || n != "6281234567890" {
			t.Errorf("whatsapp-login %q: %q %v", args, n, err)
		}
	}
	if _, err := loginPhone([]string{"--phone", "nomor saya"}); err == nil {
		t.Error("whatsapp-login took a phone number that is none")
	}

	p := &whatsappPlatform{t: t, fake: whatsapptest.New(), seen: map[string]int{}}
	dbURL := pg.NewDatabase(t)
	env := map[string]string{"LAPOR_DATABASE_URL": dbURL}
	getenv := func(k string) string { return env[k] }
	var errOut strings.Builder
	if code := Run(context.Background(), []string{"admin", "add", "--whatsapp-user", "0811-0000-021", "--role", "super_admin"},
		getenv, io.Discard, &errOut); code != 0 {
		t.Fatalf("admin add: %d %s", code, errOut.String())
	}
	if code := Run(context.Background(), []string{"admin", "add", "--whatsapp-user", "0811-00", "--role", "super_admin"},
		getenv, io.Discard, io.Discard); code != 2 {
		t.Fatalf("admin add with a number too short: exit %d", code)
	}
	startWhatsApp(t, p, dbURL)
	super := 21 // 62811 0000021, as typed above
	p.text(super, super, "/petugas tambah 0812-3456-7890 regency_admin Budi")
	if _, err := p.expect(super, "dicatat sebagai"); err != nil {
		t.Fatal(err)
	}
	db := hmust(store.Open(context.Background(), dbURL, nil)).of(t)
	t.Cleanup(db.Close)
	officer := func() (store.Officer, error) {
		var o store.Officer
		err := db.InTx(context.Background(), func(tx *store.Tx) (err error) {
			o, err = tx.OfficerByUser(context.Background(), "whatsapp", "6281234567890@s.whatsapp.net")
			return err
		})
		return o, err
	}
	if o, err := officer(); err != nil || !o.Active || o.Role != "regency_admin" {
		t.Fatalf("the officer typed as 0812-3456-7890: %+v %v", o, err)
	}
	p.text(super, super, "/petugas hapus +62812-3456-7890")
	if _, err := p.expect(super, "7890"); err != nil {
		t.Fatal(err)
	}
	if o, err := officer(); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the officer removed as +62812-3456-7890: %+v %v", o, err)
	}
}

// Every WhatsApp problem has its notice in both languages, and says what
// lapor does by itself.
func TestWhatsAppAlertTexts(t *testing.T) {
	until := time.Date(2026, 12, 8, 3, 4, 0, 0, time.UTC)
	for _, c := range []struct {
		p      whatsapp.Problem
		id, en string
	}{
		{whatsapp.Problem{}, "berjalan kembali", "works again"},
		{whatsapp.Problem{Kind: whatsapp.ProblemNotLinked, Detail: "x"}, "lapor whatsapp-login", "lapor whatsapp-login"},
		{whatsapp.Problem{Kind: whatsapp.ProblemLoggedOut, Code: 401, Detail: "x"}, "(kode 401)", "(code 401)"},
		{whatsapp.Problem{Kind: whatsapp.ProblemBanned, Code: 101, Until: until, Detail: "x"}, "sampai 08-12-2026 10:04 WIB", "until 08-12-2026 10:04 WIB"},
		{whatsapp.Problem{Kind: whatsapp.ProblemBanned, Code: 102, Detail: "x"}, "(kode 102). Layanan terus mencoba", "(code 102). The service keeps trying"},
		{whatsapp.Problem{Kind: whatsapp.ProblemOutdated, Code: 405, Detail: "x"}, "(405)", "(405)"},
		{whatsapp.Problem{Kind: whatsapp.ProblemReplaced, Detail: "x"}, "program lain", "another program"},
		{whatsapp.Problem{Kind: whatsapp.ProblemRefused, Code: 409, Detail: "x"}, "(kode 409)", "(code 409)"},
		{whatsapp.Problem{Kind: whatsapp.ProblemRefused, Detail: "x"}, "(kode CAT)", "(code CAT)"},
		{whatsapp.Problem{Kind: whatsapp.ProblemUnreachable, Detail: "x"}, "terputus", "disconnected"},
		{whatsapp.Problem{Kind: whatsapp.ProblemOther, Detail: "WhatsApp disconnected (stream replaced)"}, "berhenti: WhatsApp disconnected", "stopped: WhatsApp disconnected"},
	} {
		if got := whatsappAlert(flows.LangID, c.p); !strings.Contains(got, c.id) || strings.Contains(got, "%!") {
			t.Errorf("%s (id): %q", c.p.Kind, got)
		}
		if got := whatsappAlert(flows.LangEN, c.p); !strings.Contains(got, c.en) || strings.Contains(got, "%!") {
			t.Errorf("%s (en): %q", c.p.Kind, got)
		}
	}
}
