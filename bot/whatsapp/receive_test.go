package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
	lstore "github.com/lapor-id/lapor/store"
)

func translateOK(t *testing.T, ch *Channel, evt *events.Message) flows.Inbound {
	t.Helper()
	r, ok, err := ch.translate(context.Background(), evt)
	if err != nil || !ok {
		t.Fatalf("translate: ok=%v err=%v", ok, err)
	}
	return r.Message
}

func TestTranslateKinds(t *testing.T) {
	ch := New(nil, nil, Options{})
	quoted := &waE2E.ContextInfo{StanzaID: proto.String("3EB0CARD"), Participant: proto.String(citizenLID.String()),
		QuotedMessage: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("Laporan LPR-1234: diterima")}}}
	media := func(path string) (*string, []byte, []byte, []byte) {
		return proto.String(path), []byte("mediakey"), []byte("encsha"), []byte("sha")
	}
	dp, mk, enc, sha := media("/v/t62/img")
	tests := []struct {
		name string
		msg  *waE2E.Message
		want flows.Inbound // only the fields checked below
	}{
		{"conversation", &waE2E.Message{Conversation: proto.String("Jalan rusak")},
			flows.Inbound{Kind: flows.KindText, Text: "Jalan rusak"}},
		{"quoted reply", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("sudah"), ContextInfo: quoted}},
			flows.Inbound{Kind: flows.KindText, Text: "sudah", ReplyToText: "Laporan LPR-1234: diterima"}},
		{"quoted image caption", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("ini"),
			ContextInfo: &waE2E.ContextInfo{QuotedMessage: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("Kartu LPR-9")}}}}},
			flows.Inbound{Kind: flows.KindText, Text: "ini", ReplyToText: "Kartu LPR-9"}},
		{"command", &waE2E.Message{Conversation: proto.String("/Daftar_Grup@lapor  KODE-1 ")},
			flows.Inbound{Kind: flows.KindCommand, Command: "daftar_grup", Text: "KODE-1"}},
		{"ephemeral text", &waE2E.Message{EphemeralMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{Conversation: proto.String("hilang")}}},
			flows.Inbound{Kind: flows.KindText, Text: "hilang"}},
		{"image", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("lubang"), Mimetype: proto.String("image/jpeg"),
			DirectPath: dp, MediaKey: mk, FileEncSHA256: enc, FileSHA256: sha, FileLength: proto.Uint64(1234), JPEGThumbnail: []byte("thumb"), ContextInfo: quoted}},
			flows.Inbound{Kind: flows.KindPhoto, Text: "lubang", ReplyToText: "Laporan LPR-1234: diterima",
				File: &flows.FileRef{Name: "foto-M1.jpg", MIME: "image/jpeg", Size: 1234}}},
		{"document with caption", &waE2E.Message{DocumentWithCaptionMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{
			DocumentMessage: &waE2E.DocumentMessage{Caption: proto.String("surat"), FileName: proto.String("surat.pdf"), Mimetype: proto.String("application/pdf"),
				DirectPath: dp, MediaKey: mk, FileLength: proto.Uint64(99)}}}},
			flows.Inbound{Kind: flows.KindDocument, Text: "surat", File: &flows.FileRef{Name: "surat.pdf", MIME: "application/pdf", Size: 99}}},
		{"video", &waE2E.Message{VideoMessage: &waE2E.VideoMessage{Caption: proto.String("banjir"), Mimetype: proto.String("video/mp4"), DirectPath: dp, MediaKey: mk, FileLength: proto.Uint64(5)}},
			flows.Inbound{Kind: flows.KindVideo, Text: "banjir", File: &flows.FileRef{Name: "video-M1.mp4", MIME: "video/mp4", Size: 5}}},
		{"audio", &waE2E.Message{AudioMessage: &waE2E.AudioMessage{Mimetype: proto.String("audio/mpeg"), DirectPath: dp, MediaKey: mk, FileLength: proto.Uint64(7)}},
			flows.Inbound{Kind: flows.KindAudio, File: &flows.FileRef{Name: "audio-M1.mp3", MIME: "audio/mpeg", Size: 7}}},
		{"voice note", &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true), Mimetype: proto.String("audio/ogg; codecs=opus"), DirectPath: dp, MediaKey: mk, FileLength: proto.Uint64(8)}},
			flows.Inbound{Kind: flows.KindVoice, File: &flows.FileRef{Name: "suara-M1.ogg", MIME: "audio/ogg; codecs=opus", Size: 8}}},
		{"location", &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(-6.2), DegreesLongitude: proto.Float64(106.8)}},
			flows.Inbound{Kind: flows.KindLocation, Location: &flows.Location{Lat: -6.2, Lon: 106.8}}},
		{"live location", &waE2E.Message{LiveLocationMessage: &waE2E.LiveLocationMessage{DegreesLatitude: proto.Float64(-7), DegreesLongitude: proto.Float64(110)}},
			flows.Inbound{Kind: flows.KindLocation, Location: &flows.Location{Lat: -7, Lon: 110}}},
		{"sticker", &waE2E.Message{StickerMessage: &waE2E.StickerMessage{Mimetype: proto.String("image/webp")}},
			flows.Inbound{Kind: flows.KindUnsupported, What: "sticker"}},
		{"view once", &waE2E.Message{ViewOnceMessageV2: &waE2E.FutureProofMessage{Message: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{DirectPath: dp}}}},
			flows.Inbound{Kind: flows.KindUnsupported, What: "view_once"}},
		{"poll", &waE2E.Message{PollCreationMessageV3: &waE2E.PollCreationMessage{Name: proto.String("?")}},
			flows.Inbound{Kind: flows.KindUnsupported, What: "poll"}},
		{"reaction", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍"), Key: &waCommon.MessageKey{ID: proto.String("3EB0X")}}},
			flows.Inbound{Kind: flows.KindUnsupported, What: "reaction"}},
		{"contact", &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Ani")}},
			flows.Inbound{Kind: flows.KindUnsupported, What: "contact"}},
		{"contacts", &waE2E.Message{ContactsArrayMessage: &waE2E.ContactsArrayMessage{}},
			flows.Inbound{Kind: flows.KindUnsupported, What: "contact"}},
		{"gif", &waE2E.Message{VideoMessage: &waE2E.VideoMessage{GifPlayback: proto.Bool(true)}},
			flows.Inbound{Kind: flows.KindUnsupported, What: "animation"}},
		{"edit", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(),
			Key: &waCommon.MessageKey{ID: proto.String("M0")}, EditedMessage: &waE2E.Message{Conversation: proto.String("koreksi")}}},
			flows.Inbound{Kind: flows.KindEdited, Text: "koreksi"}},
		{"edited wrapper", &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{Conversation: proto.String("baru")}}},
			flows.Inbound{Kind: flows.KindEdited, Text: "baru"}},
		{"unknown content", &waE2E.Message{EventMessage: &waE2E.EventMessage{Name: proto.String("rapat")}},
			flows.Inbound{Kind: flows.KindUnsupported, What: "other"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := translateOK(t, ch, dm("M1", tc.msg))
			if in.Kind != tc.want.Kind || in.Text != tc.want.Text || in.What != tc.want.What ||
				in.Command != tc.want.Command || in.ReplyToText != tc.want.ReplyToText {
				t.Fatalf("got kind=%q text=%q what=%q cmd=%q reply=%q; want %+v", in.Kind, in.Text, in.What, in.Command, in.ReplyToText, tc.want)
			}
			if (in.Location == nil) != (tc.want.Location == nil) || in.Location != nil && *in.Location != *tc.want.Location {
				t.Fatalf("location %+v, want %+v", in.Location, tc.want.Location)
			}
			if (in.File == nil) != (tc.want.File == nil) {
				t.Fatalf("file %+v, want %+v", in.File, tc.want.File)
			}
			if in.File != nil {
				if in.File.Name != tc.want.File.Name || in.File.MIME != tc.want.File.MIME || in.File.Size != tc.want.File.Size {
					t.Fatalf("file %+v, want %+v", in.File, tc.want.File)
				}
				ref, m, err := decodeRef(in.File.ID)
				if err != nil || m.GetDirectPath() != "/v/t62/img" || string(m.GetMediaKey()) != "mediakey" || ref.ID != "M1" || ref.Chat != citizenLID.String() {
					t.Fatalf("file ref: %+v %v %v", ref, m, err)
				}
				if im, ok := m.(*waE2E.ImageMessage); ok && (im.JPEGThumbnail != nil || im.ContextInfo != nil) {
					t.Fatal("file ref keeps the thumbnail or the quoted message")
				}
			}
			if !in.NumberedMenus || in.ChatID != citizenLID.String() || in.MessageID != "M1" || !in.At.Equal(t0) || in.UserName != "Budi" {
				t.Fatalf("envelope: %+v", in)
			}
		})
	}
}

func TestTranslateIgnores(t *testing.T) {
	ch := New(nil, nil, Options{})
	text := &waE2E.Message{Conversation: proto.String("x")}
	fromMe := dm("A", text)
	fromMe.Info.IsFromMe = true
	cases := map[string]*events.Message{
		"from me":      fromMe,
		"status":       newMsg(types.StatusBroadcastJID, citizenPN, types.JID{}, "B", text),
		"newsletter":   newMsg(types.NewJID("1203630000", types.NewsletterServer), citizenPN, types.JID{}, "C", text),
		"revoke":       dm("D", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: &waCommon.MessageKey{ID: proto.String("M1")}}}),
		"key only":     dm("E", &waE2E.Message{SenderKeyDistributionMessage: &waE2E.SenderKeyDistributionMessage{GroupID: proto.String("g")}}),
		"reaction off": dm("F", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("")}}),
	}
	for name, evt := range cases {
		if _, ok, err := ch.translate(context.Background(), evt); ok || err != nil {
			t.Errorf("%s: ok=%v err=%v, want ignored", name, ok, err)
		}
		if !ch.HandleEvent(evt) { // no inbox needed: nothing is stored
			t.Errorf("%s: HandleEvent false", name)
		}
	}
}

func TestGroupMessage(t *testing.T) {
	ch := New(nil, nil, Options{})
	in := translateOK(t, ch, newMsg(officers, types.JID{User: officerLID.User, Device: 3, Server: types.HiddenUserServer}, types.JID{}, "G1",
		&waE2E.Message{Conversation: proto.String("/terima LPR-1")}))
	if !in.IsGroup || in.ChatID != officers.String() || in.UserID != officerLID.String() || in.Username != "" ||
		in.MessageID != "G1|"+officerLID.String() || in.Kind != flows.KindCommand || in.Command != "terima" {
		t.Fatalf("group message: %+v", in)
	}
	if !ch.IsGroup(in.ChatID) || ch.IsGroup(citizenLID.String()) || ch.IsGroup(citizenPN.String()) {
		t.Fatal("IsGroup")
	}
}

// The canonical id rule: the LID when known (event or LID map), else the
// phone-number JID; the phone number is kept as Username.
func TestIdentityRule(t *testing.T) {
	text := &waE2E.Message{Conversation: proto.String("halo")}
	plain := New(nil, nil, Options{})
	mapped := New(nil, nil, Options{LIDs: fakeLIDs{pn2lid: map[types.JID]types.JID{citizenPN: citizenLID}}})
	pnDevice := types.JID{User: citizenPN.User, Device: 12, Server: types.DefaultUserServer}
	cases := []struct {
		name         string
		ch           *Channel
		evt          *events.Message
		chat, userPN string
	}{
		{"LID chat, PN alt", plain, newMsg(citizenLID, citizenLID, citizenPN, "1", text), citizenLID.String(), citizenPN.String()},
		{"PN chat, LID alt", plain, newMsg(citizenPN, pnDevice, citizenLID, "2", text), citizenLID.String(), citizenPN.String()},
		{"LID only", plain, newMsg(citizenLID, citizenLID, types.JID{}, "3", text), citizenLID.String(), ""},
		{"PN only, no map", plain, newMsg(citizenPN, pnDevice, types.JID{}, "4", text), citizenPN.String(), citizenPN.String()},
		{"PN only, mapped", mapped, newMsg(citizenPN, pnDevice, types.JID{}, "5", text), citizenLID.String(), citizenPN.String()},
		{"LID only, mapped", mapped, newMsg(citizenLID, citizenLID, types.JID{}, "6", text), citizenLID.String(), citizenPN.String()},
	}
	for _, tc := range cases {
		in := translateOK(t, tc.ch, tc.evt)
		if in.ChatID != tc.chat || in.UserID != tc.chat || in.Username != tc.userPN {
			t.Errorf("%s: chat=%q user=%q username=%q; want chat=user=%q username=%q", tc.name, in.ChatID, in.UserID, in.Username, tc.chat, tc.userPN)
		}
	}
}

// claimAll reads the stored messages, oldest first, marking them handled.
func claimAll(t *testing.T, db *lstore.DB) []lstore.Inbound {
	t.Helper()
	var out []lstore.Inbound
	for {
		var in lstore.Inbound
		err := db.InTx(context.Background(), func(tx *lstore.Tx) error {
			var err error
			if in, err = tx.ClaimInbound(context.Background(), t0.Add(100*24*time.Hour)); err != nil {
				return err
			}
			return tx.FinishInbound(context.Background(), in.ID, "test", time.Now())
		})
		if errors.Is(err, lstore.ErrNotFound) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, in)
	}
}

func TestPNThenLIDIsOneChat(t *testing.T) {
	db := pg.NewDB(t)
	ch := New(nil, bot.NewInbox(db, nil), Options{})
	text := &waE2E.Message{Conversation: proto.String("halo")}
	pnDevice := types.JID{User: citizenPN.User, Device: 12, Server: types.DefaultUserServer}
	if !ch.HandleEvent(newMsg(citizenPN, pnDevice, citizenLID, "P1", text)) || !ch.HandleEvent(newMsg(citizenLID, citizenLID, citizenPN, "P2", text)) {
		t.Fatal("HandleEvent false")
	}
	rows := claimAll(t, db)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, r := range rows {
		if r.ChatID != citizenLID.String() || r.ExternalID != citizenLID.String()+"/"+[]string{"P1", "P2"}[i] {
			t.Fatalf("row %+v", r)
		}
		var in flows.Inbound
		if err := json.Unmarshal(r.Payload, &in); err != nil {
			t.Fatal(err)
		}
		if in.Channel != Name || in.ChatID != citizenLID.String() || in.Username != citizenPN.String() || !in.NumberedMenus {
			t.Fatalf("payload %+v", in)
		}
	}
}

func TestRedeliveryStoresOnce(t *testing.T) {
	db := pg.NewDB(t)
	ch := New(nil, bot.NewInbox(db, nil), Options{})
	evt := dm("R1", &waE2E.Message{Conversation: proto.String("halo")})
	for i := 0; i < 2; i++ {
		if !ch.HandleEvent(evt) {
			t.Fatal("HandleEvent false")
		}
	}
	if n, err := db.PendingInbound(context.Background()); err != nil || n != 1 {
		t.Fatalf("pending = %d, %v; want 1", n, err)
	}
	if _, err := db.InboundOutcome(context.Background(), Name, citizenLID.String()+"/R1"); err != nil {
		t.Fatalf("external id: %v", err)
	}
}

func TestStoreFailureMakesWhatsAppRedeliver(t *testing.T) {
	ctx := context.Background()
	url := pg.NewDatabase(t)
	down, err := lstore.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	down.Close() // the database is unreachable for this inbox
	evt := dm("F1", &waE2E.Message{Conversation: proto.String("halo")})
	if New(nil, bot.NewInbox(down, nil), Options{StoreTimeout: 2 * time.Second}).HandleEvent(evt) {
		t.Fatal("HandleEvent true although nothing was stored")
	}

	// The same real client path: a false handler means "do not ack".
	dev := *store.NoopDevice
	dev.ID = nil
	cli := whatsmeow.NewClient(&dev, nil)
	cli.AddEventHandlerWithSuccessStatus(New(nil, bot.NewInbox(down, nil), Options{StoreTimeout: 2 * time.Second}).HandleEvent)
	if failed := cli.DangerousInternals().DispatchEvent(evt); !failed {
		t.Fatal("whatsmeow would acknowledge a message that was not stored")
	}

	db, err := lstore.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	up := New(nil, bot.NewInbox(db, nil), Options{})
	for i := 0; i < 2; i++ { // WhatsApp redelivers; the second is a duplicate
		if !up.HandleEvent(evt) {
			t.Fatal("redelivery not stored")
		}
	}
	if n, err := db.PendingInbound(ctx); err != nil || n != 1 {
		t.Fatalf("pending = %d, %v; want 1", n, err)
	}
}

func TestCallBecomesUnsupportedMessage(t *testing.T) {
	db := pg.NewDB(t)
	ch := New(nil, bot.NewInbox(db, nil), Options{})
	call := &events.CallOffer{BasicCallMeta: types.BasicCallMeta{From: citizenLID, CallCreator: citizenLID,
		CallCreatorAlt: citizenPN, CallID: "CALL1", Timestamp: t0}}
	if !ch.HandleEvent(call) || !ch.HandleEvent(call) {
		t.Fatal("HandleEvent false")
	}
	group := &events.CallOffer{BasicCallMeta: types.BasicCallMeta{From: citizenLID, CallID: "CALL2", GroupJID: officers, Timestamp: t0}}
	if !ch.HandleEvent(group) {
		t.Fatal("group call")
	}
	rows := claimAll(t, db)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	var in flows.Inbound
	if err := json.Unmarshal(rows[0].Payload, &in); err != nil {
		t.Fatal(err)
	}
	if in.Kind != flows.KindUnsupported || in.What != "call" || in.ChatID != citizenLID.String() || in.Username != citizenPN.String() {
		t.Fatalf("call: %+v", in)
	}
}

// The first message under the LID arrives while a worker is handling the
// number's message (a download may take a minute): the handler does not
// wait for the merge; the message goes to the number's chat, in order, and
// the next one makes the merge.
func TestLIDWhileTheNumbersChatIsBusy(t *testing.T) {
	ctx := context.Background()
	db := pg.NewDB(t)
	ch := New(nil, bot.NewInbox(db, nil), Options{})
	text := &waE2E.Message{Conversation: proto.String("halo")}
	if !ch.HandleEvent(newMsg(citizenPN, citizenPN, types.JID{}, "B1", text)) {
		t.Fatal("HandleEvent false")
	}
	claimed, release, worker := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		worker <- db.InTx(ctx, func(tx *lstore.Tx) error {
			in, err := tx.ClaimInbound(ctx, t0.Add(time.Hour))
			if err != nil {
				return err
			}
			close(claimed)
			<-release
			return tx.FinishInbound(ctx, in.ID, "handled", t0)
		})
	}()
	<-claimed
	start := time.Now()
	if !ch.HandleEvent(newMsg(citizenLID, citizenLID, citizenPN, "B2", text)) {
		t.Fatal("HandleEvent false beside a busy worker")
	}
	if waited := time.Since(start); waited > time.Second {
		t.Fatalf("the handler waited %v", waited)
	}
	if _, err := db.InboundOutcome(ctx, Name, citizenPN.String()+"/B2"); err != nil {
		t.Fatalf("B2 not under the number: %v", err)
	}
	close(release)
	if err := <-worker; err != nil {
		t.Fatal(err)
	}
	if !ch.HandleEvent(newMsg(citizenLID, citizenLID, citizenPN, "B3", text)) {
		t.Fatal("HandleEvent false")
	}
	rows := claimAll(t, db)
	if len(rows) != 2 || rows[0].ExternalID != citizenLID.String()+"/B2" || rows[1].ExternalID != citizenLID.String()+"/B3" {
		t.Fatalf("rows after the merge: %+v", rows)
	}
	for _, r := range rows {
		var in flows.Inbound
		if err := json.Unmarshal(r.Payload, &in); err != nil {
			t.Fatal(err)
		}
		if in.ChatID != citizenLID.String() || in.UserID != citizenLID.String() || in.Username != citizenPN.String() {
			t.Fatalf("payload after the merge: %+v", in)
		}
	}
}
