package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/flows/media"
)

// cardNow is a card message as its desk sees it now: its last send or edit.
type cardNow struct {
	id      int
	text    string
	buttons []string // the actions of its buttons ("verify", "dsp", ...)
}

// cardsOf returns the current state of every card of report id the bot
// sent to the chat (a message that named the report as "📋 <id>").
func cardsOf(fake *telegramtest.Server, chat int64, id string) []cardNow {
	var out []cardNow
	index := map[int]int{}
	for _, s := range fake.Sent(chat) {
		body := s.Text + s.Caption
		i, known := index[s.MessageID]
		switch {
		case known:
		case strings.HasPrefix(s.Method, "send") && strings.Contains(body, "📋 "+id):
			i = len(out)
			index[s.MessageID] = i
			out = append(out, cardNow{id: s.MessageID})
		default:
			continue
		}
		c := &out[i]
		if s.Method == "editMessageReplyMarkup" {
			c.buttons = actions(s.Keyboard)
			continue
		}
		c.text, c.buttons = body, actions(s.Keyboard)
	}
	return out
}

// sentMessage is the send that made a message.
func sentMessage(fake *telegramtest.Server, chat int64, id int) telegramtest.Sent {
	for _, s := range fake.Sent(chat) {
		if s.MessageID == id && strings.HasPrefix(s.Method, "send") {
			return s
		}
	}
	return telegramtest.Sent{}
}

func actions(kb [][]telegramtest.Button) []string {
	var out []string
	for _, row := range kb {
		for _, b := range row {
			parts := strings.Split(b.Data, "|")
			act := parts[0]
			if len(parts) > 1 && (act == "w" || act == "p" || act == "c") {
				act = parts[1]
			}
			out = append(out, act)
		}
	}
	slices.Sort(out)
	return out
}

// waitCards waits until the newest card of the report in the chat shows
// want and offers exactly the actions given, and every older one there is
// retired (no buttons, a pointer to the newest).
func (c *chain) waitCards(chat int64, id, want string, acts ...string) []cardNow {
	c.t.Helper()
	slices.Sort(acts)
	var cards []cardNow
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		cards = cardsOf(c.fake, chat, id)
		ok := len(cards) > 0
		for i, card := range cards {
			switch {
			case i < len(cards)-1:
				// An older card of the report in the chat: retired, it
				// points to the newest one and offers nothing.
				if !strings.Contains(card.text, "Pesan terbaru tentang laporan ini ada di bawah") || len(card.buttons) > 0 {
					ok = false
				}
			case !strings.Contains(card.text, want) || !slices.Equal(card.buttons, acts):
				ok = false
			}
		}
		if ok {
			return cards
		}
	}
	var got []string
	for _, card := range cards {
		got = append(got, fmt.Sprintf("%v %q", card.buttons, card.text))
	}
	c.t.Fatalf("chat %d: the cards of %s do not show %q with %v:\n%s", chat, id, want, acts, strings.Join(got, "\n"))
	return nil
}

// Issue 15 §1: after every step of the chain each card of the report, in
// every desk that holds one, shows the new state and only the buttons
// still valid there; a button pressed after the report moved on answers
// with a whole sentence.
func TestLiveCardsFollowTheReport(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	cz := newCitizen(c.fake, 7001)
	id, err := cz.fileReport(nil)
	if err != nil {
		t.Fatal(err)
	}
	first := c.waitCards(superGroup, id, "Tahap: Menunggu verifikasi", "archive", "central", "tunda", "verify")[0]

	c.must(c.super.pressPrefix("w|verify|"+id+"|", "", "✅ "+id))
	c.waitCards(superGroup, id, "✅ Diverifikasi oleh Sari")
	c.waitCards(regencyGroup, id, "✅ Diverifikasi oleh Sari", "archive", "dsp", "return", "tunda")

	c.must(c.regency.say("/disposisi "+id+" pupr", "✅ "+id))
	c.waitCards(superGroup, id, "➡️ Diteruskan ke")
	c.waitCards(regencyGroup, id, "➡️ Diteruskan ke")
	c.waitCards(puprGroup, id, "➡️ Diteruskan ke", "answer", "fu", "fu", "not_ours") // fu: 💬 Respon awal, 🔄 Tindak lanjut

	// Not ours: the pupr card is done; the regency's newest card offers
	// the disposition again and its older card is retired.
	c.must(c.pupr.pressPrefix("p|not_ours|"+id+"|", "", "balas pesan ini dengan alasannya"))
	c.must(c.pupr.reply("dengan alasannya", "Ini urusan dinas kesehatan.", "✅ "+id))
	c.waitCards(puprGroup, id, "↩️ Dinyatakan bukan kewenangan")
	regency := c.waitCards(regencyGroup, id, "↩️ Dinyatakan bukan kewenangan", "archive", "dsp", "return", "tunda")
	if len(regency) != 2 || !strings.Contains(regency[0].text, "Pesan terbaru tentang laporan ini ada di bawah") {
		t.Fatalf("the regency's older card is not retired: %+v", regency)
	}
	c.waitCards(superGroup, id, "↩️ Dinyatakan bukan kewenangan")

	c.must(c.regency.say("/disposisi "+id+" dinkes", "✅ "+id))
	c.waitCards(dinkesGroup, id, "➡️ Diteruskan ke", "answer", "fu", "fu", "not_ours")
	c.waitCards(puprGroup, id, "➡️ Diteruskan ke") // pupr sees where it went, and no buttons
	c.must(c.dinkes.pressPrefix("w|answer|"+id+"|", "", "tulis tanggapan"))
	c.must(c.dinkes.reply("tulis tanggapan", "Petugas puskesmas sudah datang ke lokasi.", "dicatat"))
	c.must(c.dinkes.pressPrefix("w|submit|"+id+"|", "", "✅ "+id))
	c.waitCards(dinkesGroup, id, "📝 Tanggapan perangkat daerah dikirim untuk ditinjau oleh Dewi")
	regency = c.waitCards(regencyGroup, id, "📝 Tanggapan perangkat daerah dikirim", "approve", "revise")
	// The review card leads with the answer, sums the report up, and
	// replies to the desk's full card of it.
	review := regency[len(regency)-1]
	answerAt := strings.Index(review.text, "Tanggapan Dinas Kesehatan:\nPetugas puskesmas sudah datang ke lokasi.")
	summaryAt := strings.Index(review.text, "Ringkasan laporan:\n📋 "+id+" · Pengaduan · Kecamatan Magetan")
	if answerAt < 0 || summaryAt < answerAt || strings.Contains(review.text, "Uraian:") ||
		!strings.Contains(review.text, "saluran air di depan rumah") {
		t.Fatalf("review card:\n%s", review.text)
	}
	if sent := sentMessage(c.fake, regencyGroup, review.id); sent.ReplyTo != regency[len(regency)-2].id {
		t.Fatalf("the review card replies to message %d, not to the full card %d", sent.ReplyTo, regency[len(regency)-2].id)
	}
	c.waitCards(superGroup, id, "📝 Tanggapan perangkat daerah dikirim")

	c.must(c.regency.pressPrefix("w|approve|"+id+"|", "", "✅ "+id))
	for _, g := range []int64{superGroup, regencyGroup, puprGroup, dinkesGroup} {
		c.waitCards(g, id, "✅ Tanggapan disetujui dan dikirim kepada pelapor oleh Budi")
	}
	c.must(cz.pressPrefix("c|accept|"+id+"|", "", "Bagaimana penilaian"))
	for _, g := range []int64{superGroup, regencyGroup, puprGroup, dinkesGroup} {
		c.waitCards(g, id, "🏁 Pelapor menerima tanggapan; laporan selesai")
	}

	// A press that raced the edit (the officer's app still showed the
	// first card's buttons) is answered with a whole sentence.
	c.fake.PressButton(superGroup, 9001, first.id, fmt.Sprintf("w|verify|%s|1|", id))
	stale := c.must(c.super.expect("tombol itu tidak berlaku lagi"))
	want := "Laporan " + id + " sudah ditangani lebih dulu (🏁 Pelapor menerima tanggapan; laporan selesai, "
	if !strings.HasPrefix(stale.Text, want) || !strings.HasSuffix(stale.Text, "Tahap sekarang: Selesai.") ||
		strings.Contains(stale.Text, "sudah Pelapor") {
		t.Fatalf("stale press answer: %q", stale.Text)
	}
	edits, desk := 0, 0
	for _, s := range c.fake.AllSent() {
		if s.ChatID < 0 {
			desk++
			if strings.HasPrefix(s.Method, "edit") {
				edits++
			}
		}
	}
	t.Logf("desk groups: %d deliveries, %d of them card edits", desk, edits)
}

// evidenceBeforeCard returns the first evidence photo of report id sent to
// the chat, failing the test unless it came before the report's first card.
func evidenceBeforeCard(t *testing.T, fake *telegramtest.Server, chat int64, id string) telegramtest.Sent {
	t.Helper()
	var photo *telegramtest.Sent
	for _, s := range fake.Sent(chat) {
		body := s.Text + s.Caption
		switch {
		case photo == nil && strings.HasPrefix(s.Method, "send") && strings.Contains(body, "Lampiran "+id):
			photo = &s
		case strings.HasPrefix(s.Method, "send") && strings.Contains(body, "📋 "+id):
			if photo == nil {
				t.Fatalf("chat %d: the card of %s came before its evidence", chat, id)
			}
			return *photo
		}
	}
	t.Fatalf("chat %d: no card of %s", chat, id)
	return telegramtest.Sent{}
}

// In a desk's web room the card is replaced where it stands: the live
// stream gets a line naming the card's seq with the new state and no
// buttons, and a reload shows the card's own line changed. The photo
// comes before the card.
func TestLiveCardsInWebRooms(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	startInProcess(t, env)
	super := officer(t, env, "--desk", "super_admin", "--name", "Sari")
	officer(t, env, "--desk", "regency_admin", "--name", "Budi")
	cz := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	id := fileWebReport(t, cz, jpegWithGPS(t))

	photo := super.expect("Lampiran " + id)
	card := super.expect("📋 " + id)
	if photo.Attachment == nil || photo.Seq > card.Seq || len(card.Buttons) == 0 {
		t.Fatalf("photo %+v, card %+v", photo, card)
	}
	super.pressLabel("✅ Verifikasi", "✅ "+id)
	redrawn := func(got []webMsg) bool {
		for _, m := range got {
			if m.Replaces == card.Seq && strings.HasPrefix(m.Text, "✅ Diverifikasi oleh Sari") && len(m.Buttons) == 0 {
				return true
			}
		}
		return false
	}
	if err := eventually(func() bool {
		super.mu.Lock()
		defer super.mu.Unlock()
		return redrawn(super.got)
	}, "the card was not redrawn in the room's stream"); err != nil {
		t.Fatal(err)
	}
	// A reload reads the transcript from its start: the card's own line
	// shows the new state.
	super.close()
	super.mu.Lock()
	super.got, super.seen = nil, 0
	super.mu.Unlock()
	super.listen()
	if err := eventually(func() bool {
		super.mu.Lock()
		defer super.mu.Unlock()
		for _, m := range super.got {
			if m.Seq == card.Seq {
				return strings.HasPrefix(m.Text, "✅ Diverifikasi oleh Sari") && len(m.Buttons) == 0
			}
		}
		return false
	}, "the reloaded transcript shows the card as it was"); err != nil {
		t.Fatal(err)
	}
}

// Evidence comes with the card: on Telegram a report's photos arrive as
// one album right before the card, without their location metadata, and
// other files follow the card.
func TestLiveCardsEvidenceAlbumBeforeTheCard(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	cz := newCitizen(c.fake, 7002)
	if err := cz.toDescription("pengaduan"); err != nil {
		t.Fatal(err)
	}
	c.must(cz.say("Jembatan kayu di dusun Krajan patah, anak sekolah memutar dua kilometer.", "Dicatat"))
	c.must(cz.press("what:next", "Kapan"))
	c.must(cz.say("25/11/2026", "Di mana"))
	c.fake.SendLocation(cz.chat, cz.chat, -7.6634, 111.3574)
	c.must(cz.expect("pilih kecamatan lain"))
	c.must(cz.say("Magetan", "Bukti"))
	for i := 1; i <= 3; i++ {
		c.fake.SendPhoto(cz.chat, cz.chat, jpegWithGPS(t), fmt.Sprintf("foto %d", i))
		c.must(cz.expect(fmt.Sprintf("Bukti ke-%d diterima", i)))
	}
	c.fake.SendDocument(cz.chat, cz.chat, "surat-desa.pdf", "application/pdf", []byte("%PDF-1.7 surat"), "")
	c.must(cz.expect("Bukti ke-4 diterima"))
	c.must(cz.press("ev:done", "Sembunyikan identitas"))
	c.must(cz.press("anon:no", "nama Anda"))
	c.must(cz.say("Warga Krajan", "telepon atau alamat e-mail"))
	c.must(cz.say("0813 1111 2222", "Rahasiakan"))
	c.must(cz.press("conf:no", "Ringkasan"))
	done := c.must(cz.press("sum:send", "Nomor laporan: "))
	id := done.Text[strings.Index(done.Text, "MGT-"):][:10]

	check := func(chat int64) {
		t.Helper()
		c.waitCards(chat, id, "📋 "+id, actionsFor(chat)...)
		want := "album album album card document"
		var got string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.HasPrefix(got, want); time.Sleep(20 * time.Millisecond) {
			got = evidenceOrder(t, c.fake, chat, id)
		}
		if !strings.HasPrefix(got, want) {
			t.Fatalf("chat %d: evidence and card came as %q, want %q", chat, got, want)
		}
	}
	check(superGroup)
	c.must(c.super.pressPrefix("w|verify|"+id+"|", "", "✅ "+id))
	c.must(c.regency.say("/disposisi "+id+" pupr", "✅ "+id))
	check(puprGroup)
}

// evidenceOrder lists what of report id reached the chat, in order: each
// album photo, the cards and other files.
func evidenceOrder(t *testing.T, fake *telegramtest.Server, chat int64, id string) string {
	var order []string
	for _, s := range fake.Sent(chat) {
		body := s.Text + s.Caption
		switch {
		case s.Method == "sendMediaGroup" && strings.Contains(body, "Lampiran "+id):
			if hasGPS(s.FileData) || media.HasLocation(s.FileData) || len(s.FileData) == 0 {
				t.Fatalf("chat %d: an album photo still carries GPS or is empty", chat)
			}
			order = append(order, "album")
		case s.Method == "sendDocument" && strings.Contains(body, "Lampiran "+id):
			order = append(order, "document")
		case strings.HasPrefix(s.Method, "send") && strings.Contains(body, "📋 "+id):
			order = append(order, "card")
		}
	}
	return strings.Join(order, " ")
}

// actionsFor is what a fresh card offers in the chain's desks.
func actionsFor(chat int64) []string {
	switch chat {
	case superGroup:
		return []string{"archive", "central", "tunda", "verify"}
	case puprGroup, dinkesGroup:
		return []string{"answer", "fu", "fu", "not_ours"} // fu: the first response and progress updates
	}
	return []string{"archive", "dsp", "return", "tunda"}
}

// A channel without albums (the web room, like WhatsApp) gets a report's
// photos one by one, each before the card, each without its GPS tag.
func TestLiveCardsPhotosOneByOneBeforeTheCard(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	startInProcess(t, env)
	super := officer(t, env, "--desk", "super_admin", "--name", "Sari")
	b := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	b.say("/start", "Selamat datang")
	b.press("menu:new", "Jenis laporan")
	b.press("type:pengaduan", "Uraian")
	b.say("Jembatan kayu di dusun Krajan patah, anak sekolah memutar dua kilometer.", "Dicatat")
	b.press("what:next", "Kapan")
	b.press("when:today", "Di mana")
	b.say("Dusun Krajan, Magetan", "pilih kecamatan lain")
	b.press("kec:35.20.06", "Bukti")
	for i := 1; i <= 2; i++ {
		if code, body := b.upload(fmt.Sprintf("jembatan-%d.jpg", i), jpegWithGPS(t)); code != 202 {
			t.Fatalf("upload: %d %s", code, body)
		}
		b.expect(fmt.Sprintf("Bukti ke-%d diterima", i))
	}
	b.press("ev:done", "Sembunyikan")
	b.press("anon:no", "nama Anda")
	b.say("Warga Krajan", "telepon atau alamat e-mail")
	b.press("contact:skip", "Rahasiakan")
	b.press("conf:no", "Ringkasan")
	id := anyTrackingID.FindString(b.press("sum:send", "Nomor laporan").Text)

	first := super.expect("Lampiran " + id + " (1/2)")
	second := super.expect("Lampiran " + id + " (2/2)")
	card := super.expect("📋 " + id)
	if first.Seq > second.Seq || second.Seq > card.Seq {
		t.Fatalf("order: photo %d, photo %d, card %d", first.Seq, second.Seq, card.Seq)
	}
	for _, m := range []webMsg{first, second} {
		if m.Attachment == nil || m.Attachment.URL == "" {
			t.Fatalf("no photo in %+v", m)
		}
		if status, body := super.get(m.Attachment.URL); status != 200 || hasGPS(body) {
			t.Fatalf("the room's photo: status %d, GPS %v", status, hasGPS(body))
		}
	}
}
