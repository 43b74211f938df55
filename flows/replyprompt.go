package flows

// Prompts officers answer by replying. A Telegram group in its default
// privacy mode delivers to the bot only commands, button presses and
// replies to the bot's own messages: whatever lapor asks an officer to type
// in a desk must therefore be asked in a message they reply to, and a reply
// names its report by the message it answers (see freeMessage).

// prompt asks the officer for typed input in a message they answer by
// replying to it; on Telegram their app opens that reply by itself when
// the prompt answers a message of theirs (force_reply, selective).
func (o *office) prompt(text string) error {
	return o.c.send(o.in.Channel, o.in.ChatID, Outbound{Text: text, ReplyTo: o.msg.MessageID, ForceReply: true})
}

// otherReport refuses a reply about one report while the officer's started
// action waits for input about another: the text must not land on the
// wrong report.
func (o *office) otherReport(p pending, replied string) error {
	return refuse(o.lang, "wf.pending.other", replied, p.Report)
}

var replyPromptTexts = map[string][2]string{
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
