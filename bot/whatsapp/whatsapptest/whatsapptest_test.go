package whatsapptest_test

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
)

func text(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

// A person writes from their number until the device learns their LID,
// which a send to the number makes it do (as whatsmeow's SendMessage
// looks the LID up); then from the LID, with or without SenderAlt.
func TestAddressingFollowsWhatTheDeviceKnows(t *testing.T) {
	ctx := context.Background()
	f := whatsapptest.New()
	const number, lid = "6281234567890", "99887766554433"
	pn := types.NewJID(number, types.DefaultUserServer)
	f.GiveLID(number, lid)
	first := f.TextFrom(number, "halo").(*events.Message)
	if first.Info.Chat != pn || first.Info.Sender != pn || !first.Info.SenderAlt.IsEmpty() {
		t.Fatalf("before the LID is known: %+v", first.Info.MessageSource)
	}
	if got, _ := f.GetLIDForPN(ctx, pn); !got.IsEmpty() {
		t.Fatalf("the LID map knows %v before any send", got)
	}
	if _, err := f.SendMessage(ctx, pn, text("Selamat datang")); err != nil {
		t.Fatal(err)
	}
	lidJID := types.NewJID(lid, types.HiddenUserServer)
	if got, _ := f.GetLIDForPN(ctx, pn); got != lidJID {
		t.Fatalf("after a send the LID map says %v", got)
	}
	if got, _ := f.GetPNForLID(ctx, lidJID); got != pn {
		t.Fatalf("the LID map's reverse says %v", got)
	}
	next := f.TextFrom(number, "lagi").(*events.Message)
	if next.Info.Chat != lidJID || next.Info.Sender != lidJID || next.Info.SenderAlt != pn {
		t.Fatalf("after the switch: %+v", next.Info.MessageSource)
	}
	f.WithoutSenderAlt(number)
	if e := f.TextFrom(number, "x").(*events.Message); !e.Info.SenderAlt.IsEmpty() {
		t.Fatalf("SenderAlt kept: %v", e.Info.SenderAlt)
	}
	if got := f.SentTo(number); len(got) != 1 || got[0].Chat != pn.String() {
		t.Fatalf("SentTo: %+v", got)
	}
}

// Sends fail as whatsmeow reports WhatsApp's refusals; a message sent again
// with its id shows once; a timeout may have delivered.
func TestSendFailures(t *testing.T) {
	ctx := context.Background()
	f := whatsapptest.New()
	to := types.NewJID("120363000000000001", types.GroupServer)
	f.FailNextSends(whatsapptest.ErrRateLimited, whatsapptest.ErrTimelock)
	_, err := f.SendMessage(ctx, to, text("a"), whatsmeow.SendRequestExtra{ID: "ID1"})
	if !errors.Is(err, whatsmeow.ErrIQRateOverLimit) {
		t.Fatalf("first: %v", err)
	}
	if _, err = f.SendMessage(ctx, to, text("a"), whatsmeow.SendRequestExtra{ID: "ID1"}); !errors.Is(err, whatsmeow.ErrServerReturnedError) || err.Error() != "server returned error 463" {
		t.Fatalf("second: %v", err)
	}
	for range 2 {
		if _, err := f.SendMessage(ctx, to, text("a"), whatsmeow.SendRequestExtra{ID: "ID1"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.Sent(to.String()); len(got) != 1 {
		t.Fatalf("a repeated id shows %d times", len(got))
	}
	f.FailSendsTo(to.String(), whatsapptest.ErrNotInGroup)
	if _, err := f.SendMessage(ctx, to, text("b")); !errors.Is(err, whatsmeow.ErrNotInGroup) {
		t.Fatalf("not in group: %v", err)
	}
	f.FailSendsTo(to.String(), nil)
	f.FailSendsRandomly(1, 7)
	delivered := 0
	for i := range 30 {
		_, err := f.SendMessage(ctx, to, text("c"), whatsmeow.SendRequestExtra{ID: types.MessageID(rune('A' + i))})
		if err == nil {
			t.Fatal("a send succeeded at a failure rate of 1")
		}
		if len(f.Sent(to.String())) > 1+delivered {
			delivered++
			if !errors.Is(err, whatsmeow.ErrMessageTimedOut) {
				t.Fatalf("delivered with %v", err)
			}
		}
	}
	if delivered == 0 || delivered == 30 {
		t.Fatalf("%d of 30 failed sends delivered all the same", delivered)
	}
	if attempts, failed := f.SendCounts(); attempts != 35 || failed != 33 {
		t.Fatalf("counts %d/%d", attempts, failed)
	}
}

// A file larger than it declares is served whole unless the writer stops
// it, 32 KiB at a time; the offset is left at the end.
func TestDownloadServesIntoTheFile(t *testing.T) {
	ctx := context.Background()
	f := whatsapptest.New()
	evt := f.LyingDocument("6281@s.whatsapp.net", "6281@s.whatsapp.net", 10, 100_000).(*events.Message)
	doc := evt.Message.GetDocumentMessage()
	if doc.GetFileLength() != 10 {
		t.Fatalf("declares %d", doc.GetFileLength())
	}
	file, err := os.CreateTemp(t.TempDir(), "dl")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if err := f.DownloadToFile(ctx, doc, file); err != nil {
		t.Fatal(err)
	}
	if off, _ := file.Seek(0, io.SeekCurrent); off != 100_000 || f.Served() != 100_000 {
		t.Fatalf("offset %d served %d", off, f.Served())
	}
	f.FailNextDownloads(whatsmeow.ErrMediaDownloadFailedWith404)
	if err := f.DownloadToFile(ctx, doc, file); !errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) {
		t.Fatalf("injected failure: %v", err)
	}
	gone := &waE2E.ImageMessage{DirectPath: proto.String("/v/unknown")}
	if err := f.DownloadToFile(ctx, gone, file); !errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410) {
		t.Fatalf("unknown file: %v", err)
	}
}
