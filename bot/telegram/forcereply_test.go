package telegram

import (
	"context"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/flows"
)

// A prompt asking for a reply goes out with a selective force_reply, on
// its last part; with buttons the buttons win (one markup per message).
func TestForceReplyPrompt(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{PerChatRate: -1, PerGroupPerMinute: -1, GlobalRate: -1})
	defer fake.Close()
	const group = -1005
	fake.AllowChat(group)
	ch := New(Options{Token: fake.Token(), APIEndpoint: fake.APIEndpoint(), FileEndpoint: fake.FileEndpoint()})

	parts := ch.Split(flows.Outbound{Text: strings.Repeat("a ", 2500), ForceReply: true}, nil)
	if len(parts) != 2 || parts[0].ForceReply || !parts[1].ForceReply {
		t.Fatalf("parts = %+v", parts)
	}
	ctx := context.Background()
	if err := ch.Send(ctx, "-1005", bot.Part{Text: "Balas pesan ini dengan alasannya.", ForceReply: true}); err != nil {
		t.Fatal(err)
	}
	buttons := [][]flows.Button{{{Label: "Spam", Data: "w|archive|x|1|spam"}}}
	if err := ch.Send(ctx, "-1005", bot.Part{Text: "Pilih, atau balas pesan ini.", ForceReply: true, Buttons: buttons}); err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(ctx, "-1005", bot.Part{Text: "Biasa."}); err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent(group)
	if len(sent) != 3 {
		t.Fatalf("sent %+v", sent)
	}
	if !sent[0].ForceReply || !sent[0].Selective {
		t.Errorf("prompt %+v: want a selective force_reply", sent[0])
	}
	if sent[1].ForceReply || len(sent[1].Keyboard) != 1 {
		t.Errorf("prompt with buttons %+v: want the buttons", sent[1])
	}
	if sent[2].ForceReply || sent[2].Keyboard != nil {
		t.Errorf("plain message %+v carries markup", sent[2])
	}
}
