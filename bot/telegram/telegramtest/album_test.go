package telegramtest_test

import (
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// sendMediaGroup and editMessageCaption, driven by a real client library:
// an album of 2 to 10 items arrives as one message per item sharing a
// media group; a caption is edited only on a message that has a file.
func TestMediaGroupAndCaptionEdits(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	srv.SendText(42, 42, "/start")
	photo := func(name string) tgbotapi.InputMediaPhoto {
		p := tgbotapi.NewInputMediaPhoto(tgbotapi.FileBytes{Name: name, Bytes: []byte("jpeg " + name)})
		p.Caption = "Lampiran " + name
		return p
	}
	msgs, err := bot.SendMediaGroup(tgbotapi.NewMediaGroup(42, []any{photo("a.jpg"), photo("b.jpg")}))
	if err != nil || len(msgs) != 2 || msgs[0].MediaGroupID == "" || msgs[0].MediaGroupID != msgs[1].MediaGroupID ||
		len(msgs[1].Photo) == 0 || msgs[1].Caption != "Lampiran b.jpg" {
		t.Fatalf("album = %+v, %v", msgs, err)
	}
	got := srv.Sent(42)
	if len(got) != 2 || got[0].Method != "sendMediaGroup" || string(got[1].FileData) != "jpeg b.jpg" {
		t.Fatalf("recorded = %+v", got)
	}
	_, err = bot.SendMediaGroup(tgbotapi.NewMediaGroup(42, []any{photo("c.jpg")}))
	apiError(t, err, "Bad Request: wrong number of media items")
	var eleven []any
	for i := 0; i < 11; i++ {
		eleven = append(eleven, photo("x.jpg"))
	}
	_, err = bot.SendMediaGroup(tgbotapi.NewMediaGroup(42, eleven))
	apiError(t, err, "Bad Request: too much messages to send as an album")
	long := photo("d.jpg")
	long.Caption = strings.Repeat("x", 1025)
	_, err = bot.SendMediaGroup(tgbotapi.NewMediaGroup(42, []any{photo("e.jpg"), long}))
	apiError(t, err, "Bad Request: message caption is too long")

	edited, err := bot.Send(tgbotapi.NewEditMessageCaption(42, msgs[0].MessageID, "✅ Diverifikasi"))
	if err != nil || edited.Caption != "✅ Diverifikasi" || edited.EditDate == 0 {
		t.Fatalf("caption edit = %+v, %v", edited, err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageCaption(42, msgs[0].MessageID, "✅ Diverifikasi"))
	apiError(t, err, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	text, err := bot.Send(tgbotapi.NewMessage(42, "teks"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageCaption(42, text.MessageID, "x"))
	apiError(t, err, "Bad Request: there is no caption in the message to edit")
	_, err = bot.Send(tgbotapi.NewEditMessageCaption(42, 999, "x"))
	apiError(t, err, "Bad Request: message to edit not found")
}
