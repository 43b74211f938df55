package flows_test

import (
	"strings"
	"testing"
)

// The first message is kept: a complaint typed into an empty chat becomes
// the description of a new report after one confirmation; a tracking
// number typed in a sentence, in lower case, shows that report; a question
// about one's reports lists them; a greeting gets the menu with words that
// say what to do; "no" sets the text aside and says so.
func TestFirstMessageIsKept(t *testing.T) {
	h := newHarness(t)
	const chat = "4401"
	complaint := "Lampu penerangan jalan di Jl. Raya Maospati depan pasar mati sejak seminggu, malam sangat gelap."

	last := expect(t, h.send(chat, text(complaint)), "laporan baru", "Lampu penerangan jalan di Jl. Raya Maospati")
	if !hasButton(last, "first:yes") || !hasButton(last, "first:no") {
		t.Fatalf("the confirmation has no buttons: %+v", last)
	}
	expect(t, h.send(chat, press("first:yes")), "Jenis laporan")
	last = expect(t, h.send(chat, press("type:pengaduan")), "Dicatat")
	if !hasButton(last, "what:next") {
		t.Fatalf("the kept text is not the description: %+v", last)
	}
	// The rest of the intake, from the date on, is the usual one.
	expect(t, h.send(chat, press("what:next")), "Kapan kejadiannya")

	// Another chat files a report the usual way; its number, typed inside a
	// sentence and in lower case, shows its status.
	id := h.fileReport("4402", "anon:yes", "conf:no")
	expect(t, h.send("4402", text("Mohon info laporan "+strings.ToLower(id)+" sudah sampai mana ya?")), id, "Status")
	expect(t, h.send("4402", text("bagaimana status laporan saya?")), id)

	// A greeting: the menu, with what can be typed.
	last = expect(t, h.send("4403", text("halo")), "Ceritakan langsung apa yang ingin Anda laporkan")
	if !hasButton(last, "menu:new") {
		t.Fatalf("the greeting's answer has no menu: %+v", last)
	}
	// No: the text is set aside, and the citizen is told.
	expect(t, h.send("4403", text(complaint)), "laporan baru")
	expect(t, h.send("4403", press("first:no")), "tidak kami jadikan laporan")
	expect(t, h.send("4403", text("halo lagi")), "Ceritakan langsung")
}
