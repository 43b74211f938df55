//go:build !nowhatsapp

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// whatsappPlatform feeds constructed whatsmeow events through the channel's
// real event handler and reads what the bot sent through the fake client.
type whatsappPlatform struct {
	t    *testing.T
	fake *whatsapptest.Fake
	ch   *whatsapp.Channel
	mu   sync.Mutex
	seen map[string]int
}

func (p *whatsappPlatform) name() string { return "whatsapp" }
func (p *whatsappPlatform) userID(person int) string {
	return whatsapptest.UserJID(fmt.Sprintf("62811%07d", person))
}
func (p *whatsappPlatform) chat(c int) string {
	if c < 0 {
		return whatsapptest.GroupJID(fmt.Sprintf("1203630%011d", -c))
	}
	return p.userID(c)
}

func (p *whatsappPlatform) deliver(evt any) {
	if !p.ch.HandleEvent(evt) {
		p.t.Fatalf("whatsapp: the handler refused an event")
	}
}

func (p *whatsappPlatform) text(chat, person int, s string) {
	p.deliver(p.fake.Text(p.chat(chat), p.userID(person), s))
}

func (p *whatsappPlatform) setupDesks(t *testing.T, seen map[string]string) {
	runTranscript(t, p, seen, desksTranscript())
}

func (p *whatsappPlatform) photo(chat, person int, data []byte, caption string) {
	p.deliver(p.fake.Image(p.chat(chat), p.userID(person), data, caption))
}

// press answers a numbered menu with the number of the labelled choice.
func (p *whatsappPlatform) press(chat, person int, label string) error {
	line := regexp.MustCompile(`(?m)^(\d+)\. ` + regexp.QuoteMeta(label) + `$`)
	return eventually(func() bool {
		sent := p.fake.Sent(p.chat(chat))
		for i := len(sent) - 1; i >= 0; i-- {
			if m := line.FindStringSubmatch(sent[i].Text); m != nil {
				p.text(chat, person, m[1])
				return true
			}
		}
		return false
	}, fmt.Sprintf("whatsapp chat %d: no choice %q", chat, label))
}

func (p *whatsappPlatform) expect(chat int, want string) (string, error) {
	id := p.chat(chat)
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := p.seen[id]
	text, err := nextContaining(&seen, func(ctx context.Context, n int) ([]string, error) {
		sent, err := p.fake.WaitSent(ctx, id, n)
		texts := make([]string, len(sent))
		for i, s := range sent {
			texts[i] = s.Text
		}
		return texts, err
	}, fmt.Sprintf("whatsapp chat %d", chat), want)
	p.seen[id] = seen
	return text, err
}

// startWhatsApp runs lapor with a WhatsApp channel on the fake.
func startWhatsApp(t *testing.T, p *whatsappPlatform, dbURL string) {
	env := map[string]string{"LAPOR_DATABASE_URL": dbURL, "LAPOR_HTTP_ADDR": freeAddr(t), "LAPOR_LOG_LEVEL": "warn",
		"LAPOR_OUTBOX_LEASE": "3s", "LAPOR_FLOOD_PER_MINUTE": transcriptFlood}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan *whatsapp.Channel, 1)
	factory := func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		ch := whatsapp.New(p.fake, inbox, whatsapp.Options{Secret: "test", LIDs: p.fake,
			Pacing: bot.Pacing{PerChat: 10 * time.Millisecond, Global: time.Millisecond}})
		started <- ch
		return source{ch: ch, receive: func(ctx context.Context) error { <-ctx.Done(); return nil }, health: ch.Health}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() { done <- serveWith(ctx, cfg, newLogger(cfg, logs), []sourceFactory{factory}, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("lapor: %v\n%s", err, logs)
		}
	})
	select {
	case p.ch = <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the WhatsApp channel never started")
	}
}

// The same transcripts as on Telegram: desks, intake and status, the chain.
func TestSharedTranscriptsOnWhatsApp(t *testing.T) {
	t.Parallel()
	p := &whatsappPlatform{t: t, fake: whatsapptest.New(), seen: map[string]int{}}
	dbURL := pg.NewDatabase(t)
	env := map[string]string{"LAPOR_DATABASE_URL": dbURL}
	if code := Run(context.Background(), []string{"admin", "add", "--whatsapp-user", fmt.Sprintf("62811%07d", pSuper), "--role", "super_admin"},
		func(k string) string { return env[k] }, io.Discard, io.Discard); code != 0 {
		t.Fatalf("admin add: %d", code)
	}
	startWhatsApp(t, p, dbURL)
	playAll(t, p)
}

// Unsupported kinds get the polite reply, and the next message is handled.
func TestWhatsAppUnsupportedThenNormal(t *testing.T) {
	t.Parallel()
	p := &whatsappPlatform{t: t, fake: whatsapptest.New(), seen: map[string]int{}}
	startWhatsApp(t, p, pg.NewDatabase(t))
	p.deliver(p.fake.Sticker(p.chat(pCitizen), p.userID(pCitizen)))
	if _, err := p.expect(pCitizen, "stiker tidak dapat kami proses"); err != nil {
		t.Fatal(err)
	}
	p.text(pCitizen, pCitizen, "/start")
	if _, err := p.expect(pCitizen, "Balas dengan angka"); err != nil {
		t.Fatal(err)
	}
}

// LAPOR_WHATSAPP=1 without a linked account: the rest runs, /readyz says
// what to do.
func TestWhatsAppOnButNotLinked(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	env := serviceEnv(t, fake, pg.NewDatabase(t))
	env["LAPOR_WHATSAPP"] = "1"
	env["LAPOR_WHATSAPP_VERSION"] = whatsapp.PinnedVersion() // no asking WhatsApp from a test
	env["LAPOR_ADMIN_ADDR"] = freeAddr(t)
	startInProcess(t, env)
	c := newCitizen(fake, 5099)
	if _, err := c.say("/start", "Selamat datang"); err != nil {
		t.Fatal(err)
	}
	err := eventually(func() bool {
		resp, err := http.Get("http://" + env["LAPOR_ADMIN_ADDR"] + "/readyz/whatsapp")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == 503 && strings.Contains(string(b), "lapor whatsapp-login") && hreadyOK(env["LAPOR_HTTP_ADDR"])
	}, "/readyz does not report the missing WhatsApp link")
	if err != nil {
		t.Fatal(err)
	}
}

// Each kind WhatsApp has and lapor cannot take gets its polite reply, and
// the channel goes on with the next message.
func TestWhatsAppEveryUnsupportedKind(t *testing.T) {
	t.Parallel()
	p := &whatsappPlatform{t: t, fake: whatsapptest.New(), seen: map[string]int{}}
	startWhatsApp(t, p, pg.NewDatabase(t))
	chat, who := p.chat(pCitizen), p.userID(pCitizen)
	for _, c := range []struct {
		evt  any
		want string
	}{
		{p.fake.Sticker(chat, who), "stiker"},
		{p.fake.ViewOnce(chat, who), "sekali lihat"},
		{p.fake.Poll(chat, who), "polling"},
		{p.fake.Reaction(chat, who, "3EB0AAAA"), "reaksi emoji"},
		{p.fake.Contact(chat, who), "kartu kontak"},
	} {
		p.deliver(c.evt)
		if _, err := p.expect(pCitizen, c.want); err != nil {
			t.Fatal(err)
		}
	}
	p.text(pCitizen, pCitizen, "/start")
	if _, err := p.expect(pCitizen, "Selamat datang"); err != nil {
		t.Fatal(err)
	}
}
