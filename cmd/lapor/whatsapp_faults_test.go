//go:build !nowhatsapp

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// The WhatsApp fault run (make faults): replicas are child processes of
// this test binary (LAPOR_TEST_AS_MAIN=1), so one can die for real
// (SIGKILL), and they all talk to ONE WhatsApp, a whatsapptest.Server in
// this process, as real replicas talk to WhatsApp's servers. The server
// keeps every message until the connected device acknowledged it and
// delivers it again on the next connection, as WhatsApp does.

func init() { asMain = whatsappFakeMain }

// whatsappFakeMain is lapor serve with WhatsApp, when the test binary is
// run as lapor with LAPOR_TEST_WHATSAPP_SERVER set: the WhatsApp source
// is wired exactly as in production (supervisedWhatsApp: the session
// lock, the supervisor, the stand-by rules) except that its device store
// and connections are the test server's instead of whatsmeow's. The
// supervisor's pauses are scaled down (1 s to 8 s instead of 5 s to 10
// min) to keep the run short; what happens in them is the same.
func whatsappFakeMain() (int, bool) {
	url := os.Getenv("LAPOR_TEST_WHATSAPP_SERVER")
	if url == "" {
		return 0, false
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lapor:", err)
		return 2, true
	}
	log := newLogger(cfg, os.Stderr)
	wa := whatsapptest.Dial(url)
	factory := func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		return supervisedWhatsApp(cfg, log, db, svc, inbox, wa, whatsapp.SupervisorOptions{Open: wa.Open,
			MinBackoff: time.Second, MaxBackoff: 8 * time.Second, LinkPoll: time.Second, Check: time.Second}), nil
	}
	if err := serveWith(ctx, cfg, log, []sourceFactory{factory, webchatSource(cfg, log)}, nil); err != nil {
		fmt.Fprintln(os.Stderr, "lapor:", err)
		return 1, true
	}
	return 0, true
}

// waLoadCitizen files a report over the WhatsApp server. Its messages are
// posted to WhatsApp, which delivers them when it can; it reads its one
// chat, whatever address the bot used, each message once by id.
type waLoadCitizen struct {
	srv    *whatsapptest.Server
	fake   *whatsapptest.Fake
	number string
	wait   time.Duration
	seen   map[string]bool
	got    []string // texts read, in order
	posted []string // ids of the messages it sent
}

func (c *waLoadCitizen) post(evt any) {
	c.posted = append(c.posted, evt.(*events.Message).Info.ID)
	c.srv.Post(evt)
}

func (c *waLoadCitizen) say(text, want string) (string, error) {
	c.post(c.fake.TextFrom(c.number, text))
	return c.expect(want)
}

// expect waits for a message not read yet that contains want.
func (c *waLoadCitizen) expect(want string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.wait)
	defer cancel()
	n := 0
	for {
		sent, err := c.fake.WaitSentTo(ctx, c.number, n+1)
		if err != nil {
			return "", fmt.Errorf("whatsapp %s: waiting for %q: %w; last read %q", c.number, want, err, c.tail())
		}
		n = len(sent)
		for _, s := range sent {
			if c.seen[s.ID] {
				continue
			}
			c.seen[s.ID] = true
			c.got = append(c.got, s.Text)
			if strings.Contains(s.Text, want) {
				return s.Text, nil
			}
		}
	}
}

func (c *waLoadCitizen) tail() []string {
	if len(c.got) > 3 {
		return c.got[len(c.got)-3:]
	}
	return c.got
}

// press answers the newest numbered menu with the labelled choice.
func (c *waLoadCitizen) press(label, want string) (string, error) {
	line := regexp.MustCompile(`(?m)^(\d+)\. ` + regexp.QuoteMeta(label) + `$`)
	sent := c.fake.SentTo(c.number)
	for i := len(sent) - 1; i >= 0; i-- {
		if m := line.FindStringSubmatch(sent[i].Text); m != nil {
			return c.say(m[1], want)
		}
	}
	return "", fmt.Errorf("whatsapp %s: no choice %q; last read %q", c.number, label, c.tail())
}

// waFaultSteps are what a citizen reads, in order, for the 14 steps of a
// report with a photo.
var waFaultSteps = []string{"Selamat datang", "Jenis laporan", "Uraian", "Dicatat", "Kapan kejadiannya", "Di mana",
	"pilih kecamatan lain", "Bukti", "Bukti ke-1 diterima", "Sembunyikan identitas", "nama Anda", "Rahasiakan", "Ringkasan", "Nomor laporan"}

// fileReport runs the 14 steps; switchLID is called after the description
// (mid-draft), where a tenth of the citizens get their LID.
func (c *waLoadCitizen) fileReport(photo []byte, switchLID func()) (string, error) {
	steps := []func() (string, error){
		func() (string, error) { return c.say("/start", waFaultSteps[0]) },
		func() (string, error) { return c.press("📝 Buat laporan", waFaultSteps[1]) },
		func() (string, error) { return c.press("Pengaduan", waFaultSteps[2]) },
		func() (string, error) {
			return c.say("Warga "+c.number+": saluran air di depan rumah tersumbat sejak dua minggu, banjir tiap hujan.", waFaultSteps[3])
		},
		func() (string, error) {
			switchLID()
			return c.press("Lanjut ➡️", waFaultSteps[4])
		},
		func() (string, error) { return c.press("Kemarin", waFaultSteps[5]) },
		func() (string, error) { return c.say("Jl. Raya Plaosan No. 10", waFaultSteps[6]) },
		func() (string, error) { return c.press("✅ Plaosan", waFaultSteps[7]) },
		func() (string, error) {
			c.post(c.fake.ImageFrom(c.number, photo, "foto saluran"))
			return c.expect(waFaultSteps[8])
		},
		func() (string, error) { return c.press("Selesai ✅", waFaultSteps[9]) },
		func() (string, error) { return c.press("Tidak", waFaultSteps[10]) },
		func() (string, error) { return c.press("✅ Pakai nama ini", waFaultSteps[11]) }, // the push name; the number is known
		func() (string, error) { return c.press("Ya", waFaultSteps[12]) },
		func() (string, error) { return c.press("📨 Kirim", waFaultSteps[13]) },
	}
	var last string
	for _, step := range steps {
		var err error
		if last, err = step(); err != nil {
			return "", err
		}
	}
	id := anyTrackingID.FindString(last)
	if id == "" {
		return "", fmt.Errorf("whatsapp %s: no tracking number in %q", c.number, last)
	}
	return id, nil
}

// waPhoto is a citizen's own photo: a small JPEG no other citizen sends.
func waPhoto(t *testing.T, i int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 24, 24))
	for p := 0; p < len(img.Pix); p += 4 {
		img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = byte(i), byte(i>>8), byte(p), 255
	}
	img.Set(i%24, (i/24)%24, color.White)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// waReplicaProc is one replica: a lapor process.
type waReplicaProc struct {
	cmd    *exec.Cmd
	addr   string
	admin  string // the admin listener's (/readyz/whatsapp)
	killed bool
}

// waFaultReport is what the run measured.
type waFaultReport struct {
	Citizens, Switched, Reports           int
	MessagesPosted, MessagesDelivered     int
	UnackedDeliveries, Redeliveries       int
	SendAttempts, SendFailures            int
	ConnectionAttempts, Connections, Lost int
	Kills                                 int
	TakeoverSeconds                       float64
	Events                                []string
	Seconds                               float64
	Problems                              []string
}

// make faults, WhatsApp: three replicas, one WhatsApp; during the load of
// citizens filing complete reports with a photo, the connected replica is
// killed (a stand-by takes the session by itself), WhatsApp's connection
// events are injected (keep-alive timeouts, a network drop with a 503 on
// reconnect, a replaced stream, a short temporary ban), a tenth of all
// sends fail, and a tenth of the citizens switch from number to LID in the
// middle of their drafts. Checked from the database and WhatsApp's
// record: every message stored once and handled, every report complete
// with its photo, one chat per citizen, every answer delivered (a repeat
// only under its id), and the survivors ready without a restart.
func TestWhatsAppFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("the WhatsApp fault run is not short")
	}
	citizens := 40
	if n, err := strconv.Atoi(os.Getenv("LAPOR_WA_FAULTS_CITIZENS")); err == nil && n > 0 {
		citizens = n
	}
	began := time.Now()
	fake := whatsapptest.New()
	fake.FailSendsRandomly(0.10, 20261207)
	// A download takes a moment, as from WhatsApp's media servers: photos
	// wait for one when the connection goes.
	fake.SlowDownloads(250 * time.Millisecond)
	srv := whatsapptest.NewServer(fake)
	t.Cleanup(srv.Close)
	dbURL := pg.NewDatabase(t)

	var replicas []*waReplicaProc
	for range 3 {
		addr, admin := freeAddr(t), freeAddr(t)
		env := map[string]string{
			"LAPOR_DATABASE_URL":           dbURL,
			"LAPOR_HTTP_ADDR":              addr,
			"LAPOR_ADMIN_ADDR":             admin,
			"LAPOR_LOG_LEVEL":              "warn",
			"LAPOR_OUTBOX_LEASE":           "3s",
			"LAPOR_WHATSAPP_RATE_PER_CHAT": "20",
			"LAPOR_WHATSAPP_RATE_GLOBAL":   "200",
			"LAPOR_TEST_WHATSAPP_SERVER":   srv.URL(),
		}
		replicas = append(replicas, &waReplicaProc{cmd: startProcess(t, env), addr: addr, admin: admin})
	}
	waitFor := func(what string, d time.Duration, cond func() bool) error {
		for deadline := time.Now().Add(d); !cond(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: not within %s", what, d)
			}
		}
		return nil
	}
	if err := waitFor("a replica connects", 60*time.Second, fake.Connected); err != nil {
		t.Fatal(err)
	}

	// The citizens.
	people := make([]*waLoadCitizen, citizens)
	photos := make([][]byte, citizens)
	ids := make([]string, citizens)
	errs := make([]error, citizens)
	lids := map[string]string{} // number → LID, of those who switch
	var done atomic.Int32
	var wg sync.WaitGroup
	for i := range citizens {
		number := fmt.Sprintf("62812%08d", 4000000+i)
		people[i] = &waLoadCitizen{srv: srv, fake: fake, number: number, wait: 2 * time.Minute, seen: map[string]bool{}}
		photos[i] = waPhoto(t, i)
		switchLID := func() {}
		if i%10 == 3 {
			lid := fmt.Sprintf("770%011d", i)
			lids[number] = lid
			switchLID = func() { fake.GiveLID(number, lid) }
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Not all at once: people start over some seconds.
			time.Sleep(time.Duration(i%20) * 250 * time.Millisecond)
			ids[i], errs[i] = people[i].fileReport(photos[i], switchLID)
			done.Add(1)
		}()
	}

	// The faults, at points of the load.
	rep := waFaultReport{Citizens: citizens, Switched: len(lids)}
	total := citizens * len(waFaultSteps)
	at := func(share float64) bool {
		return waitFor("the load", 3*time.Minute, func() bool { return float64(srv.Stats().Delivered) >= share*float64(total) }) == nil
	}
	event := func(format string, args ...any) {
		s := fmt.Sprintf("%5.1fs %s", time.Since(began).Seconds(), fmt.Sprintf(format, args...))
		rep.Events = append(rep.Events, s)
		t.Log(s)
	}
	reconnected := func(what string) {
		if err := waitFor(what, 60*time.Second, fake.Connected); err != nil {
			t.Error(err)
			return
		}
		event("connected again after %s", what)
	}
	var faults sync.WaitGroup
	faults.Add(1)
	go func() {
		defer faults.Done()
		if at(0.12) {
			fake.KeepAliveTimeout(3)
			event("keep-alive timeout x3 (the connection stays up)")
		}
		if at(0.25) {
			// Between storing a message and WhatsApp getting its
			// acknowledgement: the message must come again, and be
			// stored once.
			srv.HoldNextAck()
			if err := waitFor("a message whose acknowledgement is lost", 60*time.Second, srv.Holding); err != nil {
				t.Error(err)
				return
			}
			pid := srv.ConnectedProcess()
			var victim *waReplicaProc
			for _, r := range replicas {
				if r.cmd.Process.Pid == pid {
					victim = r
				}
			}
			if victim == nil {
				t.Errorf("no replica is the connected process %d", pid)
				return
			}
			killed := time.Now()
			victim.killed = true
			_ = victim.cmd.Process.Signal(syscall.SIGKILL)
			rep.Kills++
			event("SIGKILL of the connected replica (pid %d), a message stored and not acknowledged; %d of %d citizens done", pid, done.Load(), citizens)
			if done.Load() == int32(citizens) {
				t.Error("every citizen had finished before the kill: the run proves nothing")
			}
			if err := waitFor("a stand-by takes over", 60*time.Second, func() bool {
				p := srv.ConnectedProcess()
				return p != 0 && p != pid
			}); err != nil {
				t.Error(err)
			} else {
				rep.TakeoverSeconds = time.Since(killed).Seconds()
				event("stand-by pid %d connected %.1fs after the kill", srv.ConnectedProcess(), rep.TakeoverSeconds)
			}
		}
		if at(0.45) {
			fake.NetworkDown()
			event("network down")
			time.Sleep(2 * time.Second)
			fake.FailNextConnect(503)
			fake.NetworkUp()
			event("network up; the first reconnect gets 503")
			reconnected("the network drop")
		}
		if at(0.60) {
			fake.ReplaceStream()
			event("stream replaced")
			reconnected("the replaced stream")
		}
		if at(0.75) {
			holder := srv.ConnectedProcess()
			var addr string
			for _, r := range replicas {
				if r.cmd.Process.Pid == holder {
					addr = r.admin
				}
			}
			// Longer than a message's five tries take (1+2+4+8 s).
			fake.Ban(101, 16*time.Second)
			banned := time.Now()
			event("temporary ban (101) for 16 s")
			// The holder says so on /readyz, and is ready again by itself.
			if err := waitFor("/readyz 503 during the ban", 10*time.Second, func() bool { return !channelOK(addr, "whatsapp") }); err != nil {
				t.Error(err)
			} else {
				event("/readyz of pid %d: 503 (banned)", holder)
			}
			reconnected("the ban")
			if err := waitFor("/readyz 200 after the ban", 30*time.Second, func() bool { return channelOK(addr, "whatsapp") }); err != nil {
				t.Error(err)
			} else {
				event("/readyz of pid %d: 200 again, %.1fs after the ban began", holder, time.Since(banned).Seconds())
			}
		}
	}()
	wg.Wait()
	faults.Wait()
	for i, err := range errs {
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %d: %v", i, err))
		}
	}

	// Quiet: WhatsApp holds nothing unacknowledged, the outbox is empty,
	// the survivors are ready.
	var survivors []*waReplicaProc
	for _, r := range replicas {
		if !r.killed {
			survivors = append(survivors, r)
		}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	quiet := func() bool {
		var unsent, unhandled int
		if conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM outbox WHERE channel = 'whatsapp' AND sent_at IS NULL),
			(SELECT count(*) FROM inbox WHERE channel = 'whatsapp' AND processed_at IS NULL)`).Scan(&unsent, &unhandled) != nil {
			return false
		}
		return srv.Pending() == 0 && unsent == 0 && unhandled == 0
	}
	if err := waitFor("WhatsApp and the outbox are quiet", 60*time.Second, quiet); err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	}
	for _, r := range survivors {
		if err := waitFor("/readyz of "+r.addr, 30*time.Second, func() bool { return hreadyOK(r.addr) && channelOK(r.admin, "whatsapp") }); err != nil {
			rep.Problems = append(rep.Problems, err.Error())
		}
		if r.cmd.ProcessState != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("replica %d exited: %v", r.cmd.Process.Pid, r.cmd.ProcessState))
		}
	}
	if !fake.Connected() {
		rep.Problems = append(rep.Problems, "no replica is connected to WhatsApp at the end")
	}

	// Every message stored once and handled.
	type row struct {
		n       int
		handled bool
	}
	inbox := map[string]row{}
	rows, err := conn.Query(ctx, `SELECT split_part(external_id, '/', 2), count(*),
		bool_and(processed_at IS NOT NULL AND coalesce(outcome, '') NOT LIKE 'failed%' AND coalesce(outcome, '') NOT LIKE 'refused%')
		FROM inbox WHERE channel = 'whatsapp' GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var r row
		if err := rows.Scan(&id, &r.n, &r.handled); err != nil {
			t.Fatal(err)
		}
		inbox[id] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	posted := 0
	for _, c := range people {
		for _, id := range c.posted {
			posted++
			switch r, ok := inbox[id]; {
			case !ok:
				rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: message %s lost", c.number, id))
			case r.n != 1:
				rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: message %s stored %d times", c.number, id, r.n))
			case !r.handled:
				rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: message %s not handled", c.number, id))
			}
		}
	}
	if len(inbox) != posted {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d messages in the inbox, %d posted", len(inbox), posted))
	}

	// One chat per citizen, every report complete with its photo, every
	// answer delivered once.
	for i, c := range people {
		pn, chat := whatsapptest.UserJID(c.number), whatsapptest.UserJID(c.number)
		if lid, ok := lids[c.number]; ok {
			chat = whatsapptest.LIDJID(lid)
		}
		var chats, convs, split int
		if err := conn.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM chats WHERE channel = 'whatsapp' AND chat_id = ANY($1)),
			(SELECT count(*) FROM conversations WHERE channel = 'whatsapp' AND chat_id = ANY($1)),
			(SELECT count(*) FROM chats WHERE channel = 'whatsapp' AND chat_id = ANY($1) AND chat_id <> $2)`,
			[]string{pn, chat}, chat).Scan(&chats, &convs, &split); err != nil {
			t.Fatal(err)
		}
		if chats != 1 || convs != 1 || split != 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: split chat (%d chats, %d conversations, %d under the number)", c.number, chats, convs, split))
		}
		if errs[i] != nil {
			continue // already told
		}
		err := func() error {
			db, err := store.Open(ctx, dbURL, nil)
			if err != nil {
				return err
			}
			defer db.Close()
			return db.InTx(ctx, func(tx *store.Tx) error {
				if chat != pn {
					if old, err := tx.ReportsByChat(ctx, "whatsapp", pn, 10); err != nil || len(old) != 0 {
						rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: %d reports under the number (%v)", c.number, len(old), err))
					}
				}
				reports, err := tx.ReportsByChat(ctx, "whatsapp", chat, 10)
				if err != nil {
					return err
				}
				if len(reports) != 1 || reports[0].TrackingID != ids[i] {
					rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: %d reports under %s (want 1, %s)", c.number, len(reports), chat, ids[i]))
					return nil
				}
				r := reports[0]
				rep.Reports++
				if r.Type != "pengaduan" || !strings.Contains(r.Description, "Warga "+c.number+":") ||
					r.OccurredOn.IsZero() || r.KecamatanCode == "" || !r.Confidential || r.StageDeadline.IsZero() {
					rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: incomplete report %s", c.number, r.TrackingID))
				}
				atts, err := tx.Attachments(ctx, r.ID)
				if err != nil {
					return err
				}
				if len(atts) != 1 {
					rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: %d files in the report, want its photo", c.number, len(atts)))
					return nil
				}
				if data, err := tx.ReadBlob(ctx, atts[0].BlobID); err != nil || !bytes.Equal(data, photos[i]) {
					rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: the photo changed or is lost (%v)", c.number, err))
				}
				return nil
			})
		}()
		if err != nil {
			t.Fatal(err)
		}
		// What the phone shows: each id once; the same answer under two
		// ids would show twice.
		byID, texts := map[string]bool{}, map[string]string{}
		var read []string
		for _, s := range fake.SentTo(c.number) {
			if byID[s.ID] {
				continue
			}
			byID[s.ID] = true
			if other, dup := texts[s.Text]; dup {
				rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: %q shown twice (ids %s, %s)", c.number, firstLine(s.Text), other, s.ID))
			}
			texts[s.Text] = s.ID
			read = append(read, s.Text)
		}
		k := 0
		for _, s := range read {
			if k < len(waFaultSteps) && strings.Contains(s, waFaultSteps[k]) {
				k++
			}
		}
		if k != len(waFaultSteps) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("citizen %s: answer %q missing or out of order", c.number, waFaultSteps[k]))
		}
	}

	st := srv.Stats()
	rep.MessagesPosted, rep.MessagesDelivered = st.Posted, st.Delivered
	rep.UnackedDeliveries, rep.Redeliveries = st.Unacked, st.Redelivered
	rep.SendAttempts, rep.SendFailures = fake.SendCounts()
	rep.ConnectionAttempts, rep.Connections, rep.Lost = fake.Attempts(), st.Connections, st.Lost
	rep.Seconds = time.Since(began).Seconds()
	if rep.SendFailures == 0 || rep.Kills == 0 || rep.Lost == 0 || rep.UnackedDeliveries == 0 {
		rep.Problems = append(rep.Problems, "a fault was not injected: the run proves nothing")
	}
	writeWAFaultReport(t, rep)
	for _, p := range rep.Problems {
		t.Error(p)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// writeWAFaultReport logs the report, and writes it (text and JSON) to
// LAPOR_WA_FAULTS_OUT (a path without extension) when set.
func writeWAFaultReport(t *testing.T, r waFaultReport) {
	var b strings.Builder
	fmt.Fprintf(&b, "WhatsApp faults: %d citizens (%d switch number→LID mid-draft), 3 replicas, one WhatsApp\n", r.Citizens, r.Switched)
	fmt.Fprintf(&b, "  messages posted %d, acknowledged %d; deliveries not acknowledged %d, redeliveries %d\n",
		r.MessagesPosted, r.MessagesDelivered, r.UnackedDeliveries, r.Redeliveries)
	fmt.Fprintf(&b, "  sends %d, failed %d (%.1f%%)\n", r.SendAttempts, r.SendFailures, 100*float64(r.SendFailures)/float64(max(1, r.SendAttempts)))
	fmt.Fprintf(&b, "  kills %d (stand-by connected after %.1fs); connections %d, lost sockets %d, connection attempts %d\n",
		r.Kills, r.TakeoverSeconds, r.Connections, r.Lost, r.ConnectionAttempts)
	fmt.Fprintf(&b, "  reports complete with their photo %d of %d; run %.0fs\n", r.Reports, r.Citizens, r.Seconds)
	for _, e := range r.Events {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintf(&b, "  PASS: zero lost messages, zero split chats, zero lost files, healthy without a restart\n")
	} else {
		fmt.Fprintf(&b, "  FAIL: %d problems\n", len(r.Problems))
	}
	t.Log("\n" + b.String())
	out := os.Getenv("LAPOR_WA_FAULTS_OUT")
	if out == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Error(err)
		return
	}
	j, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(out+".json", j, 0o644); err != nil {
		t.Error(err)
	}
	if err := os.WriteFile(out+".txt", []byte(b.String()), 0o644); err != nil {
		t.Error(err)
	}
}
