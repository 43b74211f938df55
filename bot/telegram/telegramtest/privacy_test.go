package telegramtest_test

import (
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
)

// In privacy mode (the default) a group delivers only commands meant for
// the bot, replies to the bot's messages and button presses; private chats
// deliver everything.
func TestPrivacyModeFiltersGroupMessages(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	if me, err := bot.GetMe(); err != nil || me.CanReadAllGroupMessages {
		t.Fatalf("getMe = %+v, %v: a new bot reads all group messages", me, err)
	}
	const group, officer = -1001, 7
	srv.AllowChat(group)
	card, err := bot.Send(tgbotapi.NewMessage(group, "Laporan MGT-7K3QFA"))
	if err != nil {
		t.Fatal(err)
	}
	_, chatter := srv.SendText(group, officer, "selamat pagi semua")

	type msg struct {
		name      string
		send      func() int
		delivered bool
	}
	cases := []msg{
		{"plain text", func() int { u, _ := srv.SendText(group, officer, "sudah saya cek"); return u }, false},
		{"general command", func() int { u, _ := srv.SendText(group, officer, "/antrian"); return u }, true},
		{"command to this bot", func() int { u, _ := srv.SendText(group, officer, "/antrian@test_bot"); return u }, true},
		{"command to this bot, other case", func() int { u, _ := srv.SendText(group, officer, "/antrian@Test_Bot"); return u }, true},
		{"command to another bot", func() int { u, _ := srv.SendText(group, officer, "/antrian@other_bot"); return u }, false},
		{"text with a slash inside", func() int { u, _ := srv.SendText(group, officer, "dan/atau"); return u }, false},
		{"reply to the bot", func() int { u, _ := srv.ReplyText(group, officer, card.MessageID, "Sudah diperbaiki"); return u }, true},
		{"file replying to the bot", func() int {
			u, _ := srv.ReplyDocument(group, officer, card.MessageID, "ba.pdf", "application/pdf", []byte("%PDF"), "")
			return u
		}, true},
		{"photo replying to the bot", func() int { u, _ := srv.ReplyPhoto(group, officer, card.MessageID, []byte("jpeg"), ""); return u }, true},
		{"reply to a member", func() int { u, _ := srv.ReplyText(group, officer+1, chatter, "setuju"); return u }, false},
		{"file not replying", func() int {
			u, _ := srv.SendDocument(group, officer, "ba.pdf", "application/pdf", []byte("%PDF"), "")
			return u
		}, false},
		{"button press", func() int { u, _ := srv.PressButton(group, officer, card.MessageID, "w|verify"); return u }, true},
		{"edit into plain text", func() int { return srv.EditText(group, officer, chatter, "selamat siang") }, false},
		{"private chat", func() int { u, _ := srv.SendText(officer, officer, "halo"); return u }, true},
	}
	var want []int
	withheld := 1 // the chatter above
	for _, c := range cases {
		u := c.send()
		switch {
		case c.delivered && u == 0:
			t.Errorf("%s: withheld, want delivered", c.name)
		case !c.delivered && u != 0:
			t.Errorf("%s: delivered as update %d, want withheld", c.name, u)
		case c.delivered:
			want = append(want, u)
		default:
			withheld++
		}
	}
	ups := updates(t, bot, 0, 0)
	if got := updateIDs(ups); len(got) != len(want) {
		t.Fatalf("updates %v, want %v", got, want)
	}
	for _, u := range ups {
		if m := u.Message; m != nil && m.ReplyToMessage != nil && m.ReplyToMessage.Text != "Laporan MGT-7K3QFA" {
			t.Errorf("a reply carries %q, not the bot's message", m.ReplyToMessage.Text)
		}
	}
	if st := srv.Stats(); st.Withheld != withheld {
		t.Errorf("Stats.Withheld = %d, want %d", st.Withheld, withheld)
	}
}

// A general command is meant for the last bot that wrote in the group; a
// bot that administers the group, or has privacy mode off, reads all.
func TestPrivacyModeOtherBotsAdminsAndSwitch(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	const group, officer = -1002, 7
	srv.AllowChat(group)
	delivered := func(u, _ int) bool { return u != 0 }

	srv.AnotherBotWrote(group)
	if delivered(srv.SendText(group, officer, "/antrian")) {
		t.Error("a general command after another bot spoke reached this bot")
	}
	if !delivered(srv.SendText(group, officer, "/antrian@test_bot")) {
		t.Error("a command naming this bot was withheld")
	}
	if _, err := bot.Send(tgbotapi.NewMessage(group, "Antrian kosong")); err != nil {
		t.Fatal(err)
	}
	if !delivered(srv.SendText(group, officer, "/antrian")) {
		t.Error("a general command was withheld although this bot spoke last")
	}

	srv.SetBotAdmin(group, true)
	if !delivered(srv.SendText(group, officer, "obrolan biasa")) {
		t.Error("an administrator bot did not read plain text")
	}
	srv.SetBotAdmin(group, false)
	if delivered(srv.SendText(group, officer, "obrolan biasa")) {
		t.Error("plain text reached the bot after it stopped being an administrator")
	}

	srv.SetPrivacy(false)
	if me, err := bot.GetMe(); err != nil || !me.CanReadAllGroupMessages {
		t.Fatalf("getMe with privacy off = %+v, %v", me, err)
	}
	if !delivered(srv.SendText(group, officer, "obrolan biasa")) {
		t.Error("plain text was withheld with privacy mode off")
	}

	off := start(t, telegramtest.Options{ReadAllGroupMessages: true})
	off.AllowChat(group)
	if !delivered(off.SendText(group, officer, "obrolan biasa")) {
		t.Error("Options.ReadAllGroupMessages did not switch privacy mode off")
	}
}

// A force_reply markup is recorded, with its selective flag; combined with
// an inline keyboard it is the keyboard that counts.
func TestForceReplyRecorded(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	const group = -1003
	srv.AllowChat(group)
	prompt := tgbotapi.NewMessage(group, "Balas pesan ini dengan alasannya.")
	prompt.ReplyMarkup = tgbotapi.ForceReply{ForceReply: true, Selective: true}
	if _, err := bot.Send(prompt); err != nil {
		t.Fatal(err)
	}
	plain := tgbotapi.NewMessage(group, "Tanpa markup")
	if _, err := bot.Send(plain); err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent(group)
	if len(sent) != 2 || !sent[0].ForceReply || !sent[0].Selective || sent[0].Keyboard != nil || sent[1].ForceReply {
		t.Fatalf("sent = %+v", sent)
	}
}
