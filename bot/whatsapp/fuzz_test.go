package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// neutralKinds are the kinds flows knows.
var neutralKinds = map[flows.Kind]bool{flows.KindText: true, flows.KindCommand: true, flows.KindButton: true,
	flows.KindPhoto: true, flows.KindDocument: true, flows.KindVideo: true, flows.KindVoice: true, flows.KindAudio: true,
	flows.KindLocation: true, flows.KindEdited: true, flows.KindUnsupported: true, flows.KindMembership: true}

// FuzzTranslate builds message events from any protobuf bytes (what a
// modified client can send) and any sender and chat JIDs, and hands them
// to the channel as whatsmeow would: translate never fails or panics; a
// kept message has a neutral kind, a chat, a file reference the channel
// can decode again for file kinds, a well-formed command; and HandleEvent
// stores it in the inbox, because a message that cannot be stored is
// refused back to WhatsApp, which delivers it again, and again.
func FuzzTranslate(f *testing.F) {
	quoted := &waE2E.ContextInfo{StanzaID: proto.String("3EB0CARD"), Participant: proto.String(citizenLID.String()),
		QuotedMessage: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("Laporan MGT-7K3QFA: diterima")}}}
	media := func() (*string, []byte) { return proto.String("/v/t62/img"), []byte("mediakey") }
	dp, mk := media()
	for _, m := range []*waE2E.Message{
		{Conversation: proto.String("Jalan rusak")},
		{Conversation: proto.String("/Daftar_Grup@lapor  KODE-1 ")},
		{Conversation: proto.String("2")},
		{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("sudah"), ContextInfo: quoted}},
		{EphemeralMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{Conversation: proto.String("hilang")}}},
		{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("lubang"), Mimetype: proto.String("image/jpeg"), DirectPath: dp,
			MediaKey: mk, FileLength: proto.Uint64(1234), JPEGThumbnail: []byte("thumb"), ContextInfo: quoted}},
		{DocumentWithCaptionMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			Caption: proto.String("surat"), FileName: proto.String("surat.pdf"), Mimetype: proto.String("application/pdf"), DirectPath: dp, MediaKey: mk}}}},
		{VideoMessage: &waE2E.VideoMessage{Caption: proto.String("banjir"), Mimetype: proto.String("video/mp4"), DirectPath: dp, MediaKey: mk}},
		{PtvMessage: &waE2E.VideoMessage{DirectPath: dp, MediaKey: mk}},
		{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true), Mimetype: proto.String("audio/ogg; codecs=opus"), DirectPath: dp, MediaKey: mk}},
		{AudioMessage: &waE2E.AudioMessage{Mimetype: proto.String("audio/mpeg"), DirectPath: dp, MediaKey: mk}},
		{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(-7.65), DegreesLongitude: proto.Float64(111.33)}},
		{LiveLocationMessage: &waE2E.LiveLocationMessage{DegreesLatitude: proto.Float64(-7), DegreesLongitude: proto.Float64(110)}},
		{StickerMessage: &waE2E.StickerMessage{Mimetype: proto.String("image/webp")}},
		{ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{DirectPath: dp}}}},
		{PollCreationMessageV3: &waE2E.PollCreationMessage{Name: proto.String("?")}},
		{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍"), Key: &waCommon.MessageKey{ID: proto.String("3EB0X")}}},
		{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("")}},
		{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Ani")}},
		{VideoMessage: &waE2E.VideoMessage{GifPlayback: proto.Bool(true)}},
		{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(),
			Key: &waCommon.MessageKey{ID: proto.String("M0")}, EditedMessage: &waE2E.Message{Conversation: proto.String("koreksi")}}},
		{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: &waCommon.MessageKey{ID: proto.String("M1")}}},
		{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{Conversation: proto.String("baru")}}},
		{EventMessage: &waE2E.EventMessage{Name: proto.String("rapat")}},
		{SenderKeyDistributionMessage: &waE2E.SenderKeyDistributionMessage{GroupID: proto.String("g")}},
	} {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, citizenLID.String(), citizenLID.String(), citizenPN.String(), "3EB0A1", false)
		f.Add(b, officers.String(), officerLID.String()+":3", "", "3EB0G1", true)
	}
	f.Add([]byte{}, citizenPN.String()+":12", citizenPN.String(), "", "X", true)
	f.Add([]byte{0x0a, 0x01, 'x'}, types.StatusBroadcastJID.String(), citizenPN.String(), "", "S", false)
	f.Add([]byte{0x0a, 0x01, 'x'}, "12345@broadcast", citizenPN.String(), citizenLID.String(), "B", false)

	inbox := bot.NewInbox(pg.NewDB(f), nil)
	plain := New(nil, inbox, Options{})
	mapped := New(nil, inbox, Options{LIDs: fakeLIDs{pn2lid: map[types.JID]types.JID{citizenPN: citizenLID}}})
	f.Fuzz(func(t *testing.T, raw []byte, chat, sender, senderAlt, id string, useMap bool) {
		var m waE2E.Message
		if err := proto.Unmarshal(raw, &m); err != nil {
			return
		}
		// JIDs are WhatsApp's to assign: numbers (a group's may have a
		// dash) on its servers. Everything else here a sender chooses.
		jid := func(s string) types.JID {
			j, err := types.ParseJID(s)
			if err != nil || strings.Trim(j.User, "0123456789-") != "" {
				return types.JID{}
			}
			return j
		}
		if !utf8.ValidString(id) || strings.ContainsRune(id, 0) {
			// A message id is the sending client's choice, and one with
			// U+0000 or invalid UTF-8 cannot be stored (the inbox's
			// external_id is text): reported, left out to look further.
			return
		}
		evt := newMsg(jid(chat), jid(sender), jid(senderAlt), id, &m)
		ch := plain
		if useMap {
			ch = mapped
		}
		r, ok, err := ch.translate(context.Background(), evt)
		if err != nil {
			t.Fatalf("translate: %v", err)
		}
		if ok {
			checkInbound(t, evt.Info.ID, r)
		}
		if !ch.HandleEvent(evt) {
			t.Fatalf("the inbox refused %+v: WhatsApp will deliver it again forever", r.Message)
		}
	})
}

func checkInbound(t *testing.T, id string, r bot.Received) {
	t.Helper()
	in := r.Message
	if !neutralKinds[in.Kind] {
		t.Fatalf("kind %q is not one flows knows", in.Kind)
	}
	if in.ChatID == "" || in.UserID == "" || r.ExternalID != in.ChatID+"/"+id || !in.NumberedMenus {
		t.Fatalf("envelope %q %+v", r.ExternalID, in)
	}
	switch {
	case in.Kind.IsFile():
		if in.File == nil || in.File.Name == "" {
			t.Fatalf("a %s without a file name: %+v", in.Kind, in.File)
		}
		ref, media, err := decodeRef(in.File.ID)
		if err != nil || media == nil || ref.ID != id {
			t.Fatalf("file reference of a %s does not decode: %+v %v", in.Kind, ref, err)
		}
	case in.File != nil:
		t.Fatalf("a %s with a file", in.Kind)
	}
	if (in.Kind == flows.KindLocation) != (in.Location != nil) {
		t.Fatalf("a %s with location %v", in.Kind, in.Location)
	}
	if in.Kind == flows.KindCommand {
		checkCommand(t, in)
	}
	if in.Kind == flows.KindUnsupported && in.What == "" {
		t.Fatal("unsupported, without saying what")
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatalf("the inbox cannot encode %+v: %v", in, err)
	}
	var back flows.Inbound
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, in) && !bytes.Contains(b, []byte(`\ufffd`)) {
		t.Fatalf("the inbox changes the message:\n%+v\n%+v", in, back)
	}
}

func checkCommand(t *testing.T, in flows.Inbound) {
	t.Helper()
	if in.Command == "" || in.Command != strings.ToLower(in.Command) || strings.Contains(in.Command, "@") ||
		strings.IndexFunc(in.Command, unicode.IsSpace) >= 0 || in.Text != strings.TrimSpace(in.Text) {
		t.Fatalf("command %q with arguments %q", in.Command, in.Text)
	}
}

// FuzzCommand feeds typed text to the "/perintah argumen" reading: a
// command is a non-empty lower-case word without spaces or "@bot", its
// arguments trimmed and taken from the text; anything else stays the text
// it was. (Unlike Telegram, the word may hold punctuation: "/status." is
// the command "status.".)
func FuzzCommand(f *testing.F) {
	for _, s := range []string{"/start", "/Daftar_Grup@lapor  KODE-1 ", "/status MGT-7K3QFA", "  /batal", "/", "//x", "/ x",
		"/1", "/é", "/\xc3", "/ÉTAT x", "/a@", "/@", "/a\u00a0b", "/cari\tjalan rusak", "bukan /perintah", "/x@y@z arg", "/İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		in := flows.Inbound{Kind: flows.KindText, Text: text}
		command(&in)
		if in.Kind != flows.KindCommand {
			if in.Kind != flows.KindText || in.Text != text || in.Command != "" {
				t.Fatalf("%q became %+v", text, in)
			}
			return
		}
		checkCommand(t, in)
		if !strings.HasPrefix(strings.TrimSpace(text), "/") || !strings.Contains(text, in.Text) {
			t.Fatalf("%q read as /%s %q", text, in.Command, in.Text)
		}
	})
}

// FuzzCanonicalID feeds JIDs as an admin types them (/petugas tambah
// 62812…@s.whatsapp.net): an error, or an id without a device part that is
// its own canonical id.
func FuzzCanonicalID(f *testing.F) {
	for _, s := range []string{citizenPN.String(), citizenPN.String() + ":12", citizenLID.String(), officers.String(),
		"6281234567890", "+62 812-3456-7890@s.whatsapp.net", "1.0:2@lid", "x@g.us", "@s.whatsapp.net", "", "a:b:c@lid",
		"status@broadcast", "123@newsletter", "62812.5:3@s.whatsapp.net"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	ctx := context.Background()
	plain := New(nil, nil, Options{})
	mapped := New(nil, nil, Options{LIDs: fakeLIDs{pn2lid: map[types.JID]types.JID{citizenPN: citizenLID}}})
	f.Fuzz(func(t *testing.T, jid string, useMap bool) {
		ch := plain
		if useMap {
			ch = mapped
		}
		id, err := ch.CanonicalID(ctx, jid)
		if err != nil {
			return
		}
		j, err := types.ParseJID(id)
		if err != nil {
			t.Fatalf("CanonicalID(%q) = %q, which does not parse: %v", jid, id, err)
		}
		if isUser(j) && j.Device != 0 {
			t.Fatalf("CanonicalID(%q) = %q keeps a device", jid, id)
		}
		if again, err := ch.CanonicalID(ctx, id); err != nil || again != id {
			t.Fatalf("CanonicalID(%q) = %q, whose canonical id is %q, %v", jid, id, again, err)
		}
	})
}

// A command starts with a letter, read as a character, not as a byte: the
// first byte of a no-break space (0xC2) is "Â" when taken alone.
func TestCommandStartsWithALetter(t *testing.T) {
	for text, want := range map[string]string{"/\u00a00": "", "/ x": "", "/1": "", "/é x": "é", "/Status MGT": "status"} {
		in := flows.Inbound{Kind: flows.KindText, Text: text}
		command(&in)
		if in.Command != want {
			t.Errorf("%q: command %q, want %q", text, in.Command, want)
		}
	}
}
