package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgserver"
)

// The two operations drills of docs/OPERATIONS.md, run as an operator
// would run them, with PostgreSQL's own tools (pg_dump and pg_restore;
// pg_basebackup, streaming replication and promotion) and a multi-host
// LAPOR_DATABASE_URL. `make drills` runs them verbosely; they also run in
// the normal suite.

// drillDir is a folder the unprivileged PostgreSQL user can enter (a
// test's TempDir is private to root when the tests run as root).
func drillDir(t *testing.T) string {
	t.Helper()
	base := ""
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "lapor-drill-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// pgTool runs one of PostgreSQL's client programs.
func pgTool(t *testing.T, name string, args ...string) {
	t.Helper()
	bin, err := pgserver.FindBinaries("")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(bin, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// fileConcurrently has n citizens (chats from, from+1, …) file a report
// each at the same time and returns their report numbers.
func fileConcurrently(t *testing.T, fake *telegramtest.Server, from int64, n int, wait time.Duration) []string {
	t.Helper()
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cz := newCitizen(fake, from+int64(i))
			cz.wait = wait
			ids[i], errs[i] = cz.fileReport(nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("citizen %d: %v", from+int64(i), err)
		}
	}
	return ids
}

// reportRows is what a person would compare after a restore: every
// report's number, stage, agency and description, and how many history
// lines and files it has.
func reportRows(t *testing.T, url string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		SELECT r.tracking_id || '|' || r.stage || '|' || coalesce(r.agency_code, '') || '|' || r.description || '|' ||
		       (SELECT count(*) FROM report_events e WHERE e.report_id = r.id) || '|' ||
		       (SELECT count(*) FROM attachments a WHERE a.report_id = r.id)
		FROM reports r ORDER BY r.tracking_id`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A running instance with reports in every stage and replies waiting to be
// delivered is dumped with pg_dump -Fc, restored with pg_restore into a
// fresh cluster, and a new lapor serve on it shows the same reports and
// delivers every waiting reply exactly once.
func TestRestoreDrill(t *testing.T) {
	ctx := context.Background()
	fake := fastTelegram(t)
	dbURL := pg.NewDatabase(t)
	env := serviceEnv(t, fake, dbURL)
	_, stop := startInProcess(t, env)

	// Reports through the bot, and one in every stage of the chain.
	ids := fileConcurrently(t, fake, 830000, 4, 20*time.Second)
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, st := range flows.Stages {
		r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan",
			Description: fmt.Sprintf("Laporan di tahap %s", st), KecamatanCode: "35.20.06", Confidential: true,
			Channel: "telegram", ChatID: fmt.Sprint(831000 + i), Lang: "id", Stage: string(st),
			ResponsibleUnit: "x", StageStartedAt: now, SubmittedAt: now}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateReport(ctx, &r); err != nil {
				return err
			}
			if st != flows.StageSubmitted && st != flows.StageAtRegency {
				r.AgencyCode = "pupr"
			}
			return tx.UpdateReport(ctx, &r)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	// Telegram stops accepting messages: the replies to these citizens wait
	// in the outbox when the instance stops.
	fake.SetFault(func(method string) telegramtest.Fault {
		if strings.HasPrefix(method, "send") || strings.HasPrefix(method, "edit") {
			return telegramtest.FaultReset
		}
		return telegramtest.FaultNone
	})
	waiting := []int64{832001, 832002, 832003}
	for _, chat := range waiting {
		fake.SendText(chat, chat, "/start")
	}
	pending := func(url string) map[string]int {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, `SELECT chat_id, count(*)::int FROM outbox
			WHERE sent_at IS NULL AND failed_at IS NULL AND channel = 'telegram' GROUP BY chat_id`)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for rows.Next() {
			var chat string
			var n int
			if err := rows.Scan(&chat, &n); err != nil {
				t.Fatal(err)
			}
			out[chat] = n
		}
		return out
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		p := pending(dbURL)
		if p["832001"] > 0 && p["832002"] > 0 && p["832003"] > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the welcome replies never reached the outbox: %v", p)
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	before := reportRows(t, dbURL)
	queued := pending(dbURL)

	// The nightly dump, and a restore into a fresh cluster on another "host".
	dump := filepath.Join(drillDir(t), "lapor.dump")
	pgTool(t, "pg_dump", "-Fc", "-f", dump, "-d", dbURL)
	srv, err := pgserver.Start(ctx, pgserver.Options{Dir: filepath.Join(drillDir(t), "restored"), Throwaway: true, DieWithParent: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	pgTool(t, "createdb", "--maintenance-db="+srv.URL("postgres"), "lapor")
	pgTool(t, "pg_restore", "--no-owner", "--exit-on-error", "--exclude-schema=whatsmeow", "-d", srv.URL("lapor"), dump)
	restored := srv.URL("lapor")
	if after := reportRows(t, restored); !reflect.DeepEqual(before, after) {
		t.Fatalf("the restored database differs:\nbefore %q\nafter  %q", before, after)
	}
	if len(before) != len(ids)+len(flows.Stages) {
		t.Fatalf("%d reports before the dump, want %d", len(before), len(ids)+len(flows.Stages))
	}

	// A new lapor on the restored database, with Telegram back.
	fake.SetFault(nil)
	env2 := serviceEnv(t, fake, restored)
	_, stop2 := startInProcess(t, env2)
	defer stop2()
	deadline = time.Now().Add(30 * time.Second)
	for len(pending(restored)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("replies still waiting after the restore: %v", pending(restored))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, chat := range waiting {
		got := fake.Sent(chat)
		if len(got) != queued[fmt.Sprint(chat)] {
			t.Errorf("chat %d: %d messages delivered after the restore, %d were waiting", chat, len(got), queued[fmt.Sprint(chat)])
		}
		if len(got) == 0 || !strings.Contains(got[0].Text, "Selamat datang") {
			t.Errorf("chat %d: the waiting welcome was not delivered: %+v", chat, got)
		}
	}
	// The restored instance serves the reports: a citizen's /status finds
	// the report they filed before the dump.
	cz := newCitizen(fake, 830000)
	cz.seen = len(fake.Sent(830000))
	if _, err := cz.say("/status "+ids[0], ids[0]); err != nil {
		t.Fatal(err)
	}
}

// A primary and a streaming standby (synchronous, as docs/OPERATIONS.md
// sets it up); lapor connects with a multi-host URL and
// target_session_attrs=read-write. Mid-load the primary crashes and the
// standby is promoted: lapor reconnects by itself, every citizen who was
// filing gets their report number, and nothing is lost or handled twice.
func TestFailoverToStandby(t *testing.T) {
	ctx := context.Background()
	dir := drillDir(t)
	primary, err := pgserver.Start(ctx, pgserver.Options{Dir: filepath.Join(dir, "a"), DieWithParent: true,
		Settings: []string{"fsync=off", "shared_buffers=32MB"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.Stop() })
	pgTool(t, "createdb", "--maintenance-db="+primary.URL("postgres"), "lapor")
	if _, err := store.MigrateURL(ctx, primary.URL("lapor")); err != nil {
		t.Fatal(err)
	}
	standby, err := primary.StartStandby(ctx, pgserver.Options{Dir: filepath.Join(dir, "b"), DieWithParent: true,
		Settings: []string{"fsync=off", "shared_buffers=32MB"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { standby.Stop() })
	// Synchronous replication: a commit is acknowledged once the standby
	// has it, so what a citizen was told survives the primary.
	admin, err := pgx.Connect(ctx, primary.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ALTER SYSTEM SET synchronous_standby_names = '*'", "SELECT pg_reload_conf()"} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the standby never became synchronous")
		}
		time.Sleep(50 * time.Millisecond)
	}
	admin.Close(ctx)

	url := fmt.Sprintf("postgres://postgres@/lapor?host=%s,%s&sslmode=disable&target_session_attrs=read-write",
		primary.Socket(), standby.Socket())
	fake := fastTelegram(t)
	logs, stop := startInProcess(t, serviceEnv(t, fake, url))
	defer stop()

	const before, during, after = 8, 12, 4
	ids := fileConcurrently(t, fake, 840000, before, 30*time.Second)
	// The second group is mid-conversation when the primary goes.
	var mid []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		mid = fileConcurrently(t, fake, 841000, during, 90*time.Second)
	}()
	// The crash comes when the group is a quarter through its intake (about
	// 14 bot messages each), however fast the machine is.
	for progress := 0; progress < during*14/4; {
		time.Sleep(5 * time.Millisecond)
		progress = 0
		for chat := int64(841000); chat < 841000+during; chat++ {
			progress += len(fake.Sent(chat))
		}
	}
	primary.Crash()
	select {
	case <-done:
		t.Fatal("the second group finished before the crash: nothing was tested mid-way")
	default:
	}
	time.Sleep(time.Second) // the outage an operator's failover tool takes to decide
	if err := standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	<-done
	ids = append(ids, mid...)
	ids = append(ids, fileConcurrently(t, fake, 842000, after, 30*time.Second)...)

	db, err := store.Open(ctx, standby.URL("lapor"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline = time.Now().Add(30 * time.Second)
	var tally store.Tally
	for {
		if tally, err = db.Tally(ctx); err != nil {
			t.Fatal(err)
		}
		if tally.OutboxPending == 0 && tally.InboxPending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the failover, work still waiting: %+v", tally)
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := before + during + after
	if tally.Reports != want || tally.ChatsWithSeveralReports != 0 || tally.RepliesRepeated != 0 ||
		tally.InboxFailed != 0 || tally.OutboxFailed != 0 {
		t.Fatalf("after the failover: %+v, want %d reports, none doubled or failed", tally, want)
	}
	got := map[string]bool{}
	for _, row := range reportRows(t, standby.URL("lapor")) {
		got[strings.SplitN(row, "|", 2)[0]] = true
	}
	for _, id := range ids {
		if !got[id] {
			t.Errorf("report %s was acknowledged to its citizen but is not in the promoted database", id)
		}
	}
	// Telegram may see a message twice: a delivery is marked done in a
	// commit that does not wait for the disk or the standby (store.Open's
	// marks pool), so the marks of the last moment before the crash are
	// gone and those messages go out again. Only chats that were mid-way
	// at the crash may see it, each at most a couple of times; nobody
	// before or after.
	sent, repeated := 0, 0
	for chat := int64(840000); chat < 843000; chat++ {
		msgs := fake.Sent(chat)
		sent += len(msgs)
		for i := 1; i < len(msgs); i++ {
			if msgs[i].Text == msgs[i-1].Text && msgs[i].Text != "" {
				repeated++
				if chat < 841000 || chat >= 842000 {
					t.Errorf("chat %d, not mid-way at the crash, got %q twice", chat, msgs[i].Text)
				}
			}
		}
	}
	if os.Getenv("LAPOR_DRILL_LOG") != "" {
		t.Log(logs.String())
	}
	t.Logf("failover: %d reports, %d messages to citizens, %d repeated deliveries; lapor logged %d warnings or errors while the database was away",
		want, sent, repeated, strings.Count(logs.String(), "level=WARN")+strings.Count(logs.String(), "level=ERROR"))
	if repeated > 2*during {
		t.Errorf("%d messages delivered twice; at most %d (two per chat mid-way at the crash) expected", repeated, 2*during)
	}
}
