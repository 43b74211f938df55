//go:build !nowhatsapp

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
	"github.com/lapor-id/lapor/store"
)

// whatsappAddrHostileCases are the WhatsApp group's cases about
// addresses, files and the account's limits (issue 14). They run last:
// H122 and H123 hold the whole account back for a moment.
func whatsappAddrHostileCases() []hostileCase[*waHostile] {
	type E = *waHostile
	return []hostileCase[E]{
		{id: "H120", channel: "whatsapp", name: "document larger than it declares",
			input:  "at the description step, a document that declares 2,000 bytes and whose file on the media server is 2 GiB; then a text",
			expect: "\"terlalu besar\" with the limit; at most the limit (20 MB) is downloaded, to disk; the text is then \"Dicatat\"",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.text(t, c, c, "/start")
				w.expect(t, c, "Balas dengan angka")
				w.text(t, c, c, "1")
				w.expect(t, c, "Jenis laporan")
				w.text(t, c, c, "1")
				w.expect(t, c, "Uraian")
				before := w.p.fake.Served()
				w.send(t, w.p.fake.LyingDocument(w.p.chat(c), w.p.userID(c), 2000, 2<<30))
				w.expect(t, c, "terlalu besar")
				if served := w.p.fake.Served() - before; served > 20<<20+64<<10 {
					t.Fatalf("%d bytes downloaded for a 20 MB limit", served)
				}
				w.text(t, c, c, "Jalan rusak di depan pasar.")
				w.expect(t, c, "Dicatat")
			}},
		{id: "H121", channel: "whatsapp", name: "number becomes a LID mid-draft",
			input:  "a citizen starts a report from their number; WhatsApp then gives the device their LID (with the bot's next reply) and the rest comes from the LID without SenderAlt (the number only in the device's LID map)",
			expect: "the draft goes on (\"Dicatat\" at the description step); the conversation is the LID's, none is left under the number; no reply goes to the number after the switch",
			run: func(t *testing.T, w E) {
				c := w.person()
				number, lid := fmt.Sprintf("62811%07d", c), fmt.Sprintf("7700000%07d", c)
				z := &waCitizen{t: t, p: w.p, number: number}
				z.say("/start")
				z.expect("Selamat datang")
				z.press("📝 Buat laporan", "Jenis laporan")
				w.p.fake.GiveLID(number, lid)
				w.p.fake.WithoutSenderAlt(number)
				z.press("Pengaduan", "Uraian") // the reply teaches the device the LID
				sentToNumber := len(w.p.fake.Sent(whatsapptest.UserJID(number)))
				z.say("Air PDAM keruh sejak tiga hari.")
				z.expect("Dicatat")
				if d := hconversation(t, w.db, "whatsapp", whatsapptest.LIDJID(lid)); d.Step == "idle" || len(d.Description) != 1 {
					t.Fatalf("the LID's conversation: %+v", d)
				}
				if d := hconversation(t, w.db, "whatsapp", whatsapptest.UserJID(number)); d.Step != "idle" {
					t.Fatalf("a conversation is left under the number: %+v", d)
				}
				if n := len(w.p.fake.Sent(whatsapptest.UserJID(number))); n != sentToNumber {
					t.Fatalf("%d replies went to the number after the switch", n-sentToNumber)
				}
			}},
		{id: "H122", channel: "whatsapp", name: "reach-out timelock announced",
			input:  "WhatsApp announces a reach-out timelock for an hour; a citizen writes /start; after a second WhatsApp lifts it",
			expect: "no reply while the timelock holds (the message is taken and waits); the reply comes once it is lifted",
			run: func(t *testing.T, w E) {
				c := w.person()
				w.p.ch.HandleEvent(timelockEvent(t, true, time.Now().Add(time.Hour)))
				time.Sleep(200 * time.Millisecond) // the dispatcher's next look
				w.text(t, c, c, "/start")
				time.Sleep(time.Second)
				if sent := w.p.fake.Sent(w.p.chat(c)); len(sent) != 0 {
					t.Fatalf("sent during the timelock: %+v", sent)
				}
				w.p.ch.HandleEvent(timelockEvent(t, false, time.Time{}))
				w.expect(t, c, "Selamat datang")
			}},
		{id: "H123", channel: "whatsapp", name: "463 refused to one chat",
			input:  "WhatsApp refuses the bot's answer to one citizen with 463; a second citizen then writes /start; later WhatsApp lifts the restriction",
			expect: "the second citizen gets no answer either while the number is restricted (the pause is the account's, not the chat's); the super admin desk is told once that WhatsApp restricts the number and until when; once lifted both get theirs",
			run: func(t *testing.T, w E) {
				a, b := w.person(), w.person()
				w.p.fake.FailNextSends(whatsapptest.ErrTimelock)
				w.text(t, a, a, "/start")
				hwait(t, "the restriction recorded", func() bool {
					until, _, err := w.db.ChannelPause(context.Background(), "whatsapp")
					return err == nil && until.After(time.Now().Add(time.Hour))
				})
				haudited(t, w.db, "the super admin desk told of the restriction", func(e store.AuditEntry) bool {
					return e.Action == "service_alert" && strings.Contains(e.Detail, "WhatsApp membatasi nomor layanan")
				})
				w.text(t, b, b, "/start")
				time.Sleep(time.Second)
				if sent := w.p.fake.Sent(w.p.chat(b)); len(sent) != 0 {
					t.Fatalf("another chat was answered while the number is restricted: %+v", sent)
				}
				w.p.ch.HandleEvent(timelockEvent(t, false, time.Time{}))
				w.expect(t, a, "Selamat datang")
				w.expect(t, b, "Selamat datang")
			}},
	}
}

// timelockEvent is WhatsApp's reach-out timelock notification as whatsmeow
// decodes it.
func timelockEvent(t *testing.T, active bool, ends time.Time) *events.NotifyAccountReachoutTimelock {
	t.Helper()
	var evt events.NotifyAccountReachoutTimelock
	n := fmt.Sprintf(`{"enforcement_type":"test","is_active":%v}`, active)
	if !ends.IsZero() {
		n = fmt.Sprintf(`{"enforcement_type":"test","is_active":%v,"time_enforcement_ends":"%d"}`, active, ends.Unix())
	}
	if err := json.Unmarshal([]byte(n), &evt); err != nil {
		t.Fatal(err)
	}
	return &evt
}
