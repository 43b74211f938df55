package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// The Ombudsman path on every channel (issue 16 §3): reports the agency
// leaves unanswered for 60 working days, with and without an Ombudsman
// desk. The transcripts need months to pass: the service under test reads
// a testClock, which a step moves before it acts; the deadline sweep then
// runs at once through the scheduler, as its tick would run it.

// The people and the group of the Ombudsman path: two citizens of their
// own (each chat has its flood limit), and the Ombudsman desk's officer.
const (
	pLateCitizen  = 16
	pLateCitizen2 = 17
	pOmbudsman    = 27
	gpOmb         = -37
)

// testClock is the time of a lapor under test: the system clock, moved
// forward by what the transcripts let pass. It keeps running between
// moves, so that whatever waits a little (pacing, leases) still does.
type testClock struct {
	db     *store.DB // to read when a report was submitted, and the run-time holidays
	mu     sync.Mutex
	offset time.Duration
	runNow func(ctx context.Context, job string) error
}

var _ Clock = (*testClock)(nil)

func newTestClock(t *testing.T, dbURL string) *testClock {
	db, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return &testClock{db: db}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) Attach(runNow func(ctx context.Context, job string) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.runNow = runNow
}

// moveTo moves the clock forward to at and runs the deadline sweep; it
// returns once the sweep is done, so what the sweep did is in the
// database and on its way to the chats.
func (c *testClock) moveTo(t *testing.T, at time.Time) {
	t.Helper()
	c.mu.Lock()
	d := time.Until(at)
	if d < c.offset {
		c.mu.Unlock()
		t.Fatalf("the clock would go back to %s", at)
	}
	c.offset = d
	run := c.runNow
	c.mu.Unlock()
	if run == nil {
		t.Fatal("the service has not given its clock the scheduler's jobs")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, sweepJob); err != nil {
		t.Fatalf("the deadline sweep at %s: %v", at.In(calendar.Local()), err)
	}
}

// calendars are the working-day calendar the service counts with (the
// embedded holidays under the policy's rules, with the run-time changes
// made by /libur) and the one without the run-time changes.
func (c *testClock) calendars(t *testing.T) (inForce, embedded *calendar.Calendar) {
	t.Helper()
	hs, err := calendar.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p := flows.DefaultPolicy().Calendar
	embedded = calendar.New(hs, calendar.Rules{CountStartDay: p.CountStartDay, CutiBersamaIsHoliday: p.CutiBersamaIsHoliday})
	changes, err := c.db.HolidayChanges(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var add []calendar.Holiday
	var remove []calendar.Date
	for _, ch := range changes {
		d := calendar.DateOf(ch.Day)
		if ch.Removed {
			remove = append(remove, d)
		} else {
			add = append(add, calendar.Holiday{Date: d, Name: ch.Name, Kind: calendar.KindLocal})
		}
	}
	return embedded.With(add, remove), embedded
}

// submitted is when the report with the tracking number was submitted.
func (c *testClock) submitted(t *testing.T, tracking string) time.Time {
	t.Helper()
	var at time.Time
	if err := c.db.InTx(context.Background(), func(tx *store.Tx) error {
		r, err := tx.ReportByTrackingID(context.Background(), tracking)
		at = r.SubmittedAt
		return err
	}); err != nil {
		t.Fatalf("report %q: %v", tracking, err)
	}
	return at
}

// hook is a step's before.
type hook = func(t *testing.T, p platform, seen map[string]string)

func clockOf(t *testing.T, p platform) *testClock {
	t.Helper()
	c := p.clock()
	if c == nil {
		t.Fatalf("%s: the service under test reads the system clock; give it a testClock", p.name())
	}
	return c
}

// nthWorkday is the nth working day after the submission of report {key},
// by cal.
func nthWorkday(t *testing.T, c *testClock, cal *calendar.Calendar, seen map[string]string, key string, n int) calendar.Date {
	t.Helper()
	id := seen[key]
	if id == "" {
		t.Fatalf("no report {%s} yet", key)
	}
	return calendar.DateOf(cal.Deadline(c.submitted(t, id), n))
}

// namesWorkday keeps in seen[name] the nth working day after report
// {key}'s submission (YYYY-MM-DD).
func namesWorkday(key string, n int, name string) hook {
	return func(t *testing.T, p platform, seen map[string]string) {
		t.Helper()
		c := clockOf(t, p)
		cal, _ := c.calendars(t)
		seen[name] = nthWorkday(t, c, cal, seen, key, n).String()
	}
}

// atWorkday moves the service's clock to hh:mm (the regency's time) of
// the nth working day after report {key}'s submission, counted as the
// service counts, and lets the deadline sweep run. A holiday added at run time (seen[holiday],
// when not "") must move that day, or the step would not test that the
// service's count follows it.
func atWorkday(key string, n int, hhmm, holiday string) hook {
	return func(t *testing.T, p platform, seen map[string]string) {
		t.Helper()
		c := clockOf(t, p)
		cal, embedded := c.calendars(t)
		day := nthWorkday(t, c, cal, seen, key, n)
		if holiday != "" && nthWorkday(t, c, embedded, seen, key, n) == day {
			t.Fatalf("the holiday %s added at run time does not move working day %d after {%s}", seen[holiday], n, key)
		}
		var h, m int
		if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil {
			t.Fatal(err)
		}
		c.moveTo(t, time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, calendar.Local()))
	}
}

// fileAnonymously: citizen c files an anonymous, confidential complaint
// about what, at where in Plaosan, kept as {key}; the super admin verifies
// it and the regency admin disposes it to pupr.
func fileAnonymously(c int, what, where, key string) []step {
	return []step{
		{chat: c, person: c, say: "/start", want: "Selamat datang"},
		{chat: c, person: c, press: "📝 Buat laporan", want: "Jenis laporan"},
		{chat: c, person: c, press: "Pengaduan", want: "Uraian"},
		{chat: c, person: c, say: what, want: "Dicatat"},
		{chat: c, person: c, press: "Lanjut ➡️", want: "Kapan kejadiannya"},
		{chat: c, person: c, press: "Kemarin", want: "Di mana"},
		{chat: c, person: c, say: where, want: "pilih kecamatan lain"},
		{chat: c, person: c, press: "✅ Plaosan", want: "Bukti"},
		{chat: c, person: c, press: "Lewati", want: "Sembunyikan identitas"},
		{chat: c, person: c, press: "Ya", want: "Rahasiakan"},
		{chat: c, person: c, press: "Ya", want: "Ringkasan"},
		{chat: c, person: c, press: "📨 Kirim", want: "Nomor laporan", capture: key},
		{chat: gpSuper, person: pSuper, say: "/verifikasi {" + key + "}", want: "✅ {" + key + "}"},
		{chat: c, person: c, want: "sudah diverifikasi"},
		{chat: gpRegcy, person: pRegency, say: "/disposisi {" + key + "} pupr", want: "✅ {" + key + "}"},
		{chat: c, person: c, want: "sudah diteruskan"},
	}
}

// escalationTranscript: the agency stays silent on a report past 60
// working days, with no Ombudsman desk in the service (as in most
// regencies). A regional holiday added with /libur in between moves the
// limit a day. On the 60th working day nothing happens yet; on the next,
// the regency desk gets the escalation file and the citizen is told of
// their right to complain to Ombudsman RI, and not that anything was sent,
// until the regency admin records the sending.
func escalationTranscript() []step {
	c := pLateCitizen
	steps := fileAnonymously(c, "Lampu penerangan jalan di tikungan Desa Sarangan mati sejak sebulan, rawan kecelakaan malam hari.",
		"Tikungan Jl. Raya Sarangan, Plaosan", "e1")
	return append(steps, []step{
		// The regency declares a regional holiday within the 60 days.
		{before: namesWorkday("e1", 30, "hol"), chat: gpRegcy, person: pRegency, say: "/libur tambah {hol} Libur daerah",
			want: "Libur {hol} disimpan"},
		// The 60th working day, counting the holiday: the limit has not passed.
		{before: atWorkday("e1", 60, "10:00", "hol"), chat: gpRegcy, person: pRegency, say: "/ombudsman_kirim {e1}",
			want: "{e1} belum melewati batas waktu"},
		{chat: c, person: c, say: "/status {e1}", want: "Status:", never: "Ombudsman RI"},
		// The next working day: the file for Ombudsman RI, to the regency.
		{before: atWorkday("e1", 61, "10:00", ""), chat: gpRegcy, person: pRegency, want: "Laporan {e1} melewati batas 60 hari kerja"},
		{chat: gpRegcy, person: pRegency, want: "Berkas laporan {e1} untuk Ombudsman RI"},
		// The citizen: the limit and their own right, nothing sent yet.
		{chat: c, person: c, want: "{e1} belum selesai ditangani dalam 60 hari kerja"},
		{chat: c, person: c, say: "/status {e1}", want: "Status:", never: "telah dikirim kepada Ombudsman"},
		{chat: c, person: c, say: "/status {e1}", want: "Status:", never: "petugas Ombudsman"},
		// The regency admin records the sending, with the letter's number;
		// then, and only then, the citizen hears of it.
		{chat: gpRegcy, person: pRegency, say: "/ombudsman_kirim {e1} Surat 700/123/404.1/2027",
			want: "Dicatat: berkas laporan {e1} dikirim ke Ombudsman RI"},
		{chat: c, person: c, want: "Berkas laporan {e1} telah dikirim kepada Ombudsman RI"},
		{chat: gpRegcy, person: pRegency, say: "/ombudsman_kirim {e1}", want: "Tidak dicatat dua kali"},
	}...)
}

// ombudsmanDeskTranscript: the super admin adds an Ombudsman officer and
// registers the Ombudsman desk (played by setupDesks, as desksTranscript).
func ombudsmanDeskTranscript() []step {
	s := pSuper
	return []step{
		{chat: s, person: s, say: "/petugas tambah {u27} ombudsman Omar", want: "Omar"},
		{chat: s, person: s, say: "/kode_grup ombudsman", want: "Kode pendaftaran"},
		{chat: gpOmb, person: pOmbudsman, say: "/daftar_grup {code}", want: "terdaftar sebagai grup petugas"},
	}
}

// ombudsmanTranscript: with an Ombudsman desk, a report past its 60
// working days is also forwarded there. The desk sees that report and not
// {e1}, which passed its limit before the desk existed; it records the
// outcome, which the regency desk and the citizen are told; then the
// regency admin records the file's sending.
func ombudsmanTranscript() []step {
	c := pLateCitizen2
	steps := fileAnonymously(c, "Jembatan bambu penghubung Dusun Ngancar ke sekolah patah, anak-anak menyeberang sungai.",
		"Dusun Ngancar, Desa Bulugunung, Plaosan", "e2")
	return append(steps, []step{
		{before: atWorkday("e2", 61, "10:00", ""), chat: gpOmb, person: pOmbudsman,
			want: "Diteruskan ke Ombudsman: {e2}", never: "{e1}"},
		{chat: gpRegcy, person: pRegency, want: "Laporan {e2} melewati batas 60 hari kerja"},
		{chat: c, person: c, want: "{e2} belum selesai ditangani dalam 60 hari kerja"},
		{chat: c, person: c, want: "{e2} juga telah disampaikan kepada petugas Ombudsman RI"},
		{chat: c, person: c, say: "/status {e2}", want: "Status:", never: "telah dikirim kepada Ombudsman"},
		// The desk reads the forwarded report, and not another one.
		{chat: gpOmb, person: pOmbudsman, say: "/laporan {e2}", want: "Riwayat laporan:", never: "{e1}"},
		{chat: gpOmb, person: pOmbudsman, say: "/laporan {e1}", want: "{e1} tidak ditemukan"},
		{chat: gpOmb, person: pOmbudsman, say: "/ombudsman_hasil {e1} Diperiksa.", want: "tidak berwenang"},
		// The outcome.
		{chat: gpOmb, person: pOmbudsman, say: "/ombudsman_hasil {e2} Ombudsman RI Perwakilan Jawa Timur meminta Dinas PUPR memasang jembatan darurat dalam 14 hari.",
			want: "Hasil untuk laporan {e2} dicatat"},
		{chat: c, person: c, want: "Ombudsman RI menyampaikan hasil untuk laporan {e2}"},
		{chat: gpRegcy, person: pRegency, want: "Ombudsman RI mencatat hasil untuk laporan {e2}"},
		// The regency records the sending. By command, as the card says:
		// on WhatsApp its numbered choice is gone once the sweep's later
		// messages (the overdue list, the digest) reached the desk.
		{chat: gpRegcy, person: pRegency, say: "/ombudsman_kirim {e2} Surat 700/131/404.1/2027",
			want: "Dicatat: berkas laporan {e2} dikirim ke Ombudsman RI"},
		{chat: c, person: c, want: "Berkas laporan {e2} telah dikirim kepada Ombudsman RI"},
	}...)
}

// startWithClock runs lapor serve in this process, as startInProcess does,
// on the test clock clk.
func startWithClock(t *testing.T, env map[string]string, clk *testClock) {
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Clock = clk
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, newLogger(cfg, logs), nil, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("lapor: %v\n%s", err, logs)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("lapor did not stop within 20 s")
		}
	})
}

// clocked gives a platform the clock of the service it plays against.
type clocked struct{ clk *testClock }

func (c clocked) clock() *testClock { return c.clk }
