//go:build !nowhatsapp

package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// waCitizen is a person on WhatsApp addressed as WhatsApp addresses them
// at the moment (whatsapptest.Fake.From): by phone number until the
// device knows their LID, by LID after. What they read is their one chat,
// whatever address the bot used.
type waCitizen struct {
	t      *testing.T
	p      *whatsappPlatform
	number string
	seen   int
}

func (c *waCitizen) say(s string) {
	c.t.Helper()
	c.p.deliver(c.p.fake.TextFrom(c.number, s))
}

func (c *waCitizen) photo(data []byte, caption string) {
	c.t.Helper()
	c.p.deliver(c.p.fake.ImageFrom(c.number, data, caption))
}

// expect waits for a message containing want, after those already read.
func (c *waCitizen) expect(want string) string {
	c.t.Helper()
	got, err := nextContaining(&c.seen, func(ctx context.Context, n int) ([]string, error) {
		sent, err := c.p.fake.WaitSentTo(ctx, c.number, n)
		texts := make([]string, len(sent))
		for i, s := range sent {
			texts[i] = s.Text
		}
		return texts, err
	}, "whatsapp "+c.number, want)
	if err != nil {
		c.t.Fatal(err)
	}
	return got
}

// press answers the newest numbered menu with the labelled choice.
func (c *waCitizen) press(label, want string) string {
	c.t.Helper()
	line := regexp.MustCompile(`(?m)^(\d+)\. ` + regexp.QuoteMeta(label) + `$`)
	sent := c.p.fake.SentTo(c.number)
	for i := len(sent) - 1; i >= 0; i-- {
		if m := line.FindStringSubmatch(sent[i].Text); m != nil {
			c.say(m[1])
			return c.expect(want)
		}
	}
	c.t.Fatalf("whatsapp %s: no choice %q in %d messages", c.number, label, len(sent))
	return ""
}

// A citizen's first messages come from their phone number; in the middle
// of the draft WhatsApp tells the device their LID (the bot's reply makes
// whatsmeow look it up) and the next messages come from the LID. The draft
// goes on where it was, the evidence sent before and after stays in it,
// the report and /status are one history, and no reply goes to the
// number after the switch. Once with the number as SenderAlt, once without
// (the channel finds it in the LID map).
func TestWhatsAppNumberBecomesLIDMidDraft(t *testing.T) {
	t.Parallel()
	p := &whatsappPlatform{t: t, fake: whatsapptest.New(), seen: map[string]int{}}
	dbURL := pg.NewDatabase(t)
	startWhatsApp(t, p, dbURL)
	db := hmust(store.Open(context.Background(), dbURL, nil)).of(t)
	t.Cleanup(db.Close)
	photo := jpegWithGPS(t)

	for i, noAlt := range []bool{false, true} {
		t.Run(fmt.Sprintf("senderAlt=%v", !noAlt), func(t *testing.T) {
			number, lid := fmt.Sprintf("628117770%04d", i), fmt.Sprintf("8800000777%04d", i)
			c := &waCitizen{t: t, p: p, number: number}
			pn, lidJID := whatsapptest.UserJID(number), whatsapptest.LIDJID(lid)

			c.say("/start")
			c.expect("Selamat datang")
			c.press("📝 Buat laporan", "Jenis laporan")
			c.press("Pengaduan", "Uraian")
			c.say("Lampu jalan di depan balai desa mati sejak dua minggu, gelap sekali malam hari.")
			c.expect("Dicatat")
			if d := hconversation(t, db, "whatsapp", pn); d.Step == "idle" || len(d.Description) != 1 {
				t.Fatalf("before the switch the draft is under the number: %+v", d)
			}

			// WhatsApp's servers have the LID; the device learns it with
			// the next reply it sends to the number.
			p.fake.GiveLID(number, lid)
			if noAlt {
				p.fake.WithoutSenderAlt(number)
			}
			c.press("Lanjut ➡️", "Kapan kejadiannya")
			if got := p.fake.Address(number); got != lidJID {
				t.Fatalf("the device did not learn the LID: %s", got)
			}
			before := len(p.fake.Sent(pn))

			// From here on the citizen writes from the LID.
			c.press("Kemarin", "Di mana")
			c.say("Jl. Raya Plaosan No. 10")
			c.expect("pilih kecamatan lain")
			c.press("✅ Plaosan", "Bukti")
			c.photo(photo, "lampu mati")
			c.expect("Bukti ke-1 diterima")
			c.press("Selesai ✅", "Sembunyikan identitas")
			c.press("Tidak", "nama Anda") // WhatsApp knows the number: only the name
			c.say("Warga Plaosan")
			c.expect("Rahasiakan")
			c.press("Ya", "Ringkasan")
			id := anyTrackingID.FindString(c.press("📨 Kirim", "Nomor laporan"))
			if id == "" {
				t.Fatal("no tracking number")
			}
			c.say("/status " + id)
			c.expect("Status: Belum Terverifikasi")
			c.say("/laporan")
			list := c.expect(id)
			if n := len(anyTrackingID.FindAllString(list, -1)); n != 1 {
				t.Fatalf("/laporan lists %d reports, want the one: %q", n, list)
			}

			if after := p.fake.Sent(pn); len(after) != before {
				t.Fatalf("after the switch the bot still wrote to the number: %+v", after[before:])
			}
			r := hreport(t, db, id)
			if r.ChatID != lidJID || r.ReporterUserID != lidJID || r.ReporterUsername != pn {
				t.Fatalf("report under chat %q user %q username %q, want the LID and the number kept as username",
					r.ChatID, r.ReporterUserID, r.ReporterUsername)
			}
			if !strings.Contains(r.Description, "Lampu jalan") {
				t.Fatalf("the description written before the switch is lost: %q", r.Description)
			}
			if d := hconversation(t, db, "whatsapp", pn); d.Step != "idle" || len(d.Description) != 0 {
				t.Fatalf("a second conversation is left under the number: %+v", d)
			}
		})
	}
}

// waReplica is one lapor process on the WhatsApp fake: the connected one
// holds the session lock and the client, a stand-by has neither.
type waReplica struct {
	ch   *whatsapp.Channel
	logs *syncBuffer
}

// startWhatsAppReplica runs a lapor process on dbURL whose WhatsApp channel
// is wired as sources_whatsapp.go wires it: the download limit from
// LAPOR_MAX_FILE_MB and the session lock to tell a stand-by from the
// connected process. connected takes the lock and the fake client.
func startWhatsAppReplica(t *testing.T, fake *whatsapptest.Fake, dbURL string, connected bool, extra map[string]string) *waReplica {
	t.Helper()
	env := map[string]string{"LAPOR_DATABASE_URL": dbURL, "LAPOR_HTTP_ADDR": freeAddr(t), "LAPOR_LOG_LEVEL": "warn",
		"LAPOR_OUTBOX_LEASE": "3s"}
	for k, v := range extra {
		env[k] = v
	}
	cfg := hmust(LoadConfig(func(k string) string { return env[k] })).of(t)
	r := &waReplica{logs: &syncBuffer{}}
	started := make(chan *whatsapp.Channel, 1)
	locked := make(chan struct{})
	factory := func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		ch := whatsapp.New(nil, inbox, whatsapp.Options{Secret: "test", LIDs: fake,
			Pacing:      bot.Pacing{PerChat: 10 * time.Millisecond, Global: time.Millisecond},
			MaxDownload: int64(cfg.MaxFileMB) << 20,
			HeldElsewhere: func(ctx context.Context) (bool, error) {
				return db.LeaderElsewhere(ctx, whatsappLock)
			}})
		started <- ch
		receive := func(ctx context.Context) error { <-ctx.Done(); return nil }
		if connected {
			receive = func(ctx context.Context) error {
				lease, err := db.TryLeader(ctx, whatsappLock)
				if err != nil || lease == nil {
					return fmt.Errorf("the session lock: %v", err)
				}
				defer lease.Release()
				ch.SetClient(fake)
				close(locked)
				<-ctx.Done()
				return nil
			}
		}
		return source{ch: ch, receive: receive, health: ch.Health, active: ch.Active}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveWith(ctx, cfg, newLogger(cfg, r.logs), []sourceFactory{factory}, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("lapor: %v\n%s", err, r.logs)
		}
	})
	select {
	case r.ch = <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the WhatsApp channel never started")
	}
	if connected {
		select {
		case <-locked:
		case <-time.After(30 * time.Second):
			t.Fatal("the connected replica never took the session lock")
		}
	}
	return r
}

// Two replicas: one holds the WhatsApp connection, the other is a
// stand-by whose workers take messages too. Every photo is downloaded by
// the connected one: a stand-by that takes a photo message puts it back
// without counting a failed attempt, so no citizen is asked to send a
// file again, and none waits for a back-off.
func TestWhatsAppStandbyReplicaLeavesFilesToTheConnectedOne(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	dbURL := pg.NewDatabase(t)
	db := hmust(store.Open(context.Background(), dbURL, nil)).of(t)
	t.Cleanup(db.Close)
	// The stand-by has more workers, so it takes most messages.
	primary := startWhatsAppReplica(t, fake, dbURL, true, map[string]string{"LAPOR_WORKERS": "3"})
	startWhatsAppReplica(t, fake, dbURL, false, map[string]string{"LAPOR_WORKERS": "8"})
	p := &whatsappPlatform{t: t, fake: fake, ch: primary.ch, seen: map[string]int{}}
	photo := jpegWithGPS(t)

	const citizens, photos = 4, 6
	var people []*waCitizen
	for i := range citizens {
		c := &waCitizen{t: t, p: p, number: fmt.Sprintf("628118880%04d", i)}
		c.say("/start")
		c.expect("Selamat datang")
		c.press("📝 Buat laporan", "Jenis laporan")
		c.press("Pengaduan", "Uraian")
		people = append(people, c)
	}
	// All photos at once, as a busy morning brings them, each taking a
	// moment to download.
	fake.SlowDownloads(30 * time.Millisecond)
	var ids []string
	for n := 0; n < photos; n++ {
		for _, c := range people {
			evt := fake.ImageFrom(c.number, photo, "").(*events.Message)
			p.deliver(evt)
			ids = append(ids, evt.Info.Chat.String()+"/"+evt.Info.ID)
		}
	}
	for _, c := range people {
		for n := 1; n <= photos; n++ {
			c.expect(fmt.Sprintf("Bukti ke-%d diterima", n))
		}
	}
	for _, ext := range ids {
		n, err := db.InboundAttempts(context.Background(), "whatsapp", ext)
		if err != nil || n != 0 {
			t.Errorf("photo %s: %d failed attempts (%v); a stand-by must leave it to the connected replica", ext, n, err)
		}
	}
}

// A crafted document declares 2 kB while its file on the media server is
// 2 GiB. The download stops at LAPOR_MAX_FILE_MB (on disk, never whole in
// memory) and the citizen is told the file is over the limit; the draft
// goes on.
func TestWhatsAppDownloadStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	dbURL := pg.NewDatabase(t)
	r := startWhatsAppReplica(t, fake, dbURL, true, map[string]string{"LAPOR_MAX_FILE_MB": "2"})
	p := &whatsappPlatform{t: t, fake: fake, ch: r.ch, seen: map[string]int{}}
	c := &waCitizen{t: t, p: p, number: "6281199900001"}
	c.say("/start")
	c.expect("Selamat datang")
	c.press("📝 Buat laporan", "Jenis laporan")
	c.press("Pengaduan", "Uraian")
	p.deliver(fake.LyingDocument(whatsapptest.UserJID(c.number), whatsapptest.UserJID(c.number), 2000, 2<<30))
	c.expect("terlalu besar")
	const limit = 2 << 20
	if served := fake.Served(); served > limit+64<<10 {
		t.Fatalf("%d bytes downloaded for a limit of %d", served, limit)
	}
	c.say("Jalan berlubang di depan pasar.")
	c.expect("Dicatat")
}

// A desk card names a WhatsApp reporter by the number an officer would
// dial, not by the raw JID; and /identitas likewise.
func TestWhatsAppDeskCardShowsAReadableNumber(t *testing.T) {
	t.Parallel()
	p := &whatsappPlatform{t: t, fake: whatsapptest.New(), seen: map[string]int{}}
	dbURL := pg.NewDatabase(t)
	env := map[string]string{"LAPOR_DATABASE_URL": dbURL}
	if code := Run(context.Background(), []string{"admin", "add", "--whatsapp-user", fmt.Sprintf("62811%07d", pSuper), "--role", "super_admin"},
		func(k string) string { return env[k] }, io.Discard, io.Discard); code != 0 {
		t.Fatalf("admin add: %d", code)
	}
	startWhatsApp(t, p, dbURL)
	seen := map[string]string{}
	runTranscript(t, p, seen, desksTranscript())
	runTranscript(t, p, seen, intakeTranscript(jpegWithGPS(t)))
	number := fmt.Sprintf("+62 811-%04d-%03d", pCitizen/1000, pCitizen%1000)
	card := hmust(p.expect(gpSuper, "📋 "+seen["id"])).of(t) // its evidence comes first
	if !strings.Contains(card, number) || strings.Contains(card, "whatsapp.net") {
		t.Fatalf("the card does not show %q readably:\n%s", number, card)
	}
}

// What make faults will do to WhatsApp, in small: a tenth of all sends
// fail (socket closed, timeouts, some delivered all the same) while some
// citizens' addresses switch from number to LID in the middle of their
// drafts. Every citizen reaches the end of the draft in one chat, sees
// each answer once, and nothing is left under a number that switched.
func TestWhatsAppSendFailuresAndAddressSwitches(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	fake.FailSendsRandomly(0.1, 14)
	p := &whatsappPlatform{t: t, fake: fake, seen: map[string]int{}}
	dbURL := pg.NewDatabase(t)
	startWhatsApp(t, p, dbURL)
	db := hmust(store.Open(context.Background(), dbURL, nil)).of(t)
	t.Cleanup(db.Close)
	const citizens = 6
	for i := range citizens {
		number, lid := fmt.Sprintf("628117771%04d", i), fmt.Sprintf("8800000771%04d", i)
		switches := i%2 == 0
		c := &waCitizen{t: t, p: p, number: number}
		c.say("/start")
		c.expect("Selamat datang")
		c.press("📝 Buat laporan", "Jenis laporan")
		if switches {
			fake.GiveLID(number, lid)
		}
		c.press("Pengaduan", "Uraian")
		c.say("Jembatan desa retak di tengah, warga takut melintas.")
		c.expect("Dicatat")
		c.press("Lanjut ➡️", "Kapan kejadiannya")
		c.press("Kemarin", "Di mana")
		chat := whatsapptest.UserJID(number)
		if switches {
			chat = whatsapptest.LIDJID(lid)
			if fake.Address(number) != chat {
				t.Fatalf("citizen %d: the device never learnt the LID", i)
			}
			if d := hconversation(t, db, "whatsapp", whatsapptest.UserJID(number)); d.Step != "idle" {
				t.Fatalf("citizen %d: a conversation is left under the number: %+v", i, d)
			}
		}
		if d := hconversation(t, db, "whatsapp", chat); d.Step != "where" || len(d.Description) != 1 {
			t.Fatalf("citizen %d: the draft under %s is %+v", i, chat, d)
		}
		seen := map[string]bool{}
		for _, s := range fake.SentTo(number) {
			if seen[s.ID] {
				t.Fatalf("citizen %d: message %s shown twice", i, s.ID)
			}
			seen[s.ID] = true
		}
	}
	if attempts, failed := fake.SendCounts(); failed == 0 {
		t.Fatalf("no send failed in %d: the test proves nothing", attempts)
	}
}
