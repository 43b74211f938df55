package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
)

// Rig is everything one scenario runs against: a private PostgreSQL, the
// fake Bot API (served from this process, so it is a process of its own as
// far as lapor is concerned), the delivery watcher and the lapor binary.
type Rig struct {
	opts     Options
	log      *slog.Logger
	rep      *Report
	dir      string
	ownDir   bool
	cluster  *Cluster
	dbURL    string
	pool     *pgxpool.Pool
	limits   Limits
	fake     *telegramtest.Server
	watch    *Watcher
	laporBin string
	setupRec *Recorder
	rec      *Recorder
	procs    []*Proc
	again    func(*Citizen) bool // whether a citizen takes another step; nil: always
	patient  bool                // citizens go on after a step without an answer (Citizen.Patient)

	stopWatch context.CancelFunc
	watchDone chan struct{}
}

// NewRig prepares the database, the fake and (when needLapor) the lapor
// binary.
func NewRig(ctx context.Context, o Options, rep *Report, limits Limits, needLapor bool, log *slog.Logger) (*Rig, error) {
	r := &Rig{opts: o, log: log, rep: rep, limits: limits}
	var err error
	if o.Dir != "" {
		r.dir = o.Dir
		err = os.MkdirAll(r.dir, 0o755)
	} else {
		r.dir, err = os.MkdirTemp("", "lapor-load-")
		r.ownDir = true
	}
	if err != nil {
		return nil, err
	}
	// The cluster runs as the postgres user when the tool runs as root.
	_ = os.Chmod(r.dir, 0o755)
	log.Info("working folder", "dir", r.dir)
	if needLapor {
		r.laporBin = o.Lapor
		if r.laporBin == "" {
			if r.laporBin, err = buildLapor(ctx, r.dir, log); err != nil {
				return nil, err
			}
		}
	}
	if r.cluster, err = StartCluster(ctx, r.dir, o.PGBin, o.SlowPlans, o.Statements, log); err != nil {
		return nil, err
	}
	if err := r.cluster.CreateDatabase(ctx, "lapor"); err != nil {
		r.Close(true)
		return nil, err
	}
	r.dbURL = r.cluster.URL("lapor")
	if rep.Postgres, err = r.cluster.Settings(ctx); err != nil {
		r.Close(true)
		return nil, err
	}
	rep.Postgres["data_dir_fs"] = "the run folder " + r.dir
	if r.pool, err = r.cluster.Pool(ctx, "lapor"); err != nil {
		r.Close(true)
		return nil, err
	}
	r.startFake()
	rep.Params["limits"] = describeLimits(limits)
	return r, nil
}

// startFake starts a fake Bot API, its watcher and empty recorders.
func (r *Rig) startFake() {
	r.fake = telegramtest.New(r.limits.options())
	r.watch = NewWatcher(r.fake)
	r.setupRec, r.rec = NewRecorder(), NewRecorder()
	wctx, cancel := context.WithCancel(context.Background())
	r.stopWatch, r.watchDone = cancel, make(chan struct{})
	go func() { defer close(r.watchDone); r.watch.Run(wctx) }()
	r.log.Info("fake Bot API listening", "url", r.fake.URL(), "limits", describeLimits(r.limits))
}

// stopFake stops the fake and its watcher.
func (r *Rig) stopFake() {
	if r.stopWatch != nil {
		r.stopWatch()
		<-r.watchDone
		r.stopWatch = nil
	}
	if r.fake != nil {
		r.fake.Close()
	}
}

// Close stops everything the run started. The folder is removed unless
// --keep was given, the run broke or a check failed.
func (r *Rig) Close(broke bool) {
	for _, p := range r.procs {
		p.Stop(20 * time.Second)
	}
	r.stopFake()
	if r.pool != nil {
		r.pool.Close()
	}
	r.cluster.Stop()
	if r.ownDir && !r.opts.Keep && !broke && !r.rep.Failed() {
		_ = os.RemoveAll(r.dir)
	} else {
		r.log.Info("kept the working folder (logs, database)", "dir", r.dir)
	}
}

// laporEnv is the environment of a lapor serve listening on addr.
func (r *Rig) laporEnv(addr string, extra map[string]string) map[string]string {
	env := map[string]string{
		"LAPOR_DATABASE_URL":           r.laporURL(),
		"LAPOR_DATA_DIR":               filepath.Join(r.dir, "unused-data"),
		"LAPOR_HTTP_ADDR":              addr,
		"LAPOR_ADMIN_ADDR":             freeAdminAddr(),
		"LAPOR_TELEGRAM_TOKEN":         r.fake.Token(),
		"LAPOR_TELEGRAM_API_ENDPOINT":  r.fake.APIEndpoint(),
		"LAPOR_TELEGRAM_FILE_ENDPOINT": r.fake.FileEndpoint(),
		"LAPOR_TELEGRAM_POLL_TIMEOUT":  r.opts.PollTimeout.String(),
		"LAPOR_WORKERS":                strconv.Itoa(r.opts.Workers),
		"LAPOR_OUTBOX_LEASE":           r.opts.OutboxLease.String(),
		"LAPOR_FLOOD_PER_MINUTE":       strconv.Itoa(r.opts.Flood),
		"LAPOR_LOG_LEVEL":              "info",
	}
	for k, v := range r.limits.env() {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// laporURL is the database URL lapor gets: the run's, with --db-params.
func (r *Rig) laporURL() string {
	if r.opts.DBParams == "" {
		return r.dbURL
	}
	return r.dbURL + "&" + strings.TrimPrefix(r.opts.DBParams, "&")
}

// startLapor starts one `lapor serve` and waits for /readyz.
func (r *Rig) startLapor(ctx context.Context, name string, extra map[string]string) (*Proc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p := NewProc(name, r.dir, r.laporBin, []string{"serve"}, r.laporEnv(addr, extra), r.log)
	if err := p.Start(); err != nil {
		return nil, err
	}
	r.procs = append(r.procs, p)
	if _, err := p.WaitReady(ctx, 60*time.Second); err != nil {
		return nil, fmt.Errorf("%w (log: %s)", err, p.LogPath)
	}
	return p, nil
}

// pids are the running service processes.
func (r *Rig) pids() []int {
	var out []int
	for _, p := range r.procs {
		out = append(out, p.Pid())
	}
	return out
}

// Load is what one driven load did.
type Load struct {
	Start, End time.Time // the open loop's window
	Missed     int       // messages due that no free citizen could send in time
	Duration   time.Duration
	Citizens   []*Citizen
	Chain      *Chain
	CPU        Usage
	Officers   []*Person
	MaxInbox   int      // largest inbound backlog seen during the load
	MaxOutbox  int      // largest outbound backlog seen during the load
	Timeline   []string // the backlogs every few seconds
	Plans      []string // lapor's claim queries, explained once a backlog builds up
}

// drive runs citizens (and officers on ds, when officerRate > 0) against
// the service at rate for duration. between runs beside the load (faults),
// with the load's context.
func (r *Rig) drive(ctx context.Context, ds []Desk, echo bool, between func(ctx context.Context, start time.Time)) *Load {
	o := r.opts
	l := &Load{Duration: o.Duration, Chain: NewChain(ds)}
	for i := 0; i < o.Citizens; i++ {
		c := NewCitizen(int64(100000+i), r.fake, r.watch, r.rec, o.Wait)
		c.echo, c.Patient = echo, r.patient
		l.Citizens = append(l.Citizens, c)
	}
	octx, stopOfficers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if o.OfficerRate > 0 && !echo {
		for _, d := range ds {
			p := NewPerson("officer", d.Group, d.User, r.fake, r.watch, r.rec, o.Wait)
			l.Officers = append(l.Officers, p)
			wg.Add(1)
			go func() { defer wg.Done(); l.Chain.Officer(octx, p, d, o.OfficerRate) }()
		}
	}
	mctx, stopMonitor := context.WithCancel(ctx)
	monitorDone := make(chan struct{})
	go func() {
		defer close(monitorDone)
		if !echo {
			r.monitor(mctx, l)
		}
	}()
	r.log.Info("load starting", "rate", o.Rate, "duration", o.Duration, "citizens", o.Citizens, "officers", len(l.Officers))
	var before CPUSample
	betweenDone := make(chan struct{})
	h := Hooks{Again: r.again, OnStart: func(start time.Time) {
		before = SampleCPU(r.pids(), filepath.Join(r.dir, "pg"))
		go func() {
			defer close(betweenDone)
			if between != nil {
				between(ctx, start)
			}
		}()
	}, OnEnd: func(time.Time) {
		l.CPU = SampleCPU(r.pids(), filepath.Join(r.dir, "pg")).Since(before)
		stopOfficers() // officers work while the citizens do
	}}
	if !echo {
		h.Filed = l.Chain.Filed
	}
	l.Start, l.End, l.Missed = OpenLoop(ctx, o.Rate, o.Duration, l.Citizens, r.rec, h)
	stopMonitor()
	<-monitorDone
	stopOfficers()
	wg.Wait()
	<-betweenDone
	r.log.Info("load done", "sent", r.rec.sentCount())
	return l
}

func (r *Recorder) sentCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent
}

// handledBetween counts inbound messages lapor finished in a window.
func (r *Rig) handledBetween(ctx context.Context, from, to time.Time) (int, error) {
	var n int
	err := retryQuery(ctx, func(ctx context.Context) error {
		return r.pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE processed_at >= $1 AND processed_at < $2`, from, to).Scan(&n)
	})
	return n, err
}

// backlog is the work lapor has not done yet.
func (r *Rig) backlog(ctx context.Context) (inbox, outbox, failed int, err error) {
	err = retryQuery(ctx, func(ctx context.Context) error {
		return r.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM inbox WHERE processed_at IS NULL),
			(SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL),
			(SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL)`).Scan(&inbox, &outbox, &failed)
	})
	return inbox, outbox, failed, err
}

// drain waits until lapor has handled every inbound message and delivered
// every outbound one, and the watcher has seen every delivery.
func (r *Rig) drain(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var in, out int
	for {
		i, o, _, err := r.backlog(ctx)
		if err == nil {
			in, out = i, o
		}
		if err == nil && in == 0 && out == 0 && r.fake.Pending() == 0 {
			r.watch.Poll()
			if r.watch.Seen() == r.fake.Stats().Delivered {
				return time.Since(start), nil
			}
		}
		select {
		case <-ctx.Done():
			return time.Since(start), fmt.Errorf("not drained within %s: inbox %d, outbox %d undelivered, fake queue %d, deliveries not yet seen %d",
				timeout, in, out, r.fake.Pending(), r.fake.Stats().Delivered-r.watch.Seen())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// reportLoad adds what every load scenario measures.
func (r *Rig) reportLoad(ctx context.Context, l *Load, service string) {
	rep := r.rep
	lat, errs, lag, sent, _ := r.rec.Snapshot()
	window := l.End.Sub(l.Start)
	rep.Add("window", window.Seconds(), "s")
	rep.Add("inbound sent", float64(sent), "messages")
	rep.Add("inbound offered rate", float64(len(lag))/window.Seconds(), "msg/s")
	rep.Add("inbound due but not sent (every citizen waiting)", float64(l.Missed), "messages")
	answered := len(lat["citizen"]) + len(lat["officer"])
	rep.Add("answered in window", float64(answered)/window.Seconds(), "msg/s")
	cz := Summarize(lat["citizen"])
	rep.AddDuration("latency p50", cz.P50)
	rep.AddDuration("latency p95", cz.P95)
	rep.AddDuration("latency p99", cz.P99)
	rep.AddDuration("latency max", cz.Max)
	if of := Summarize(lat["officer"]); of.Count > 0 {
		rep.Add("officer actions answered", float64(of.Count), "messages")
		rep.AddDuration("officer latency p99", of.P99)
		for _, k := range sortedKeys(l.Chain.Done) {
			rep.Add("officer steps done: "+k, float64(l.Chain.Done[k]), "reports")
		}
	}
	steps := r.rec.Steps()
	names := sortedKeys(steps)
	sort.Slice(names, func(i, j int) bool { return steps[names[i]].P99 > steps[names[j]].P99 })
	for i, n := range names {
		if i == 6 {
			break
		}
		s := steps[n]
		rep.Note("slowest steps: %s: p50 %s, p99 %s, max %s (%d answers)", n, s.P50.Round(time.Millisecond/10),
			s.P99.Round(time.Millisecond/10), s.Max.Round(time.Millisecond/10), s.Count)
	}
	if l.MaxInbox+l.MaxOutbox > 0 || len(l.Timeline) > 0 {
		rep.Add("largest backlog during the load: inbox", float64(l.MaxInbox), "messages")
		rep.Add("largest backlog during the load: outbox", float64(l.MaxOutbox), "messages")
		rep.Note("backlog (inbox/outbox) every 5 s: %s", strings.Join(l.Timeline, ", "))
	}
	for _, p := range l.Plans {
		rep.Note("%s", p)
	}
	for i, p := range r.cluster.SlowPlans() {
		if i == 4 {
			break
		}
		rep.Note("statements slower than %s (auto_explain): %d × %q, longest %s; the first one's plan:\n%s",
			r.opts.SlowPlans, p.Count, clip(p.Statement), p.Longest.Round(time.Millisecond), p.Plan)
	}
	lg := Summarize(lag)
	rep.AddDuration("open-loop lag p99", lg.P99)
	nerr := 0
	for k, v := range errs {
		nerr += v
		rep.Note("error: %s × %d", k, v)
	}
	rep.Add("errors (no answer in time)", float64(nerr), "count")
	st := r.fake.Stats()
	rep.Add("fake: delivered", float64(st.Delivered), "messages")
	rep.Add("fake: 429 from flood control", float64(st.RateLimited), "count")
	apiErr := 0
	for k, v := range st.Errors {
		apiErr += v
		rep.Note("fake answered %q × %d", k, v)
	}
	rep.Add("fake: error answers", float64(apiErr), "count")
	rep.Add("CPU "+service, l.CPU.Service, "cores")
	rep.Add("CPU postgres", l.CPU.Postgres, "cores")
	rep.Add("CPU lapor-load (fake + people)", l.CPU.Tool, "cores")
	rep.Add("CPU machine", l.CPU.Machine, "cores")
	rep.Add("CPU other processes (not this run)", max(l.CPU.Machine-l.CPU.Service-l.CPU.Postgres-l.CPU.Tool, 0), "cores")
	for _, p := range r.procs {
		rep.Add("peak RSS "+p.Name, float64(p.PeakRSS())/(1<<20), "MiB")
	}
	r.collectLogs()
}

// collectLogs adds the services' warnings and errors to the report.
func (r *Rig) collectLogs() {
	r.rep.Log = map[string]int{}
	for _, p := range r.procs {
		_, _, by := p.LogSummary()
		for k, v := range by {
			r.rep.Log[strings.TrimSpace(p.Name+": "+k)] += v
		}
	}
}

// count runs a counting query.
func (r *Rig) count(ctx context.Context, sql string, args ...any) (int, error) {
	var n int
	err := retryQuery(ctx, func(ctx context.Context) error { return r.pool.QueryRow(ctx, sql, args...).Scan(&n) })
	return n, err
}
