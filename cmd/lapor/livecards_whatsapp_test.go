//go:build !nowhatsapp

package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
)

// On WhatsApp a card younger than the edit window is edited in place, its
// numbered menu with it; the evidence photo comes before the card.
func TestLiveCardsOnWhatsApp(t *testing.T) {
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
	runTranscript(t, p, seen, chainTranscript())
	id := seen["id"]
	// card is the current text of the newest card of the report in a
	// group, and whether a photo of it came before its first card.
	card := func(group int) (text string, photoFirst bool) {
		photo, cards := false, 0
		for _, s := range p.fake.Sent(p.chat(group)) {
			switch {
			case s.Edits != "":
			case len(s.File) > 0 && strings.Contains(s.Text, "Lampiran "+id):
				photo = true
			case strings.Contains(s.Text, "📋 "+id):
				if cards == 0 {
					photoFirst = photo
				}
				cards++
				text = s.Text
			}
		}
		return text, photoFirst
	}
	for _, g := range []int{gpSuper, gpRegcy, gpPupr} {
		var text string
		var photo bool
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if text, photo = card(g); strings.HasPrefix(text, "🏁 Pelapor menerima tanggapan; laporan selesai") {
				break
			}
		}
		if !strings.HasPrefix(text, "🏁 Pelapor menerima tanggapan; laporan selesai") || strings.Contains(text, "Balas dengan angka") {
			t.Fatalf("group %d: the card was not edited to the closed state without a menu:\n%s", g, text)
		}
		if !photo {
			t.Fatalf("group %d: the evidence photo did not come before the card", g)
		}
	}
}
