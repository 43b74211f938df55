package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

// A desk's web room opens on its queue: the first thing the officer sees
// after signing in lists the desk's open reports, nearest deadline first,
// the overdue marked. /laporan in the room shows a report's card with the
// buttons the desk may use now, and they work.
func TestWebRoomOpensOnTheQueue(t *testing.T) {
	t.Parallel()
	dbURL := pg.NewDatabase(t)
	env := webEnv(t, dbURL)
	startInProcess(t, env)
	cz := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	first := fileWebReport(t, cz, jpegWithGPS(t))
	second := fileWebReport(t, cz, jpegWithGPS(t))

	// The second report's deadline passed three days ago.
	db, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByTrackingID(ctx, second)
		if err != nil {
			return err
		}
		r.StageDeadline = time.Now().AddDate(0, 0, -3)
		return tx.UpdateReport(ctx, &r)
	}); err != nil {
		t.Fatal(err)
	}

	super := officer(t, env, "--desk", "super_admin", "--name", "Sari")
	queue := super.expect("Antrean")
	super.mu.Lock()
	firstBot := ""
	for _, m := range super.got {
		if m.From == "bot" {
			firstBot = m.Text
			break
		}
	}
	super.mu.Unlock()
	if firstBot != queue.Text {
		t.Fatalf("the room's first message is not the queue: %q", firstBot)
	}
	i1, i2 := strings.Index(queue.Text, first), strings.Index(queue.Text, second)
	if !strings.Contains(queue.Text, "2 laporan terbuka") || i1 < 0 || i2 < 0 || i2 > i1 {
		t.Fatalf("the queue is not the desk's reports by deadline:\n%s", queue.Text)
	}
	if !strings.Contains(queue.Text, "🔴 "+second) || !strings.Contains(queue.Text, "terlambat") || strings.Contains(queue.Text, "🔴 "+first) {
		t.Fatalf("the overdue report is not marked (or the other is):\n%s", queue.Text)
	}

	// Opening the page again (a reload, the next morning) shows the queue
	// above the room.
	status, body := super.post("/api/session", nil)
	var session struct{ Room, Queue string }
	if err := json.Unmarshal([]byte(body), &session); status != 200 || err != nil {
		t.Fatalf("session: %d %s", status, body)
	}
	if session.Room == "" || !strings.HasPrefix(session.Queue, "📋") || !strings.Contains(session.Queue, "🔴 "+second) ||
		strings.Index(session.Queue, second) > strings.Index(session.Queue, first) {
		t.Fatalf("the opened room's queue: %q", session.Queue)
	}
	if status, body := cz.post("/api/session", nil); status != 200 || strings.Contains(body, "queue") {
		t.Fatalf("a citizen's session shows a queue: %d %s", status, body)
	}

	card := super.say("/laporan "+first, "Riwayat laporan")
	labels := map[string]bool{}
	for _, row := range card.Buttons {
		for _, b := range row {
			labels[b.Label] = true
		}
	}
	if !strings.Contains(card.Text, first) || !labels["✅ Verifikasi"] {
		t.Fatalf("/laporan shows no card with the super admin's buttons: %q %v", card.Text, labels)
	}
	super.pressLabel("✅ Verifikasi", "✅ "+first)
	cz.expect("sudah diverifikasi")

	// The regency desk's room opens on the verified report.
	regency := officer(t, env, "--desk", "regency_admin", "--name", "Budi")
	if q := regency.expect("Antrean"); !strings.Contains(q.Text, first) || strings.Contains(q.Text, second) {
		t.Fatalf("the regency desk's queue:\n%s", q.Text)
	}
	// A report the regency does not hold: its card without buttons.
	if c := regency.say("/laporan "+second, "Riwayat laporan"); !strings.Contains(c.Text, second) || len(c.Buttons) != 0 {
		t.Fatalf("the regency desk's card of a report it does not hold: %q %+v", c.Text, c.Buttons)
	}
}
