//go:build !nowhatsapp

package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
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
			c.expect("paling dekat")
			c.press("✅ Plaosan", "Bukti")
			c.photo(photo, "lampu mati")
			c.expect("Bukti ke-1 diterima")
			c.press("Selesai ✅", "Sembunyikan identitas")
			c.press("Tidak", "Rahasiakan")
			c.press("Ya", "Ringkasan")
			id := anyTrackingID.FindString(c.press("📨 Kirim", "Nomor laporan"))
			if id == "" {
				t.Fatal("no tracking number")
			}
			c.say("/status " + id)
			c.expect("Menunggu verifikasi")
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
