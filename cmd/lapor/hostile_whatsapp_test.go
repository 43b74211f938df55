//go:build !nowhatsapp

package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

func init() {
	hostileCatalogues = append(hostileCatalogues, func() []hostileRow { return hostileRows(whatsappHostileCases()) })
}

// waHostile is the WhatsApp group's service: the real WhatsApp channel on
// the whatsapptest fake, each case with people of its own.
type waHostile struct {
	p    *whatsappPlatform
	db   *store.DB
	addr string
	logs *syncBuffer

	mu   sync.Mutex
	next int
}

// startHostileWhatsApp is startWhatsApp with the service's address and log
// kept for the health checks.
func startHostileWhatsApp(t *testing.T) *waHostile {
	t.Helper()
	dbURL := pg.NewDatabase(t)
	w := &waHostile{p: &whatsappPlatform{t: t, fake: whatsapptest.New(), seen: map[string]int{}}, addr: freeAddr(t),
		logs: &syncBuffer{}, next: 300}
	env := map[string]string{"LAPOR_DATABASE_URL": dbURL, "LAPOR_HTTP_ADDR": w.addr, "LAPOR_LOG_LEVEL": "warn",
		"LAPOR_OUTBOX_LEASE": "3s"}
	cfg := hmust(LoadConfig(func(k string) string { return env[k] })).of(t)
	started := make(chan *whatsapp.Channel, 1)
	factory := func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		ch := whatsapp.New(w.p.fake, inbox, whatsapp.Options{Secret: "test", LIDs: w.p.fake,
			Pacing: bot.Pacing{PerChat: 10 * time.Millisecond, Global: time.Millisecond}})
		started <- ch
		return source{ch: ch, receive: func(ctx context.Context) error { <-ctx.Done(); return nil }, health: ch.Health}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveWith(ctx, cfg, newLogger(cfg, w.logs), []sourceFactory{factory}, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("lapor: %v\n%s", err, w.logs)
		}
	})
	select {
	case w.p.ch = <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the WhatsApp channel never started")
	}
	w.db = hmust(store.Open(context.Background(), dbURL, nil)).of(t)
	t.Cleanup(w.db.Close)
	hwait(t, "the service listening", func() bool { return hreadyOK(w.addr) })
	return w
}

// person is a WhatsApp user no other case uses.
func (w *waHostile) person() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next++
	return w.next
}

// send hands an event to the channel's real handler, which must take it
// (false would make WhatsApp deliver it again and again).
func (w *waHostile) send(t *testing.T, evt any) string {
	t.Helper()
	if !w.p.ch.HandleEvent(evt) {
		t.Fatal("the WhatsApp handler refused the message: it is not stored, and WhatsApp would redeliver it for ever")
	}
	return evt.(*events.Message).Info.ID
}

func (w *waHostile) text(t *testing.T, chat, person int, s string) string {
	t.Helper()
	return w.send(t, w.p.fake.Text(w.p.chat(chat), w.p.userID(person), s))
}

func (w *waHostile) expect(t *testing.T, chat int, want string) string {
	t.Helper()
	return hmust(w.p.expect(chat, want)).of(t)
}

func (w *waHostile) healthy(t *testing.T) {
	t.Helper()
	hready(t, w.addr)
	if strings.Contains(w.logs.String(), "panic") {
		t.Errorf("a panic was logged:\n%s", w.logs)
	}
}

func TestHostileWhatsApp(t *testing.T) {
	t.Parallel()
	w := startHostileWhatsApp(t)
	runHostile(t, w, w.healthy, whatsappHostileCases())
}

// unsupportedKind is a case for one kind of WhatsApp message lapor cannot
// take: the polite reply, the recorded refusal, and the next message
// handled as usual.
func unsupportedKind(id, name, kind, reply string, build func(f *whatsapptest.Fake, chat, sender string) any) hostileCase[*waHostile] {
	return hostileCase[*waHostile]{id: id, channel: "whatsapp", name: name,
		input:  "a " + name + " in a citizen's private chat, then /start",
		expect: fmt.Sprintf("\"Maaf, %s tidak dapat kami proses\"; recorded \"refused: %s\"; /start then answered", reply, kind),
		run: func(t *testing.T, w *waHostile) {
			c := w.person()
			chat := w.p.chat(c)
			msgID := w.send(t, build(w.p.fake, chat, w.p.userID(c)))
			w.expect(t, c, "Maaf, "+reply+" tidak dapat kami proses")
			if got := houtcome(t, w.db, "whatsapp", chat+"/"+msgID); got != "refused: "+kind {
				t.Fatalf("outcome %q", got)
			}
			w.text(t, c, c, "/start")
			w.expect(t, c, "Selamat datang")
		}}
}

func whatsappHostileCases() []hostileCase[*waHostile] {
	type E = *waHostile
	return append([]hostileCase[E]{
		unsupportedKind("H66", "sticker", "sticker", "stiker", func(f *whatsapptest.Fake, chat, sender string) any { return f.Sticker(chat, sender) }),
		unsupportedKind("H67", "poll", "poll", "polling", func(f *whatsapptest.Fake, chat, sender string) any { return f.Poll(chat, sender) }),
		unsupportedKind("H68", "reaction", "reaction", "reaksi emoji", func(f *whatsapptest.Fake, chat, sender string) any {
			return f.Reaction(chat, sender, "3EB0AAAAAAAAAAAA")
		}),
		unsupportedKind("H69", "contact card", "contact", "kartu kontak", func(f *whatsapptest.Fake, chat, sender string) any { return f.Contact(chat, sender) }),
		unsupportedKind("H70", "view-once photo", "view_once", "foto atau video sekali lihat", func(f *whatsapptest.Fake, chat, sender string) any {
			return f.ViewOnce(chat, sender)
		}),
		{id: "H71", channel: "whatsapp", name: "messages in a group that is no desk",
			input:  "in a WhatsApp group the bot is in but that is no desk: \"halo semua\", /verifikasi MGT-7K3QFA, and 1",
			expect: "no reply at all; each recorded \"refused: unknown group\"; the command audited (unregistered group)",
			run: func(t *testing.T, w E) {
				g, u := -(900 + w.person()), w.person()
				group := w.p.chat(g)
				var ids []string
				for _, s := range []string{"halo semua", "/verifikasi MGT-7K3QFA", "1"} {
					ids = append(ids, w.text(t, g, u, s))
				}
				for _, id := range ids {
					if got := houtcome(t, w.db, "whatsapp", group+"/"+id); got != "refused: unknown group" {
						t.Fatalf("outcome %q", got)
					}
				}
				haudited(t, w.db, "command in a group that is no desk", func(e store.AuditEntry) bool {
					return e.ChatID == group && e.Action == "command:verifikasi" && !e.Allowed && e.Detail == "unregistered group"
				})
				hquiet(t, w.db)
				if sent := w.p.fake.Sent(group); len(sent) != 0 {
					t.Fatalf("the bot spoke in the group: %+v", sent)
				}
			}},
		{id: "H72", channel: "whatsapp", name: "bare numbers outside the menu",
			input:  "after the 3-choice main menu: 7, 0 and 99999999999999999999; at the 3-choice type step: 4",
			expect: "no choice is made: \"Ceritakan langsung apa yang ingin Anda laporkan\" with the menu for each; at the type step \"Mohon pilih salah satu\" and the step stays",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.text(t, c, c, "/start")
				w.expect(t, c, "Balas dengan angka")
				for _, n := range []string{"7", "0", "99999999999999999999"} {
					w.text(t, c, c, n)
					w.expect(t, c, "Ceritakan langsung apa yang ingin Anda laporkan")
				}
				w.text(t, c, c, "1")
				w.expect(t, c, "Jenis laporan")
				w.text(t, c, c, "4")
				w.expect(t, c, "Mohon pilih salah satu")
				if d := hconversation(t, w.db, "whatsapp", w.p.chat(c)); d.Step != "type" {
					t.Fatalf("step %q after an out-of-range number", d.Step)
				}
			}},
		{id: "H73", channel: "whatsapp", name: "officer command from a stranger",
			input:  "/verifikasi MGT-7K3QFA and /petugas tambah <own number> super_admin X in a citizen's private chat",
			expect: "\"Perintah /verifikasi tidak dikenal\" and \"Perintah /petugas tidak dikenal\"; both audited (not an officer); no officer created",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.text(t, c, c, "/verifikasi MGT-7K3QFA")
				w.expect(t, c, "Perintah /verifikasi tidak dikenal")
				w.text(t, c, c, "/petugas tambah "+w.p.userID(c)+" super_admin Peretas")
				w.expect(t, c, "Perintah /petugas tidak dikenal")
				for _, cmd := range []string{"/verifikasi", "/petugas"} {
					haudited(t, w.db, cmd+" refused", func(e store.AuditEntry) bool {
						return e.Channel == "whatsapp" && e.Action == cmd && !e.Allowed && e.Detail == "not an officer" && e.UserID == w.p.userID(c)
					})
				}
				err := w.db.InTx(context.Background(), func(tx *store.Tx) error {
					_, err := tx.OfficerByUser(context.Background(), "whatsapp", w.p.userID(c))
					return err
				})
				if !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("a stranger became an officer: %v", err)
				}
			}},
		{id: "H74", channel: "whatsapp", name: "10000-character description",
			input:  "one WhatsApp text of 10,000 characters at the description step",
			expect: "\"Dicatat (10000 karakter)\"",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.text(t, c, c, "/start")
				w.expect(t, c, "Balas dengan angka")
				w.text(t, c, c, "1")
				w.expect(t, c, "Jenis laporan")
				w.text(t, c, c, "1")
				w.expect(t, c, "Uraian")
				w.text(t, c, c, runeText(10000))
				w.expect(t, c, "Dicatat (10000 karakter)")
			}},
		{id: "H75", channel: "whatsapp", name: "NUL bytes in a WhatsApp text",
			input:  "the text \"halo\\u0000apa kabar\" in a citizen's private chat",
			expect: "taken (the handler returns true) and answered; the NUL removed",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.text(t, c, c, "halo\x00apa kabar")
				w.expect(t, c, "Ceritakan langsung apa yang ingin Anda laporkan")
			}},
	}, whatsappAddrHostileCases()...)
}
