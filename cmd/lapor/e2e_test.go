package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/store"
)

// The whole intake through a Bot API that behaves like Telegram: the stored
// report has every field and the attachment is byte-for-byte what was sent.
func TestTelegramTranscriptFilesACompleteReport(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	dbURL := pg.NewDatabase(t)
	env := serviceEnv(t, fake, dbURL)
	startInProcess(t, env)

	photo := make([]byte, 300<<10)
	rand.Read(photo)
	c := newCitizen(fake, 5001)
	id, err := c.fileReport(photo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.say("/status "+id, "Status: Belum Terverifikasi"); err != nil {
		t.Fatal(err)
	}

	db, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.InTx(context.Background(), func(tx *store.Tx) error {
		r, err := tx.ReportByTrackingID(context.Background(), id)
		if err != nil {
			return err
		}
		if r.Type != "pengaduan" || !strings.Contains(r.Description, "saluran air") || !strings.Contains(r.Description, "foto saluran") ||
			r.OccurredOn.Format("2006-01-02") != "2026-11-25" || r.Latitude == nil || *r.Latitude != -7.6634 ||
			r.KecamatanCode != "35.20.06" || r.Anonymous || !r.Confidential || r.Channel != "telegram" || r.ChatID != "5001" ||
			r.ReporterUserID != "5001" || r.Stage != "submitted" || r.StageDeadline.IsZero() {
			t.Errorf("report = %+v", r)
		}
		atts, err := tx.Attachments(context.Background(), r.ID)
		if err != nil {
			return err
		}
		if len(atts) != 1 || atts[0].Kind != "photo" {
			t.Fatalf("attachment lost or changed: %d attachments", len(atts))
		}
		if data, err := tx.ReadBlob(context.Background(), atts[0].BlobID); err != nil || !bytes.Equal(data, photo) {
			t.Errorf("attachment changed: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := fake.Stats(); s.RateLimited != 0 {
		t.Errorf("%d responses were 429: pacing is wrong", s.RateLimited)
	}

	// Health and readiness on the configured address.
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + env["LAPOR_HTTP_ADDR"] + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

// Every kind of unwelcome input gets a clear answer; nothing already stored
// changes, and the service keeps serving.
func TestTelegramBadInput(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	dbURL := pg.NewDatabase(t)
	logs, _ := startInProcess(t, serviceEnv(t, fake, dbURL))
	c := newCitizen(fake, 5002)
	var groupUpdate int
	steps := []struct {
		act  func()
		want string
	}{
		{func() { fake.SendText(c.chat, c.chat, "/start") }, "Selamat datang"},
		{func() { fake.SendSticker(c.chat, c.chat, "😀") }, "stiker tidak dapat kami proses"},
		{func() { fake.SendPoll(c.chat, c.chat, "Setuju?", "ya", "tidak") }, "polling tidak dapat"},
		{func() { fake.SendContact(c.chat, c.chat, "+628123456789") }, "kartu kontak"},
		{func() { fake.EditText(c.chat, c.chat, 1, "/start lagi") }, "Perubahan pada pesan"},
		{func() { fake.SendText(c.chat, c.chat, "/rahasia_admin") }, "tidak dikenal"},
	}
	for _, s := range steps {
		s.act()
		if _, err := c.expect(s.want); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.press("menu:new", "Jenis laporan"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.press("type:pengaduan", "Uraian"); err != nil {
		t.Fatal(err)
	}
	more := []struct {
		act  func()
		want string
	}{
		{func() { fake.SendText(c.chat, c.chat, "\u200b\u200c\u2060") }, "tidak berisi teks"},
		{func() { fake.SendText(c.chat, c.chat, strings.Repeat("Panjang sekali. ", 625)) }, "Dicatat (9999"},
		{func() {
			fake.SendText(c.chat, c.chat, "Emoji 😡 dan teks kanan-ke-kiri مرحبا \u202eterbalik\u202c")
		}, "Dicatat"},
		{func() { fake.SendLargeDocument(c.chat, c.chat, "rekaman.mp4", "video/mp4", 25<<20) }, "terlalu besar"},
		{func() {
			fake.SendDocument(c.chat, c.chat, "surat.pdf.exe", "application/x-msdownload", []byte("MZ\x90\x00program"), "")
		}, "tidak dapat kami terima"},
		{func() {
			fake.SendDocument(c.chat, c.chat, "surat.pdf", "application/pdf", []byte("MZ\x90\x00program"), "")
		}, "Windows program"},
		// Unknown group: no reply. (In privacy mode a group's plain text never
		// reaches the bot; a command does.)
		{func() { groupUpdate, _ = fake.SendText(-100777, 42, "/antrian") }, ""},
		{func() { fake.SendText(c.chat, c.chat, "masih bisa lanjut") }, "Dicatat"},
	}
	for _, s := range more {
		s.act()
		if s.want == "" {
			continue
		}
		if _, err := c.expect(s.want); err != nil {
			t.Fatal(err)
		}
	}
	if got := fake.Sent(-100777); len(got) != 0 {
		t.Errorf("the bot spoke in an unknown group: %+v", got)
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("a panic was logged:\n%s", logs)
	}
	db, _ := store.Open(context.Background(), dbURL, nil)
	defer db.Close()
	// The group's message is handled by another worker: give it a moment.
	if err := eventually(func() bool { n, _ := db.PendingInbound(context.Background()); return n == 0 },
		"inbound messages left unhandled"); err != nil {
		t.Error(err)
	}
	if outcome, err := db.InboundOutcome(context.Background(), "telegram", fmt.Sprint(groupUpdate)); err != nil || outcome != "refused: unknown group" {
		t.Errorf("group message outcome %q (%v), want a recorded refusal", outcome, err)
	}
}

// Telegram hands out again updates whose confirmation was lost (the bot
// restarted before its next getUpdates). Receiving them twice changes
// nothing: no second report, no second reply, the same conversation.
func TestRedeliveredUpdatesChangeNothing(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	dbURL := pg.NewDatabase(t)
	env := serviceEnv(t, fake, dbURL)
	_, stop := startInProcess(t, env)
	c := newCitizen(fake, 5003)
	id, err := c.fileReport([]byte("foto bukti"))
	if err != nil {
		t.Fatal(err)
	}
	lastUpdate, _ := fake.SendText(c.chat, c.chat, "/laporan")
	if _, err := c.expect(id); err != nil {
		t.Fatal(err)
	}
	stop()

	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	snapshot := func() string {
		var s string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			reports, err := tx.ReportsByChat(ctx, "telegram", "5003", 10)
			if err != nil {
				return err
			}
			conv, err := tx.LoadConversation(ctx, "telegram", "5003")
			if err != nil {
				return err
			}
			var atts int
			for _, r := range reports {
				a, err := tx.Attachments(ctx, r.ID)
				if err != nil {
					return err
				}
				atts += len(a)
			}
			s = fmt.Sprintf("reports=%d attachments=%d step=%s draft=%s updated=%s", len(reports), atts, conv.Step, conv.Draft, conv.UpdatedAt)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before, sentBefore := snapshot(), len(fake.Sent(c.chat))
	redelivered := 0
	for u := 10000; u <= lastUpdate; u++ {
		if fake.Redeliver(u) {
			redelivered++
		}
	}
	if redelivered < 10 {
		t.Fatalf("only %d updates redelivered", redelivered)
	}
	startInProcess(t, env)
	deadline := time.Now().Add(15 * time.Second)
	for fake.Pending() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d updates never confirmed", fake.Pending())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Anything the redelivery could have caused would be sent by now.
	time.Sleep(500 * time.Millisecond)
	if after := snapshot(); after != before {
		t.Errorf("state changed:\nbefore %s\nafter  %s", before, after)
	}
	if n := len(fake.Sent(c.chat)); n != sentBefore {
		t.Errorf("%d new messages after the redelivery, want none: %+v", n-sentBefore, fake.Sent(c.chat)[sentBefore:])
	}
	if !strings.Contains(before, "reports=1 attachments=1 step=idle") {
		t.Errorf("unexpected state %s", before)
	}
}

// The bot token is part of every Bot API URL, and net/http quotes URLs in
// its errors: none of that may reach a log line.
func TestTokenNeverLogged(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	var calls atomic.Int32
	fake.SetFault(func(method string) telegramtest.Fault {
		switch calls.Add(1) % 4 {
		case 0:
			return telegramtest.FaultReset
		case 1:
			return telegramtest.FaultServerError
		}
		return telegramtest.FaultNone
	})
	env := serviceEnv(t, fake, pg.NewDatabase(t))
	env["LAPOR_LOG_LEVEL"] = "debug"
	logs, stop := startInProcess(t, env)
	c := newCitizen(fake, 5004)
	if _, err := c.say("/start", "Selamat datang"); err != nil {
		t.Fatal(err)
	}
	stop()
	out := logs.String()
	if !strings.Contains(out, "request failed") && !strings.Contains(out, "not the Bot API") {
		t.Fatalf("no transport error was logged; the test proves nothing:\n%s", out)
	}
	token := fake.Token()
	for _, secret := range []string{token, token[strings.Index(token, ":")+1:]} {
		if strings.Contains(out, secret) {
			t.Fatalf("the log contains the token:\n%s", out)
		}
	}
}

// Every kind of evidence Telegram carries is kept with its bytes.
func TestTelegramEvidenceKinds(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	dbURL := pg.NewDatabase(t)
	startInProcess(t, serviceEnv(t, fake, dbURL))
	c := newCitizen(fake, 5005)
	if err := c.toDescription("aspirasi"); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"video": []byte("video bytes"), "voice": []byte("OggS voice"), "audio": []byte("ID3 audio"), "document": []byte("%PDF-1.7 surat")}
	fake.SendVideo(c.chat, c.chat, files["video"], "")
	fake.SendVoice(c.chat, c.chat, files["voice"], "")
	fake.SendAudio(c.chat, c.chat, files["audio"], "")
	fake.SendDocument(c.chat, c.chat, "surat.pdf", "application/pdf", files["document"], "")
	for i := 1; i <= 4; i++ {
		if _, err := c.expect(fmt.Sprintf("Bukti ke-%d diterima", i)); err != nil {
			t.Fatal(err)
		}
	}
	db, _ := store.Open(context.Background(), dbURL, nil)
	defer db.Close()
	got := map[string]string{}
	_ = db.InTx(context.Background(), func(tx *store.Tx) error {
		conv, err := tx.LoadConversation(context.Background(), "telegram", "5005")
		if err != nil {
			return err
		}
		var d struct{ Attachments []struct{ ID int64 } }
		_ = json.Unmarshal(conv.Draft, &d)
		for _, a := range d.Attachments {
			att, err := db.Attachment(context.Background(), a.ID)
			if err != nil {
				return err
			}
			data, err := tx.ReadBlob(context.Background(), att.BlobID)
			if err != nil {
				return err
			}
			got[att.Kind] = string(data)
		}
		return nil
	})
	for kind, data := range files {
		if got[kind] != string(data) {
			t.Errorf("%s: stored %q, want %q", kind, got[kind], data)
		}
	}
}

// Downloads never take every worker: with three workers, three citizens'
// photos whose downloads hang hold one worker, and a fourth citizen is
// answered meanwhile. The photos waiting for a download are all kept once
// the network answers again (that their waits count no failed attempt is
// TestBusyDownloadWaitsWithoutFailing in flows).
func TestHeldDownloadsLeaveWorkersForOthers(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	env := serviceEnv(t, fake, pg.NewDatabase(t))
	env["LAPOR_WORKERS"] = "3"
	startInProcess(t, env)
	var senders []*citizen
	for _, chat := range []int64{5101, 5102, 5103} {
		c := newCitizen(fake, chat)
		if err := c.toDescription("pengaduan"); err != nil {
			t.Fatal(err)
		}
		senders = append(senders, c)
	}
	// The network holds every getFile until released.
	release := make(chan struct{})
	var held atomic.Int32
	fake.SetFault(func(method string) telegramtest.Fault {
		if method == "getFile" {
			held.Add(1)
			<-release
		}
		return telegramtest.FaultNone
	})
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	for _, c := range senders {
		fake.SendPhoto(c.chat, c.chat, jpegWithGPS(t), "foto")
	}
	if err := eventually(func() bool { return held.Load() >= 1 }, "no download started"); err != nil {
		t.Fatal(err)
	}
	// Another citizen is served while the download is held, and over 3 s
	// of holding the held download stays the only one.
	other := newCitizen(fake, 5104)
	if _, err := other.say("/start", "Selamat datang"); err != nil {
		t.Fatalf("a citizen without a file waited for the held downloads: %v", err)
	}
	time.Sleep(3 * time.Second)
	if n := held.Load(); n != 1 {
		t.Fatalf("%d downloads under way with three workers; want 1 (two workers kept for other messages)", n)
	}
	close(release)
	released = true
	fake.SetFault(nil)
	for _, c := range senders {
		if _, err := c.expect("Bukti ke-1 diterima"); err != nil {
			t.Fatal(err)
		}
	}
}
