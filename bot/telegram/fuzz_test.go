package telegram

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapor-id/lapor/flows"
)

// neutralKinds are the kinds flows knows; nothing Telegram-specific may
// come out of translate.
var neutralKinds = map[flows.Kind]bool{flows.KindText: true, flows.KindCommand: true, flows.KindButton: true,
	flows.KindPhoto: true, flows.KindDocument: true, flows.KindVideo: true, flows.KindVoice: true, flows.KindAudio: true,
	flows.KindLocation: true, flows.KindEdited: true, flows.KindUnsupported: true, flows.KindMembership: true}

// asTelegramSends reports whether an update keeps what the Bot API
// promises and tgbotapi relies on: every message has its chat, a date in
// Unix time, and a command entity within the text, covering "/" and an
// ASCII command name. (Without these, translate panics: {"message":{}}.)
func asTelegramSends(u tgbotapi.Update) bool {
	for _, m := range []*tgbotapi.Message{u.Message, u.EditedMessage} {
		if m != nil && !wellFormed(m) {
			return false
		}
	}
	if cq := u.CallbackQuery; cq != nil && cq.Message != nil && !wellFormed(cq.Message) {
		return false
	}
	if m := u.MyChatMember; m != nil && (m.Date < 0 || m.Date > math.MaxUint32) {
		return false
	}
	return true
}

func wellFormed(m *tgbotapi.Message) bool {
	if m.Chat == nil || m.Date < 0 || m.Date > math.MaxUint32 || m.ReplyToMessage != nil && !wellFormed(m.ReplyToMessage) {
		return false
	}
	if len(m.Entities) > 0 && m.Entities[0].Offset == 0 && m.Entities[0].IsCommand() {
		n := m.Entities[0].Length
		if n < 1 || n > len(m.Text) || m.Text[0] != '/' {
			return false
		}
		for _, c := range m.Text[1:n] {
			if c >= utf8.RuneSelf {
				return false
			}
		}
	}
	return true
}

// FuzzTranslate feeds the JSON of one update, as getUpdates returns it, to
// translate: it never panics on what Telegram sends, and what it keeps is a
// channel-neutral message of a known kind, for the update's chat, that the
// inbox can encode, and decode again unchanged. (Whether PostgreSQL takes
// it is the inbox's business: FuzzTranslate of bot/whatsapp stores what it
// translates.)
func FuzzTranslate(f *testing.F) {
	chat := `"chat":{"id":770077,"type":"private","first_name":"Siti"},"from":{"id":770077,"is_bot":false,"first_name":"Siti","last_name":"Aminah","username":"siti"},"date":1764471600`
	group := `"chat":{"id":-1001,"type":"supergroup","title":"Meja Super Admin"},"from":{"id":9001,"is_bot":false,"first_name":"Petugas"},"date":1764471600`
	for _, s := range []string{
		`{"update_id":10000,"message":{"message_id":1,` + chat + `,"text":"Jalan rusak di depan pasar"}}`,
		`{"update_id":10001,"message":{"message_id":2,` + chat + `,"text":"/status MGT-7K3QFA","entities":[{"type":"bot_command","offset":0,"length":7}]}}`,
		`{"update_id":10002,"message":{"message_id":3,` + group + `,"text":"/Daftar_Grup@lapor_bot KODE-1","entities":[{"type":"bot_command","offset":0,"length":22}]}}`,
		`{"update_id":10003,"message":{"message_id":4,` + chat + `,"photo":[{"file_id":"small","file_unique_id":"s","width":90,"height":90,"file_size":900},{"file_id":"big","file_unique_id":"b","width":1280,"height":960,"file_size":120000}],"caption":"lubangnya"}}`,
		`{"update_id":10004,"message":{"message_id":5,` + chat + `,"document":{"file_id":"doc","file_unique_id":"d","file_name":"surat.pdf","mime_type":"application/pdf","file_size":99}}}`,
		`{"update_id":10005,"message":{"message_id":6,` + chat + `,"animation":{"file_id":"gif","file_unique_id":"g","width":1,"height":1,"duration":1},"document":{"file_id":"gif","file_unique_id":"g"}}}`,
		`{"update_id":10006,"message":{"message_id":7,` + chat + `,"video":{"file_id":"v","file_unique_id":"v","width":1,"height":1,"duration":3,"mime_type":"video/mp4","file_size":5}}}`,
		`{"update_id":10007,"message":{"message_id":8,` + chat + `,"voice":{"file_id":"o","file_unique_id":"o","duration":2,"file_size":8}}}`,
		`{"update_id":10008,"message":{"message_id":9,` + chat + `,"audio":{"file_id":"a","file_unique_id":"a","duration":2,"mime_type":"audio/mpeg","file_size":7}}}`,
		`{"update_id":10009,"message":{"message_id":10,` + chat + `,"location":{"latitude":-7.65,"longitude":111.33}}}`,
		`{"update_id":10010,"message":{"message_id":11,` + chat + `,"venue":{"location":{"latitude":-7.65,"longitude":111.33},"title":"Pasar","address":"Jl. Raya"},"location":{"latitude":-7.65,"longitude":111.33}}}`,
		`{"update_id":10011,"message":{"message_id":12,` + chat + `,"sticker":{"file_id":"st","file_unique_id":"st","width":512,"height":512,"is_animated":false}}}`,
		`{"update_id":10012,"message":{"message_id":13,` + chat + `,"contact":{"phone_number":"+628123","first_name":"Ani"}}}`,
		`{"update_id":10013,"message":{"message_id":14,` + group + `,"new_chat_members":[{"id":1,"is_bot":true,"first_name":"lapor"}]}}`,
		`{"update_id":10014,"message":{"message_id":15,` + group + `,"text":"Sudah diperbaiki.","reply_to_message":{"message_id":3,` + group + `,"text":"Laporan MGT-7K3QFA"}}}`,
		`{"update_id":10015,"edited_message":{"message_id":1,` + chat + `,"edit_date":1764471700,"text":"koreksi"}}`,
		`{"update_id":10016,"callback_query":{"id":"42","from":{"id":770077,"is_bot":false,"first_name":"Siti"},"message":{"message_id":20,` + chat + `,"text":"Jenis laporan?"},"chat_instance":"1","data":"type:pengaduan"}}`,
		`{"update_id":10017,"callback_query":{"id":"43","from":{"id":9001,"is_bot":false,"first_name":"Petugas"},"message":{"message_id":21,` + group + `,"text":"Kartu"},"chat_instance":"2","data":"w|verify|MGT-7K3QFA|3|"}}`,
		`{"update_id":10018,"callback_query":{"id":"44","from":{"id":1,"is_bot":false,"first_name":"X"},"inline_message_id":"abc","chat_instance":"3","data":"x"}}`,
		`{"update_id":10019,"my_chat_member":{"chat":{"id":-1001,"type":"group","title":"Meja"},"from":{"id":9001,"is_bot":false,"first_name":"Petugas"},"date":1764471600,"old_chat_member":{"user":{"id":1,"is_bot":true,"first_name":"lapor"},"status":"left"},"new_chat_member":{"user":{"id":1,"is_bot":true,"first_name":"lapor"},"status":"member"}}}`,
		`{"update_id":10020,"inline_query":{"id":"1","from":{"id":1,"is_bot":false,"first_name":"X"},"query":"q","offset":""}}`,
		`{"update_id":10021,"message":{"message_id":22,` + chat + `,"text":"/start😀","entities":[{"type":"bot_command","offset":0,"length":6}]}}`,
		`{"update_id":10023,"message":{"message_id":24,` + chat + `}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var u tgbotapi.Update
		if err := json.Unmarshal(raw, &u); err != nil || !asTelegramSends(u) {
			return
		}
		r, ok := translate(u)
		if !ok {
			return
		}
		m := r.Message
		if r.ExternalID != strconv.Itoa(u.UpdateID) {
			t.Fatalf("external id %q for update %d", r.ExternalID, u.UpdateID)
		}
		if !neutralKinds[m.Kind] {
			t.Fatalf("kind %q is not one flows knows", m.Kind)
		}
		if _, err := strconv.ParseInt(m.ChatID, 10, 64); err != nil {
			t.Fatalf("chat id %q", m.ChatID)
		}
		switch {
		case m.Kind.IsFile() && m.File == nil:
			t.Fatalf("a %s without its file: %+v", m.Kind, m.File)
		case !m.Kind.IsFile() && m.File != nil:
			t.Fatalf("a %s with a file", m.Kind)
		case (m.Kind == flows.KindLocation) != (m.Location != nil):
			t.Fatalf("a %s with location %v", m.Kind, m.Location)
		case m.Kind == flows.KindCommand && (m.Command != strings.ToLower(m.Command) || strings.Contains(m.Command, "@")):
			t.Fatalf("command %q", m.Command)
		case m.Kind == flows.KindButton && (u.CallbackQuery == nil || m.Button != u.CallbackQuery.Data):
			t.Fatalf("button %q", m.Button)
		case m.Kind == flows.KindUnsupported && m.What == "":
			t.Fatal("unsupported, without saying what")
		}
		// The inbox stores the message as JSON and flows reads it back.
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("the inbox cannot encode %+v: %v", m, err)
		}
		var back flows.Inbound
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(&back); err != nil {
			t.Fatalf("the inbox cannot decode %s: %v", b, err)
		}
		if !reflect.DeepEqual(back, m) && !bytes.Contains(b, []byte(`\ufffd`)) {
			t.Fatalf("the inbox changes the message:\n%+v\n%+v", m, back)
		}
	})
}
