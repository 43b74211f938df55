package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/store"
)

// reply answers the bot's newest message in the chat that contains about,
// the way an officer types into a desk group in privacy mode (where plain
// text never reaches the bot), and waits for want.
func (c *citizen) reply(about, text, want string) (telegramtest.Sent, error) {
	sent := c.fake.Sent(c.chat)
	for i := len(sent) - 1; i >= 0; i-- {
		if strings.HasPrefix(sent[i].Method, "send") && strings.Contains(sent[i].Text+sent[i].Caption, about) {
			c.fake.ReplyText(c.chat, c.user, sent[i].MessageID, text)
			return c.expect(want)
		}
	}
	return telegramtest.Sent{}, fmt.Errorf("chat %d: no message of the bot contains %q to reply to", c.chat, about)
}

// chatter is plain group text, as officers talk among themselves: the fake
// in privacy mode must withhold it from the bot.
func (c *chain) chatter(p *citizen, text string) {
	c.t.Helper()
	before := c.fake.Stats().Withheld
	if u, _ := c.fake.SendText(p.chat, p.user, text); u != 0 {
		c.t.Fatalf("plain group text %q reached the bot (update %d): the fake is not in privacy mode", text, u)
	}
	if got := c.fake.Stats().Withheld; got != before+1 {
		c.t.Fatalf("Stats.Withheld = %d, want %d", got, before+1)
	}
}

// prompted checks that a message asking an officer to type asks for a
// reply, and on Telegram opens it (force_reply, selective) for the officer
// who pressed the button: it mentions them, since it answers the bot's
// own message.
func (c *chain) prompted(p *citizen, s telegramtest.Sent) telegramtest.Sent {
	c.t.Helper()
	if !strings.Contains(s.Text, "alas pesan ini") || !s.ForceReply || !s.Selective {
		c.t.Fatalf("prompt %q (force_reply %v, selective %v): an officer in a privacy-mode group could not answer it",
			s.Text, s.ForceReply, s.Selective)
	}
	if mention := fmt.Sprintf("@citizen%d ", p.user); !strings.HasPrefix(s.Text, mention) {
		c.t.Fatalf("prompt %q does not mention %s: the forced reply targets nobody", s.Text, mention)
	}
	return s
}

// The whole chain in desk groups whose bot is in Telegram's default privacy
// mode: officers use only buttons, commands and replies to the bot's
// messages, since nothing else reaches it. Plain chatter is withheld and
// changes nothing.
func TestWorkflowInPrivacyModeGroups(t *testing.T) {
	t.Parallel()
	c := newChain(t) // registration: /daftar_grup, a command, reaches the bot
	photo := jpegWithGPS(t)
	cz := newCitizen(c.fake, 6101)
	id, err := cz.fileReport(photo)
	if err != nil {
		t.Fatal(err)
	}

	// Super admin verifies.
	c.must(c.super.expect(id))
	c.chatter(c.super, "Laporan baru masuk, saya cek dulu ya.")
	c.must(c.super.pressPrefix("w|verify|"+id+"|", "", "✅ "+id))
	c.must(cz.expect("sudah diverifikasi"))

	// The regency admin disposes with the buttons.
	c.must(c.regency.expect(id))
	c.chatter(c.regency, "/disposisi@other_bot "+id+" dinkes") // another bot's command
	c.must(c.regency.pressPrefix("dsp|"+id+"|", "", "ke perangkat daerah mana"))
	c.must(c.regency.pressPrefix("w|dispose|"+id+"|", "|pupr", "✅ "+id))
	c.must(cz.expect("sudah diteruskan ke"))

	// The liaison officer answers, typing the answer as replies.
	c.must(c.pupr.expect("Balas pesan laporan ini"))
	prompt := c.prompted(c.pupr, c.must(c.pupr.pressPrefix("w|answer|"+id+"|", "", "tulis tanggapan")))
	c.chatter(c.pupr, "Ini jawaban yang tidak membalas apa pun.")
	c.fake.ReplyText(puprGroup, 9003, prompt.MessageID, "Saluran sudah dikeruk tim UPT pada 27 November.")
	noted := c.must(c.pupr.expect("dicatat"))
	c.fake.ReplyDocument(puprGroup, 9003, noted.MessageID, "berita-acara.pdf", "application/pdf", []byte("%PDF-1.7 berita acara"), "")
	c.must(c.pupr.expect("1 berkas"))
	c.must(c.pupr.pressPrefix("w|submit|"+id+"|", "", "✅ "+id))
	c.must(cz.expect("sudah mengirim tanggapan atas laporan"))

	// The regency admin asks for a revision, typing the reason as a reply.
	c.must(c.regency.expect("Tanggapan Dinas "))
	c.prompted(c.regency, c.must(c.regency.pressPrefix("p|revise|"+id+"|", "", "balas pesan ini dengan alasannya")))
	c.chatter(c.regency, "Sebutkan juga volume sampahnya.") // not a reply: not the reason
	c.must(c.regency.reply("balas pesan ini dengan alasannya", "Lampirkan foto sesudah pengerukan.", "✅ "+id))
	c.must(cz.expect("untuk dilengkapi"))

	// The agency's card now carries the reason; replying to it (no button
	// first) adds to the answer.
	c.must(c.pupr.expect("Lampirkan foto sesudah pengerukan"))
	noted = c.must(c.pupr.reply("Lampirkan foto sesudah pengerukan", "Foto sesudah pengerukan terlampir.", "dicatat"))
	c.fake.ReplyPhoto(puprGroup, 9003, noted.MessageID, photo, "")
	c.must(c.pupr.expect("berkas"))
	c.must(c.pupr.pressPrefix("w|submit|"+id+"|", "", "✅ "+id))

	// Approved, then accepted by the citizen.
	c.must(c.regency.expect("Foto sesudah pengerukan"))
	c.must(c.regency.pressPrefix("w|approve|"+id+"|", "", "✅ "+id))
	c.must(cz.expect("Foto sesudah pengerukan"))
	c.must(cz.pressPrefix("c|accept|"+id+"|", "", "Bagaimana penilaian"))

	// A reply to the bot's message when nothing waits for it is answered.
	c.must(c.regency.reply("Foto sesudah pengerukan", "Terima kasih, sudah saya baca.", "tidak diproses"))

	r := c.report(id)
	if r.Stage != "closed" || r.AgencyCode != "pupr" {
		t.Fatalf("report %s at %s (%s)", id, r.Stage, r.AgencyCode)
	}
	want := "submitted:submitted verify:at_regency dispose:at_agency submit:answer_review revise:at_agency submit:answer_review approve:answered accept:closed"
	if got := strings.Join(c.events(id), " "); got != want {
		t.Fatalf("history:\n got %s\nwant %s", got, want)
	}
	var body, reason string
	_ = c.db.InTx(context.Background(), func(tx *store.Tx) error {
		ans, err := tx.AnswerFor(context.Background(), r.ID, r.Round, "pupr", r.StageStartedAt)
		if err != nil {
			return err
		}
		body = ans.Body
		es, err := tx.Events(context.Background(), r.ID)
		for _, e := range es {
			if e.Kind == "revise" {
				reason = e.Note
			}
		}
		return err
	})
	if strings.Contains(body, "tidak membalas") || !strings.Contains(body, "dikeruk") || !strings.Contains(body, "Foto sesudah") {
		t.Errorf("answer body %q: want both replies and no chatter", body)
	}
	if reason != "Lampirkan foto sesudah pengerukan." {
		t.Errorf("revision reason %q", reason)
	}
	if st := c.fake.Stats(); st.Withheld < 4 {
		t.Errorf("Stats.Withheld = %d: the chatter was not withheld", st.Withheld)
	}
}
