package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Two replicas on one database: a page's event stream is held by one, the
// citizen's messages go to the other (a load balancer without stickiness).
// Every line reaches the stream: the replica that wrote it announces it
// through PostgreSQL's notifications, and streams do not poll.
func TestWebStreamOnOneReplicaSeesLinesWrittenByAnother(t *testing.T) {
	t.Parallel()
	dbURL := pg.NewDatabase(t)
	envA, envB := webEnv(t, dbURL), webEnv(t, dbURL)
	startInProcess(t, envA)
	startInProcess(t, envB)
	if err := eventually(func() bool {
		resp, err := http.Get("http://" + envB["LAPOR_HTTP_ADDR"] + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, "replica B never answered"); err != nil {
		t.Fatal(err)
	}
	onA := newBrowser(t, envA["LAPOR_HTTP_ADDR"], nil) // session and stream on A
	onB := &browser{t: t, base: "http://" + envB["LAPOR_HTTP_ADDR"], client: onA.client, csrf: onA.csrf}
	for i, step := range []struct{ text, want string }{
		{"/start", "Selamat datang"},
		{"/start", "Selamat datang"},
		{"/start", "Selamat datang"},
	} {
		start := time.Now()
		if code, body := onB.post("/api/messages", map[string]string{"text": step.text}); code != http.StatusAccepted && code != http.StatusOK {
			t.Fatalf("step %d: %d %s", i, code, body)
		}
		onA.expect(step.want)
		t.Logf("step %d: the reply written on either replica reached the stream on A in %v", i, time.Since(start).Round(time.Millisecond))
	}
}

// Open event streams that nobody writes to cost the database nothing:
// transactions per second with 150 idle streams open are those of the
// service with none (before, each stream read its chat every 2 s: 75
// transactions per second more).
func TestIdleWebStreamsCostNoQueries(t *testing.T) {
	t.Parallel()
	dbURL := pg.NewDatabase(t)
	env := webEnv(t, dbURL)
	startInProcess(t, env)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	u, _ := url.Parse(dbURL)
	dbName := strings.TrimPrefix(u.Path, "/")
	// PostgreSQL publishes a backend's counts at most once a second and,
	// for an idle backend, within about ten: windows of 12 s with a settled
	// start measure the rate within a few transactions.
	commits := func() int64 {
		var n int64
		if _, err := conn.Exec(ctx, "SELECT pg_stat_clear_snapshot()"); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1", dbName).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	window := func() int64 {
		time.Sleep(11 * time.Second)
		a := commits()
		time.Sleep(12 * time.Second)
		return commits() - a - 2 // this test's own two reads
	}
	_ = newBrowser(t, env["LAPOR_HTTP_ADDR"], nil) // the service is up
	base := window()

	const streams = 150
	for i := range streams {
		// Ten sessions per address, as many pages behind one school's NAT
		// would be, within the per-address limits.
		newBrowserWith(t, "http://"+env["LAPOR_HTTP_ADDR"], clientFrom(fmt.Sprintf("127.0.%d.%d", 40+i/10/250, 1+(i/10)%250)))
		if i%50 == 49 {
			t.Logf("%d streams open", i+1)
		}
	}
	withStreams := window()
	t.Logf("transactions in 12 s: %d with no stream, %d with %d idle streams", base, withStreams, streams)
	if extra := withStreams - base; extra > 30 {
		t.Fatalf("%d idle streams cost %d transactions in 12 s (%s per second); they should cost none",
			streams, extra, fmt.Sprintf("%.1f", float64(extra)/12))
	}
}
