package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/store"
)

// 200 citizens file reports at once; the service is killed without warning
// (SIGKILL) in the middle and started again. Every citizen who got a tracking
// number has a complete report, no report is duplicated, and every citizen
// receives every message, in order (a message may repeat: delivery is
// at-least-once).
func TestCrashMidRunLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test is not short")
	}
	const citizens = 200
	// The global burst is wider than fastTelegram's: with other test
	// binaries loading both cores, the fake's own handlers stall and then
	// take a pile of well-spaced requests at once, which says nothing
	// about lapor's pacing (the pacing tests in bot/ check that exactly).
	fake := telegramtest.New(telegramtest.Options{PerChatRate: 40, PerChatBurst: 3, GlobalRate: 400, GlobalBurst: 150, PerGroupPerMinute: 600})
	t.Cleanup(fake.Close)
	dbURL := pg.NewDatabase(t)
	env := serviceEnv(t, fake, dbURL)
	first := startProcess(t, env)

	photos := map[int64][]byte{}
	var wg sync.WaitGroup
	ids := make([]string, citizens)
	errs := make([]error, citizens)
	people := make([]*citizen, citizens)
	var done atomic.Int32
	for i := 0; i < citizens; i++ {
		chat := int64(700000 + i)
		var photo []byte
		if i%4 == 0 { // every fourth citizen sends evidence
			photo = bytes.Repeat([]byte{byte(i)}, 20<<10+i)
			photos[chat] = photo
		}
		people[i] = newCitizen(fake, chat)
		people[i].wait = 90 * time.Second
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = people[i].fileReport(photo)
			done.Add(1)
		}()
	}

	// Kill the service when a good part of the conversations is under way.
	deadline := time.Now().Add(60 * time.Second)
	for fake.Stats().Delivered < citizens*4 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	delivered, limitedBefore := fake.Stats().Delivered, fake.Stats().RateLimited
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	t.Logf("killed after %d messages delivered, %d citizens finished", delivered, done.Load())
	if done.Load() == citizens {
		t.Fatal("every citizen had finished before the kill: the test proves nothing")
	}
	startProcess(t, env)
	wg.Wait()

	want := []string{"Selamat datang", "Jenis laporan", "Uraian", "Dicatat", "Kapan", "Di mana", "pilih kecamatan lain", "Bukti",
		"Bukti ke-1", "Sembunyikan", "nama Anda", "telepon atau alamat e-mail", "Rahasiakan", "Ringkasan", "Nomor laporan"}
	db, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	finished := 0
	for i, c := range people {
		if errs[i] != nil {
			t.Errorf("citizen %d: %v", c.chat, errs[i])
			continue
		}
		finished++
		// Every message, in order; repeats only back to back.
		var got []string
		for _, s := range fake.Sent(c.chat) {
			if n := len(got); n == 0 || got[n-1] != s.Text+s.Caption {
				got = append(got, s.Text+s.Caption)
			}
		}
		exp := want
		if photos[c.chat] == nil {
			exp = append(append([]string{}, want[:8]...), want[9:]...)
		}
		if len(got) != len(exp) {
			t.Errorf("citizen %d got %d distinct messages, want %d: %q", c.chat, len(got), len(exp), got)
			continue
		}
		for k := range exp {
			if !strings.Contains(got[k], exp[k]) {
				t.Errorf("citizen %d message %d = %q, want %q", c.chat, k, got[k], exp[k])
				break
			}
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			reports, err := tx.ReportsByChat(ctx, "telegram", fmt.Sprint(c.chat), 10)
			if err != nil {
				return err
			}
			if len(reports) != 1 || reports[0].TrackingID != ids[i] {
				t.Errorf("citizen %d: %d reports (want 1, %s)", c.chat, len(reports), ids[i])
				return nil
			}
			r := reports[0]
			if r.Type != "pengaduan" || !strings.Contains(r.Description, fmt.Sprintf("Warga %d:", c.chat)) ||
				r.OccurredOn.IsZero() || r.Latitude == nil || r.KecamatanCode == "" || !r.Confidential || r.StageDeadline.IsZero() {
				t.Errorf("citizen %d: incomplete report %+v", c.chat, r)
			}
			atts, err := tx.Attachments(ctx, r.ID)
			if err != nil {
				return err
			}
			if photo := photos[c.chat]; photo != nil {
				if len(atts) != 1 {
					t.Errorf("citizen %d: evidence lost (%d attachments)", c.chat, len(atts))
				} else if data, err := tx.ReadBlob(ctx, atts[0].BlobID); err != nil || !bytes.Equal(data, photo) {
					t.Errorf("citizen %d: evidence changed (%v)", c.chat, err)
				}
			}
			if photos[c.chat] == nil && len(atts) != 0 {
				t.Errorf("citizen %d: %d attachments, want none", c.chat, len(atts))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if finished != citizens {
		t.Errorf("%d of %d citizens finished", finished, citizens)
	}
	s := fake.Stats()
	t.Logf("delivered %d messages (%d after the restart); rate limited %d before the kill, %d after",
		s.Delivered, s.Delivered-delivered, limitedBefore, s.RateLimited-limitedBefore)
	// A restarted process cannot know what its killed predecessor sent in
	// the last second, so a few 429s right after the restart are expected
	// (and honoured); before the kill there must be none.
	if limitedBefore != 0 {
		t.Errorf("%d sends were rate limited before the kill: pacing is wrong", limitedBefore)
	}
}
