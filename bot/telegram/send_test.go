package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

func TestSplitTextFitsTelegramAndLosesNothing(t *testing.T) {
	cases := map[string]string{
		"ascii":      strings.Repeat("kata ", 3000),
		"no spaces":  strings.Repeat("x", 9000),
		"emoji":      strings.Repeat("😡", 5000), // 2 UTF-16 units each
		"paragraphs": strings.Repeat(strings.Repeat("a", 1000)+"\n\n", 9),
		"short":      "halo",
	}
	for name, s := range cases {
		chunks := bot.SplitText(s, maxText)
		joined := ""
		for _, c := range chunks {
			if n := bot.UTF16Len(c); n > maxText || n == 0 {
				t.Errorf("%s: chunk of %d UTF-16 units", name, n)
			}
			if !utf8.ValidString(c) {
				t.Errorf("%s: chunk cut a character", name)
			}
			joined += c
		}
		strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if strip(joined) != strip(s) {
			t.Errorf("%s: text changed by splitting", name)
		}
	}
	if got := len(bot.SplitText(strings.Repeat("😡", 2049), maxText)); got != 2 {
		t.Errorf("2049 emoji (4098 units) gave %d chunks, want 2", got)
	}
}

func TestSplitPutsButtonsLastAndLongCaptionsApart(t *testing.T) {
	ch := New(Options{Token: "1:x"})
	buttons := [][]flows.Button{{{Label: "OK", Data: "ok"}}}
	parts := ch.Split(flows.Outbound{Text: strings.Repeat("b ", 3000), Buttons: buttons, ReplyTo: "7"}, nil)
	if len(parts) != 2 || parts[0].Buttons != nil || parts[1].Buttons == nil || parts[0].ReplyTo != "7" || parts[1].ReplyTo != "" {
		t.Fatalf("parts = %+v", parts)
	}
	f := &bot.File{Kind: "photo", Name: "a.jpg", Data: []byte("x")}
	parts = ch.Split(flows.Outbound{Text: "pendek", Buttons: buttons}, f)
	if len(parts) != 1 || !parts[0].Caption || parts[0].File == nil || parts[0].Buttons == nil {
		t.Fatalf("short caption: %+v", parts)
	}
	parts = ch.Split(flows.Outbound{Text: strings.Repeat("c", 1025), Buttons: buttons}, f)
	if len(parts) != 2 || parts[0].Caption || parts[0].File == nil || parts[1].Text == "" || parts[1].Buttons == nil {
		t.Fatalf("long caption: %+v", parts)
	}
}
