package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"go.mau.fi/whatsmeow/util/gcmutil"
	"go.mau.fi/whatsmeow/util/hkdfutil"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

func TestDefaults(t *testing.T) {
	ch := New(nil, nil, Options{})
	if ch.Name() != "whatsapp" {
		t.Fatal(ch.Name())
	}
	if p := ch.Pacing(); p.PerChat != time.Second || p.Global != time.Second || p.PerGroupPerMinute != 0 {
		t.Fatalf("pacing %+v", p)
	}
	custom := bot.Pacing{PerChat: 2 * time.Second}
	if New(nil, nil, Options{Pacing: custom}).Pacing() != custom {
		t.Fatal("custom pacing ignored")
	}
}

func TestSplitNumbersButtons(t *testing.T) {
	ch := New(nil, nil, Options{})
	msg := flows.Outbound{Text: "Pilih kategori:", ReplyTo: "M1", Buttons: [][]flows.Button{
		{{Label: "Jalan", Data: "cat:road"}, {Label: "Sampah", Data: "cat:trash"}},
		{{Label: "Lainnya", Data: "cat:other"}},
	}}
	parts := ch.Split(msg, nil)
	want := "Pilih kategori:\n\nBalas dengan angka:\n1. Jalan\n2. Sampah\n3. Lainnya"
	if len(parts) != 1 || parts[0].Text != want || parts[0].ReplyTo != "M1" || parts[0].File != nil {
		t.Fatalf("parts %+v", parts)
	}
	// The numbers are the order flows maps a reply back with.
	for i, data := range msg.Choices() {
		label := []string{"Jalan", "Sampah", "Lainnya"}[i]
		if !strings.Contains(parts[0].Text, fmt.Sprintf("\n%d. %s", i+1, label)) || data == "" {
			t.Fatalf("choice %d", i+1)
		}
	}
	if p := ch.Split(flows.Outbound{Buttons: msg.Buttons}, nil); len(p) != 1 || !strings.HasPrefix(p[0].Text, "Balas dengan angka:\n1. Jalan") {
		t.Fatalf("menu alone: %q", p[0].Text)
	}
	if p := ch.Split(flows.Outbound{Text: "x"}, nil); len(p) != 1 || p[0].Text != "x" {
		t.Fatalf("no buttons: %+v", p)
	}
}

func TestSplitLongTextAndCaptions(t *testing.T) {
	ch := New(nil, nil, Options{})
	para := strings.Repeat("kata ", 300) // 1500 characters
	long := strings.TrimSpace(strings.Repeat(para+"\n\n", 7))
	msg := flows.Outbound{Text: long, ReplyTo: "Q", Buttons: [][]flows.Button{{{Label: "Ya", Data: "y"}}}}
	parts := ch.Split(msg, nil)
	if len(parts) < 3 {
		t.Fatalf("%d parts", len(parts))
	}
	var total int
	for i, p := range parts {
		if bot.UTF16Len(p.Text) > maxText || p.Text == "" {
			t.Fatalf("part %d: %d units", i, bot.UTF16Len(p.Text))
		}
		if (i == 0) != (p.ReplyTo == "Q") {
			t.Fatalf("reply on part %d", i)
		}
		total += strings.Count(p.Text, "kata")
	}
	if total != 7*300 || !strings.HasSuffix(parts[len(parts)-1].Text, "\n\nBalas dengan angka:\n1. Ya") {
		t.Fatalf("words %d, last %q", total, parts[len(parts)-1].Text[len(parts[len(parts)-1].Text)-40:])
	}
	if again := ch.Split(msg, nil); !reflect.DeepEqual(again, parts) {
		t.Fatal("split is not deterministic")
	}

	// A full last part gets the menu as a part of its own.
	full := ch.Split(flows.Outbound{Text: strings.Repeat("a", maxText), Buttons: msg.Buttons}, nil)
	if len(full) != 2 || full[1].Text != "Balas dengan angka:\n1. Ya" {
		t.Fatalf("full: %d parts", len(full))
	}

	file := &bot.File{Kind: string(flows.KindPhoto), Name: "a.jpg", MIME: "image/jpeg", Data: []byte("jpg")}
	withCaption := ch.Split(flows.Outbound{Text: "Foto bukti", ReplyTo: "Q", Buttons: msg.Buttons}, file)
	if len(withCaption) != 1 || !withCaption[0].Caption || withCaption[0].File != file || withCaption[0].ReplyTo != "Q" ||
		withCaption[0].Text != "Foto bukti\n\nBalas dengan angka:\n1. Ya" {
		t.Fatalf("caption: %+v", withCaption)
	}
	longCaption := ch.Split(flows.Outbound{Text: strings.Repeat("b ", maxCaption), Buttons: msg.Buttons}, file)
	if len(longCaption) != 2 || longCaption[0].Caption || longCaption[0].Text != "" || longCaption[0].File != file ||
		!strings.HasSuffix(longCaption[1].Text, "1. Ya") {
		t.Fatalf("long caption: %+v", longCaption)
	}
}

func TestMessageIDIsDeterministic(t *testing.T) {
	a := New(nil, nil, Options{Secret: "s1"})
	b := New(nil, nil, Options{Secret: "s2"})
	id := a.MessageID("42.0")
	if !regexp.MustCompile(`^3EB0[0-9A-F]{18}$`).MatchString(id) {
		t.Fatalf("id %q", id)
	}
	if a.MessageID("42.0") != id || New(nil, nil, Options{Secret: "s1"}).MessageID("42.0") != id {
		t.Fatal("same key, different id")
	}
	if a.MessageID("42.1") == id || a.MessageID("43.0") == id || b.MessageID("42.0") == id {
		t.Fatal("different key or secret, same id")
	}
}

func TestSendText(t *testing.T) {
	fc := &fakeClient{}
	ch := New(fc, nil, Options{Secret: "s"})
	ctx := context.Background()
	p := bot.Part{Key: "7.0", Text: "Laporan diterima"}
	for i := 0; i < 2; i++ { // a retry reuses the id
		if err := ch.Send(ctx, citizenLID.String(), p); err != nil {
			t.Fatal(err)
		}
	}
	if len(fc.sent) != 2 || fc.sent[0].ID != ch.MessageID("7.0") || fc.sent[1].ID != fc.sent[0].ID {
		t.Fatalf("ids %q", []string{fc.sent[0].ID, fc.sent[1].ID})
	}
	if s := fc.sent[0]; s.To != citizenLID || s.Msg.GetConversation() != "Laporan diterima" {
		t.Fatalf("sent %+v", s)
	}

	if err := ch.Send(ctx, citizenLID.String(), bot.Part{Key: "7.1", Text: "balasan", ReplyTo: "M9"}); err != nil {
		t.Fatal(err)
	}
	et := fc.lastSent(t).Msg.GetExtendedTextMessage()
	if et.GetText() != "balasan" || et.GetContextInfo().GetStanzaID() != "M9" || et.GetContextInfo().GetParticipant() != citizenLID.String() {
		t.Fatalf("reply %v", et)
	}
	if err := ch.Send(ctx, officers.String(), bot.Part{Key: "8.0", Text: "ok", ReplyTo: "G1|" + officerLID.String()}); err != nil {
		t.Fatal(err)
	}
	s := fc.lastSent(t)
	if ci := s.Msg.GetExtendedTextMessage().GetContextInfo(); s.To != officers || ci.GetStanzaID() != "G1" || ci.GetParticipant() != officerLID.String() {
		t.Fatalf("group reply %v", s.Msg)
	}
}

func TestSendFiles(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		file  bot.File
		kind  whatsmeow.MediaType
		check func(m *waE2E.Message) bool
	}{
		{bot.File{Kind: "photo", Name: "a.jpg", MIME: "image/jpeg", Data: []byte("jpg")}, whatsmeow.MediaImage,
			func(m *waE2E.Message) bool {
				im := m.GetImageMessage()
				return im.GetCaption() == "cap" && im.GetDirectPath() == "/v/t62/up" && string(im.GetMediaKey()) == "key" && im.GetFileLength() == 3
			}},
		{bot.File{Kind: "document", Name: "laporan.pdf", MIME: "application/pdf", Data: []byte("%PDF")}, whatsmeow.MediaDocument,
			func(m *waE2E.Message) bool {
				d := m.GetDocumentMessage()
				return d.GetFileName() == "laporan.pdf" && d.GetCaption() == "cap" && d.GetMimetype() == "application/pdf"
			}},
		{bot.File{Kind: "photo", Name: "a.webp", MIME: "image/webp", Data: []byte("w")}, whatsmeow.MediaDocument,
			func(m *waE2E.Message) bool { return m.GetDocumentMessage().GetFileName() == "a.webp" }},
		{bot.File{Kind: "video", Name: "v.mp4", MIME: "video/mp4", Data: []byte("v")}, whatsmeow.MediaVideo,
			func(m *waE2E.Message) bool { return m.GetVideoMessage().GetCaption() == "cap" }},
		{bot.File{Kind: "voice", Name: "s.ogg", MIME: "audio/ogg", Data: []byte("o")}, whatsmeow.MediaAudio,
			func(m *waE2E.Message) bool {
				return m.GetAudioMessage().GetPTT() && m.GetAudioMessage().GetMimetype() == "audio/ogg; codecs=opus"
			}},
		{bot.File{Kind: "audio", Name: "s.mp3", MIME: "audio/mpeg", Data: []byte("m")}, whatsmeow.MediaAudio,
			func(m *waE2E.Message) bool { return !m.GetAudioMessage().GetPTT() }},
	}
	for _, tc := range cases {
		fc := &fakeClient{}
		ch := New(fc, nil, Options{})
		f := tc.file
		if err := ch.Send(ctx, citizenLID.String(), bot.Part{Key: "1.0", File: &f, Text: "cap", Caption: true, ReplyTo: "M1"}); err != nil {
			t.Fatal(err)
		}
		s := fc.lastSent(t)
		if len(fc.uploads) != 1 || fc.uploads[0] != tc.kind || !tc.check(s.Msg) || s.ID != ch.MessageID("1.0") {
			t.Errorf("%s: uploads %v, message %v", f.Name, fc.uploads, s.Msg)
		}
	}
}

func TestSendErrors(t *testing.T) {
	cases := []struct {
		err                error
		retryAfter         time.Duration
		blocked, permanent bool
		plain              bool
	}{
		{whatsmeow.ErrIQRateOverLimit, 30 * time.Second, false, false, false},
		{fmt.Errorf("failed to get device list: %w", whatsmeow.ErrIQRateOverLimit), 30 * time.Second, false, false, false},
		{fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 429), 30 * time.Second, false, false, false},
		{fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463), 6 * time.Hour, false, false, false},
		{fmt.Errorf("failed to get group info: %w", whatsmeow.ErrNotInGroup), 15 * time.Minute, false, false, false},
		{whatsmeow.ErrGroupNotFound, 0, true, false, false},
		{whatsmeow.ErrRecipientADJID, 0, false, true, false},
		{whatsmeow.ErrUnknownServer, 0, false, true, false},
		{fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 400), 0, false, true, false},
		{whatsmeow.ErrNotConnected, 0, false, false, true},
		{whatsmeow.ErrMessageTimedOut, 0, false, false, true},
		{&whatsmeow.DisconnectedError{Action: "message send"}, 0, false, false, true},
		{fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 500), 0, false, false, true},
	}
	for _, tc := range cases {
		fc := &fakeClient{sendErr: tc.err}
		err := New(fc, nil, Options{}).Send(context.Background(), citizenLID.String(), bot.Part{Key: "1.0", Text: "x"})
		var se *bot.SendError
		isSE := errors.As(err, &se)
		if !errors.Is(err, tc.err) {
			t.Errorf("%v: cause lost: %v", tc.err, err)
		}
		if tc.plain {
			if isSE {
				t.Errorf("%v: want a plain (transient) error, got %+v", tc.err, se)
			}
			continue
		}
		if !isSE || se.RetryAfter != tc.retryAfter || se.Blocked != tc.blocked || se.Permanent != tc.permanent ||
			se.Account != (tc.retryAfter > 0 && tc.retryAfter != notInGroupWait) {
			t.Errorf("%v: got %+v", tc.err, se)
		}
	}
	noClient := New(nil, nil, Options{})
	if err := noClient.Send(context.Background(), citizenLID.String(), bot.Part{Text: "x"}); err == nil || errors.As(err, new(*bot.SendError)) {
		t.Fatalf("no client yet: want a transient error, got %v", err)
	}
	noClient.SetClient(&fakeClient{})
	if err := noClient.Send(context.Background(), citizenLID.String(), bot.Part{Text: "x"}); err != nil {
		t.Fatalf("after SetClient: %v", err)
	}
	err := New(&fakeClient{}, nil, Options{}).Send(context.Background(), "not a jid@", bot.Part{Text: "x"})
	if se := (*bot.SendError)(nil); !errors.As(err, &se) || !se.Permanent {
		t.Fatalf("malformed chat: %v", err)
	}
}

// docEvent is a document message from the citizen and its stored form.
func docEvent(t *testing.T, ch *Channel, path string, size uint64) flows.Inbound {
	t.Helper()
	evt := dm("D1", &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{FileName: proto.String("bukti.pdf"),
		Mimetype: proto.String("application/pdf"), URL: proto.String("https://media.invalid/old"), DirectPath: proto.String(path),
		MediaKey: bytes.Repeat([]byte{7}, 32), FileEncSHA256: []byte("enc"), FileSHA256: []byte("sha"), FileLength: proto.Uint64(size)}})
	in := translateOK(t, ch, evt)
	// Through the inbox's JSON and back, as the workers see it.
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var stored flows.Inbound
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	return stored
}

func TestFetchDocumentRoundTrip(t *testing.T) {
	pdf := []byte("%PDF-1.7 bukti")
	fc := &fakeClient{downloads: map[string][]byte{"/v/t62/doc": pdf}}
	ch := New(fc, nil, Options{})
	in := docEvent(t, ch, "/v/t62/doc", uint64(len(pdf)))
	got, err := fetchAll(ch, in)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("fetch: %q %v", got, err)
	}

	small := New(fc, nil, Options{MaxDownload: 4})
	if _, err := small.Fetch(context.Background(), in); !errors.Is(err, flows.ErrFileTooBig) {
		t.Fatalf("declared too big: %v", err)
	}
	in.File.Size = 0 // unknown size: the download itself is measured
	if _, err := small.Fetch(context.Background(), in); !errors.Is(err, flows.ErrFileTooBig) {
		t.Fatalf("downloaded too big: %v", err)
	}
	if _, err := ch.Fetch(context.Background(), flows.Inbound{File: &flows.FileRef{ID: "garbage"}}); err == nil {
		t.Fatal("garbage reference accepted")
	}
}

func TestFetchExpiredMediaAsksThePhone(t *testing.T) {
	pdf := []byte("%PDF-1.7 diunggah ulang")
	fc := &fakeClient{downloads: map[string][]byte{}}
	ch := New(fc, nil, Options{MediaRetryWait: 5 * time.Second})
	fc.onRetry = func(info *types.MessageInfo, key []byte) {
		// The phone uploads the file again and says where.
		fc.mu.Lock()
		fc.downloads["/v/t62/fresh"] = pdf
		fc.mu.Unlock()
		plain, _ := proto.Marshal(&waMmsRetry.MediaRetryNotification{StanzaID: proto.String(info.ID),
			DirectPath: proto.String("/v/t62/fresh"), Result: waMmsRetry.MediaRetryNotification_SUCCESS.Enum()})
		iv := bytes.Repeat([]byte{1}, 12)
		ct, err := gcmutil.Encrypt(hkdfutil.SHA256(key, nil, []byte("WhatsApp Media Retry Notification"), 32), iv, plain, []byte(info.ID))
		if err != nil {
			panic(err)
		}
		ch.HandleEvent(&events.MediaRetry{MessageID: info.ID, ChatID: info.Chat, Ciphertext: ct, IV: iv})
	}
	in := docEvent(t, ch, "/v/t62/expired", uint64(len(pdf)))
	got, err := fetchAll(ch, in)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("fetch after re-upload: %q %v", got, err)
	}
	if len(fc.retried) != 1 || fc.retried[0].ID != "D1" || fc.retried[0].Chat != citizenLID {
		t.Fatalf("retry receipts %+v", fc.retried)
	}

	// No answer from the phone: a transient error, not "too big".
	silent := &fakeClient{downloads: map[string][]byte{}}
	ch2 := New(silent, nil, Options{MediaRetryWait: 50 * time.Millisecond})
	_, err = ch2.Fetch(context.Background(), docEvent(t, ch2, "/v/t62/expired", 10))
	if err == nil || errors.Is(err, flows.ErrFileTooBig) || !errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410) {
		t.Fatalf("silent phone: %v", err)
	}
	if len(ch2.retries) != 0 {
		t.Fatal("waiter left behind")
	}
}

// fetchAll is Fetch read whole.
func fetchAll(ch *Channel, in flows.Inbound) ([]byte, error) {
	got, err := ch.Fetch(context.Background(), in)
	if err != nil {
		return nil, err
	}
	defer got.Body.Close()
	b, err := io.ReadAll(got.Body)
	if err == nil && int64(len(b)) != got.Size {
		err = fmt.Errorf("read %d bytes, Size says %d", len(b), got.Size)
	}
	return b, err
}
