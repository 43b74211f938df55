package flows

import (
	"regexp"
	"time"
)

// Prompts officers answer by replying. A Telegram group in its default
// privacy mode delivers to the bot only commands, button presses and
// replies to the bot's own messages: whatever lapor asks an officer to type
// in a desk must therefore be asked in a message they reply to, and a reply
// names its report by the message it answers (see freeMessage).

// prompt asks the officer for typed input in a message they answer by
// replying to it. On Telegram their app opens that reply by itself
// (force_reply, selective) for the people the prompt targets: the author
// of the message it answers (a command) and whoever it @mentions. After a
// button press it answers the bot's own message, so it names the officer
// by their Telegram username when they have one; without one they tap
// Reply themselves, as the text says.
func (o *office) prompt(text string) error {
	return o.c.send(o.in.Channel, o.in.ChatID, Outbound{Text: o.mention(text), ReplyTo: o.msg.MessageID, ForceReply: true})
}

// mention starts a request with the Telegram username of the officer who
// pressed a button, so that Telegram shows it to them.
func (o *office) mention(text string) string {
	if o.msg.Kind == KindButton && o.in.Channel == "telegram" && telegramUsername.MatchString(o.msg.Username) {
		return "@" + o.msg.Username + " " + text
	}
	return text
}

// telegramUsername is a Telegram username (without "@"): Telegram turns
// "@" and such a name in a message's text into a mention of that user.
var telegramUsername = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{3,31}$`)

// otherReport refuses a reply about one report while the officer's started
// action waits for input about another: the text must not land on the
// wrong report.
func (o *office) otherReport(p pending, replied string) error {
	return refuse(o.lang, "wf.pending.other", replied, p.Report)
}

// nothingAsked answers an officer's reply to the bot's message about a
// report when nothing waits for their input (the request was never made,
// or was left for longer than pendingFor): in privacy mode the reply was
// meant for the bot, and silence would look like it was taken.
func (o *office) nothingAsked(replied string) error {
	return refuse(o.lang, "wf.reply.nothing", replied, int(pendingFor/time.Minute))
}

var replyPromptTexts = map[string][2]string{
	"wf.reply.nothing": {
		"Balasan Anda tentang laporan %[1]s tidak diproses: tidak ada permintaan yang menunggu jawaban Anda (permintaan berlaku %[2]d menit). Tekan lagi tombol pada pesan laporan itu, atau pakai perintah (lihat /bantuan).",
		"Your reply about report %[1]s was not taken: nothing waits for your answer (a request lasts %[2]d minutes). Press the button on the report's message again, or use a command (see /bantuan)."},
	"wf.pending.other": {
		"Pesan Anda membalas pesan tentang laporan %s, padahal yang sedang menunggu jawaban Anda adalah laporan %s. Balas pesan permintaan untuk laporan itu, atau ketik /batal lebih dulu.",
		"Your message replies to a message about report %s, but what waits for your answer is report %s. Reply to the request about that report, or type /batal first."},
}

func init() {
	for k, v := range replyPromptTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
