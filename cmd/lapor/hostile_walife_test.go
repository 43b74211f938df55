//go:build !nowhatsapp

package main

import (
	"context"
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

func init() {
	hostileCatalogues = append(hostileCatalogues, func() []hostileRow { return hostileRows(whatsappLifeCases()) })
}

// waLife is the WhatsApp connection group's service: the WhatsApp source
// as serve builds it (lock, supervisor, super admin desk notices), on the
// fake, whose connection WhatsApp keeps breaking.
type waLife struct {
	p     *whatsappPlatform
	db    *store.DB
	addr  string
	admin string // the admin listener's address (/readyz/whatsapp)
	desk  string // the super admin desk, a WhatsApp group

	mu       sync.Mutex
	next     int
	deskSeen int
}

func startWhatsAppLife(t *testing.T) *waLife {
	t.Helper()
	dbURL := pg.NewDatabase(t)
	w := &waLife{p: &whatsappPlatform{t: t, fake: whatsapptest.New(), seen: map[string]int{}}, addr: freeAddr(t), admin: freeAddr(t), next: 500,
		desk: whatsapptest.GroupJID("120363000000000110")}
	env := map[string]string{"LAPOR_DATABASE_URL": dbURL, "LAPOR_HTTP_ADDR": w.addr, "LAPOR_ADMIN_ADDR": w.admin,
		"LAPOR_LOG_LEVEL": "warn", "LAPOR_OUTBOX_LEASE": "3s"}
	cfg := hmust(LoadConfig(func(k string) string { return env[k] })).of(t)
	logs := &syncBuffer{}
	log := newLogger(cfg, logs)
	started := make(chan *whatsapp.Channel, 1)
	factory := func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		src := supervisedWhatsApp(cfg, log, db, svc, inbox, nil, whatsapp.SupervisorOptions{Open: w.p.fake.Open,
			MinBackoff: 50 * time.Millisecond, MaxBackoff: 400 * time.Millisecond, LinkPoll: 50 * time.Millisecond,
			StuckAfter: 400 * time.Millisecond, Check: 10 * time.Millisecond})
		started <- src.ch.(*whatsapp.Channel)
		return src, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveWith(ctx, cfg, log, []sourceFactory{factory}, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("lapor: %v\n%s", err, logs)
		}
		if t.Failed() {
			t.Logf("lapor's log:\n%s", logs)
		}
	})
	select {
	case w.p.ch = <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the WhatsApp channel never started")
	}
	w.db = hmust(store.Open(context.Background(), dbURL, nil)).of(t)
	t.Cleanup(w.db.Close)
	if err := w.db.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.EnsureDesk(context.Background(), store.Desk{Kind: flows.DeskSuperAdmin, Channel: whatsapp.Name, ChatID: w.desk,
			Title: "Super admin"}, "test", time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	hwait(t, "WhatsApp connected", func() bool { return w.p.fake.Connected() && channelOK(w.admin, "whatsapp") })
	return w
}

func (w *waLife) person() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next++
	return w.next
}

// store hands a citizen's text to the channel's handler, as whatsmeow does
// for a message that arrived just before the connection broke.
func (w *waLife) store(t *testing.T, person int, text string) {
	t.Helper()
	chat := w.p.chat(person)
	if !w.p.ch.HandleEvent(w.p.fake.Text(chat, chat, text)) {
		t.Fatal("the WhatsApp handler refused the message")
	}
}

// unready waits until /readyz/whatsapp says 503 with want, while the
// web port's /readyz stays 200 (the web chat works without WhatsApp).
func (w *waLife) unready(t *testing.T, want string) {
	t.Helper()
	hwait(t, "/readyz: "+want, func() bool {
		code, status := readyz(w.admin)
		s, _ := status["whatsapp"].(string)
		return code == 503 && strings.Contains(s, want)
	})
	if !hreadyOK(w.addr) {
		t.Fatalf("WhatsApp is down (%s) and the web port's /readyz is not 200", want)
	}
}

// quietFor checks that nothing goes to chat for d (the connection is down).
func (w *waLife) quietFor(t *testing.T, chat string, d time.Duration) {
	t.Helper()
	before := len(w.p.fake.Sent(chat))
	time.Sleep(d)
	if sent := w.p.fake.Sent(chat); len(sent) != before {
		t.Fatalf("sent while WhatsApp was down: %+v", sent[before:])
	}
}

// told checks the super admin desk got exactly these notices since the
// last check, in order.
func (w *waLife) told(t *testing.T, want ...string) {
	t.Helper()
	if _, err := w.p.fake.WaitSent(context.Background(), w.desk, w.deskSeen+len(want)); err != nil {
		t.Fatalf("the desk was not told %q: %v", want, err)
	}
	hquiet(t, w.db)
	sent := w.p.fake.Sent(w.desk)[w.deskSeen:]
	if len(sent) != len(want) {
		t.Fatalf("the desk was told %d things, want %d (%q): %+v", len(sent), len(want), want, sent)
	}
	for i, s := range sent {
		if !strings.Contains(s.Text, want[i]) {
			t.Fatalf("notice %d: %q, want %q", i, s.Text, want[i])
		}
	}
	w.deskSeen += len(sent)
}

func TestHostileWhatsAppConnection(t *testing.T) {
	t.Parallel()
	w := startWhatsAppLife(t)
	runHostile(t, w, func(t *testing.T) { hready(t, w.addr) }, whatsappLifeCases())
}

func whatsappLifeCases() []hostileCase[*waLife] {
	type E = *waLife
	return []hostileCase[E]{
		{id: "H110", channel: "whatsapp", name: "logged out between a message and its answer",
			input:  "a citizen's /start is stored as WhatsApp logs the linked device out (401); later lapor whatsapp-login links it again while serve runs",
			expect: "admin /readyz/whatsapp 503 \"logged out\"; nothing sent meanwhile; after the login, without a restart: \"Selamat datang\" to the citizen, and the super admin desk told once \"mengeluarkan perangkat tertaut lapor (kode 401)\" then \"berjalan kembali\"",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.p.fake.LogOut()
				w.store(t, c, "/start")
				w.unready(t, "logged out")
				w.quietFor(t, w.p.chat(c), 300*time.Millisecond)
				w.p.fake.Link()
				hwait(t, "ready again", func() bool { return channelOK(w.admin, "whatsapp") })
				hmust(w.p.expect(c, "Selamat datang")).of(t)
				w.told(t, "mengeluarkan perangkat tertaut lapor (kode 401)", "berjalan kembali")
			}},
		{id: "H111", channel: "whatsapp", name: "temporary ban",
			input:  "WhatsApp bans the number for 1 s (code 101) while a citizen's /start waits for its answer",
			expect: "admin /readyz/whatsapp 503 \"temporarily banned\"; nothing sent during the ban; then, by itself, the answer, and the desk told once \"diblokir sementara oleh WhatsApp (kode 101) sampai …\" then \"berjalan kembali\"",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.p.fake.Ban(101, time.Second)
				w.store(t, c, "/start")
				w.unready(t, "temporarily banned")
				w.quietFor(t, w.p.chat(c), 300*time.Millisecond)
				hmust(w.p.expect(c, "Selamat datang")).of(t)
				w.told(t, "diblokir sementara oleh WhatsApp (kode 101) sampai", "berjalan kembali")
			}},
		{id: "H112", channel: "whatsapp", name: "another process takes the session",
			input:  "another program connects with the same device keys (stream replaced)",
			expect: "admin /readyz/whatsapp 503 \"another process\"; lapor connects again after a pause, by itself; the desk told once \"program lain\" then \"berjalan kembali\"",
			run: func(t *testing.T, w E) {
				w.p.fake.ReplaceStream()
				w.unready(t, "another process")
				hwait(t, "ready again", func() bool { return channelOK(w.admin, "whatsapp") })
				w.told(t, "program lain tersambung dengan sesi WhatsApp yang sama", "berjalan kembali")
			}},
		{id: "H113", channel: "whatsapp", name: "connections refused again and again",
			input:  "the connection drops and WhatsApp refuses the next three connections with 409 (bad user agent), which whatsmeow does not retry",
			expect: "retried with back-off until the fourth connection works; the desk told once \"menolak sambungan (kode 409)\" then \"berjalan kembali\"",
			run: func(t *testing.T, w E) {
				for range 3 {
					w.p.fake.FailNextConnect(409)
				}
				w.p.fake.NetworkDown()
				w.p.fake.NetworkUp()
				w.unready(t, "409")
				hwait(t, "ready again", func() bool { return channelOK(w.admin, "whatsapp") })
				w.told(t, "WhatsApp menolak sambungan (kode 409)", "berjalan kembali")
			}},
		{id: "H114", channel: "whatsapp", name: "network gone for longer than whatsmeow's retries",
			input:  "the network stays down past the supervisor's stuck limit (5 min in production, 0.4 s here) while a citizen's /start waits; then it is back",
			expect: "admin /readyz/whatsapp 503 \"not connected\"; nothing sent meanwhile; the desk told once \"terputus\"; when the network is back the answer goes out and \"berjalan kembali\" follows",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.p.fake.NetworkDown()
				w.store(t, c, "/start")
				w.unready(t, "not connected")
				w.quietFor(t, w.p.chat(c), 300*time.Millisecond)
				w.p.fake.NetworkUp()
				hmust(w.p.expect(c, "Selamat datang")).of(t)
				w.told(t, "terputus", "berjalan kembali")
			}},
	}
}
