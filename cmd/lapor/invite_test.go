package main

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// An officer joins over Telegram without anyone knowing their id: the
// regency admin invites in the desk, the officer taps the deep link (the
// app sends /start <code> in the bot's private chat), and the desk is told.
func TestInviteOverTelegram(t *testing.T) {
	c := newChain(t)
	sent := c.must(c.regency.say("/petugas undang liaison_officer pupr Sinta", "Kode undangan"))
	m := regexp.MustCompile(`https://t\.me/test_bot\?start=(\S+)`).FindStringSubmatch(sent.Text)
	if m == nil {
		t.Fatalf("no Telegram link (from getMe) in %q", sent.Text)
	}
	if strings.Contains(sent.Text, "wa.me") {
		t.Errorf("a WhatsApp link without WhatsApp: %q", sent.Text)
	}
	code, _ := url.QueryUnescape(m[1])

	sinta := newCitizen(c.fake, 9050)
	welcome := c.must(sinta.say("/start "+code, "Selamat bergabung"))
	for _, want := range []string{"Pejabat Penghubung", "ID Anda di Telegram: 9050", "Sinta"} {
		if !strings.Contains(welcome.Text, want) {
			t.Errorf("the welcome lacks %q: %q", want, welcome.Text)
		}
	}
	c.must(c.regency.expect("Sinta bergabung sebagai Pejabat Penghubung"))
	// She works in the pupr desk now.
	c.must((&citizen{fake: c.fake, chat: puprGroup, user: 9050, wait: sinta.wait}).say("/antrian", "Tidak ada laporan terbuka"))

	// The same code again, from someone else: refused, nothing learnt.
	other := newCitizen(c.fake, 9051)
	c.must(other.say("/start "+code, "tidak dapat dipakai"))
	err := c.db.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.OfficerByUser(context.Background(), "telegram", "9051")
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a reused code made an officer: %v", err)
	}

	// The web link signs a browser in to the desk's web room as the officer.
	sent = c.must(c.regency.say("/petugas undang liaison_officer dinkes Oki", "Kode undangan"))
	web := regexp.MustCompile(`http://` + regexp.QuoteMeta(c.env["LAPOR_HTTP_ADDR"]) + `/\?masuk=(\S+)`).FindStringSubmatch(sent.Text)
	if web == nil {
		t.Fatalf("no web sign-in link in %q", sent.Text)
	}
	oki := newBrowser(t, c.env["LAPOR_HTTP_ADDR"], nil)
	if status, body := oki.signIn(web[1]); status != 200 || !strings.Contains(body, "Dinas Kesehatan") || !strings.Contains(body, "Oki") {
		t.Fatalf("web sign-in with the invitation: %d %s", status, body)
	}
	c.must(c.regency.expect("Oki bergabung sebagai Pejabat Penghubung, Dinas Kesehatan"))
	if status, _ := newBrowser(t, c.env["LAPOR_HTTP_ADDR"], nil).signIn(web[1]); status != 403 {
		t.Errorf("the web link worked twice: %d", status)
	}
}

func TestInviteLinks(t *testing.T) {
	code := "K7M2-9XH4-PW3R"
	if got, want := telegramInviteLink("lapor_bot", code), "https://t.me/lapor_bot?start=K7M2-9XH4-PW3R"; got != want {
		t.Errorf("telegram link %q, want %q", got, want)
	}
	got := whatsappInviteLink("6281100001111", flows.InviteMessage(code))
	if want := "https://wa.me/6281100001111?text=DAFTAR%20PETUGAS%20K7M2-9XH4-PW3R"; got != want {
		t.Errorf("whatsapp link %q, want %q", got, want)
	}
	if telegramInviteLink("", code) != "" || whatsappInviteLink("", "x") != "" {
		t.Error("a link without the bot's address")
	}

	// A name asked lazily: a failure is not asked again within a minute;
	// a success is kept.
	asked := 0
	fail := true
	l := &lazyName{ask: func(context.Context) (string, error) {
		asked++
		if fail {
			return "", errors.New("unreachable")
		}
		return "lapor_bot", nil
	}, timeout: time.Second}
	if l.get() != "" || l.get() != "" || asked != 1 {
		t.Fatalf("after a failure: asked %d times", asked)
	}
	fail, l.failed = false, l.failed.Add(-2*time.Minute)
	if l.get() != "lapor_bot" || l.get() != "lapor_bot" || asked != 2 {
		t.Fatalf("after a success: asked %d times", asked)
	}
}
