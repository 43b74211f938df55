package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/edge"
	"github.com/lapor-id/lapor/bot/telegram"
	"github.com/lapor-id/lapor/bot/webchat"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/open311"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/metrics"
	"github.com/lapor-id/lapor/scheduler"
	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgserver"
)

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDatabase connects to LAPOR_DATABASE_URL, or starts the private
// cluster in LAPOR_DATA_DIR when none is configured, and migrates it.
func openDatabase(ctx context.Context, cfg Config, log *slog.Logger) (*store.DB, func(), error) {
	url := cfg.DatabaseURL
	stopServer := func() {}
	if url == "" {
		opts := pgserver.Options{Dir: cfg.DataDir, BinDir: cfg.PGBin, DieWithParent: true}
		srv, err := pgserver.Start(ctx, opts)
		if errors.Is(err, pgserver.ErrUnreachable) {
			// Running as root in a folder the server's user cannot enter (a
			// checkout under /root): keep the cluster where it can.
			opts.Dir = fallbackDataDir(cfg.DataDir)
			log.Warn("the data folder is not reachable by the postgres user; using another folder",
				"wanted", cfg.DataDir, "using", opts.Dir, "why", err)
			srv, err = pgserver.Start(ctx, opts)
		}
		if err != nil {
			if errors.Is(err, pgserver.ErrNoBinaries) {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("starting the private database in %s: %w", cfg.DataDir, err)
		}
		log.Info("using the private PostgreSQL cluster (set LAPOR_DATABASE_URL to use your own database)",
			"data_dir", srv.Dir(), "log", srv.Dir()+"/postgres.log")
		stopServer = func() { _ = srv.Stop() }
		if err := createDatabase(ctx, srv.URL("postgres"), "lapor"); err != nil {
			stopServer()
			return nil, nil, err
		}
		url = srv.URL("lapor")
	}
	db, err := store.Open(ctx, url, log)
	if err != nil {
		stopServer()
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		stopServer()
		return nil, nil, err
	}
	return db, func() { db.Close(); stopServer() }, nil
}

// fallbackDataDir is a folder for the private cluster of dataDir that the
// server's user can reach: one per data folder, so two checkouts do not share.
func fallbackDataDir(dataDir string) string {
	abs, _ := filepath.Abs(dataDir)
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join("/var/lib/lapor", "cluster-"+hex.EncodeToString(sum[:4]))
}

func createDatabase(ctx context.Context, adminURL, name string) error {
	db, err := store.Open(ctx, adminURL, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	err = db.Exec(ctx, "CREATE DATABASE "+name)
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func migrate(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	db, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	fmt.Fprintln(stdout, "database is migrated")
	_ = db
	return nil
}

// serviceConfig is the flows configuration of cfg, with its policy file.
func serviceConfig(cfg Config) (flows.Config, error) {
	policy, err := loadPolicy(cfg)
	if err != nil {
		return flows.Config{}, err
	}
	fcfg := flows.DefaultConfig()
	fcfg.Policy = policy
	fcfg.DefaultLang = flows.Lang(cfg.Lang)
	fcfg.TrackingPrefix = cfg.TrackingPrefix
	fcfg.MaxFileBytes = int64(cfg.MaxFileMB) << 20
	fcfg.MaxAttachments = cfg.MaxAttachments
	fcfg.DraftReminderAfter = cfg.DraftReminderAfter
	fcfg.WebURL = cfg.WebURL()
	fcfg.FloodPerMinute = cfg.FloodPerMinute
	fcfg.InviteTTL = cfg.InviteTTL
	fcfg.OfficerIDs = map[string]func(string) (string, error){"whatsapp": whatsappUserID}
	fcfg.Handles = map[string]func(string) string{"whatsapp": readableNumber}
	if fcfg.Letterhead, fcfg.Signature, err = printing(cfg); err != nil { // records.go
		return flows.Config{}, err
	}
	return fcfg, nil
}

// source is a channel with its receiving loop.
type source struct {
	ch      bot.Channel
	receive func(ctx context.Context) error // runs until ctx ends
	health  func() error                    // nil while the channel works; shown on /readyz
	active  func() bool                     // nil: this process may always send on the channel
	info    func() map[string]any           // more to show on /readyz (e.g. the WhatsApp version)
	version func() string                   // the platform client's version, for the metrics (nil: none)
	web     http.Handler                    // pages and API served at / (the web chat)
	jobs    []scheduler.Job                 // the channel's housekeeping, run by the scheduler's leader
	// inviteLink makes the link that opens an officer invitation in a
	// private chat with the bot (nil: none on this channel; see invitelinks.go).
	inviteLink func(code string) string
}

// sourceFactory builds a source once the inbox it stores into exists.
type sourceFactory func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error)

// serve starts every part in order and stops them in reverse when ctx ends.
// With --demo it also prints a sign-in link for every desk's web room.
func serve(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stdout)
	demo := fs.Bool("demo", false, "print a web room sign-in link for every desk, to try the whole SOP on one machine")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var demoOut io.Writer
	if *demo {
		demoOut = stdout
		if cfg.DatabaseURL == "" {
			// The demo's officers and links never land in the real data.
			cfg.DataDir = demoDataDir(cfg.DataDir)
		}
	}
	var factories []sourceFactory
	if cfg.TelegramToken != "" {
		factories = append(factories, telegramSource(cfg, log))
	} else {
		log.Info("Telegram is off: set LAPOR_TELEGRAM_TOKEN (or LAPOR_TELEGRAM_TOKEN_FILE) to turn it on")
	}
	factories = append(factories, optionalSources(cfg, log)...)
	factories = append(factories, webchatSource(cfg, log))
	return serveWith(ctx, cfg, log, factories, demoOut)
}

// webchatSource is the web chat, always on: the channel a newcomer can try
// without any account, and the one a regency embeds in its website.
func webchatSource(cfg Config, log *slog.Logger) sourceFactory {
	return func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		// A browser may send what a private chat may: one setting for
		// every channel.
		ch := webchat.New(db, inbox, webchat.Options{MaxUpload: int64(cfg.MaxFileMB) << 20, PerSession: cfg.FloodPerMinute,
			DefaultLang: cfg.Lang, Rooms: svc, Log: log,
			Proxies: cfg.TrustedProxies, PublicURL: cfg.WebURL(), SessionIdle: cfg.WebSessionIdle,
			StreamsPerAddress: max(1, cfg.HTTPConnsPerAddress/2)})
		// Expiry runs a few times per idle period, at least hourly.
		every := min(max(cfg.WebSessionIdle/4, time.Second), time.Hour)
		expire := scheduler.Job{Name: "web-sessions", Spec: "@every " + every.String(), Run: func(ctx context.Context) error {
			n, err := ch.ExpireSessions(ctx)
			if n.Sessions > 0 {
				log.Info("idle web chat sessions deleted", "sessions", n.Sessions, "messages", n.Messages, "files", n.Files)
			}
			return err
		}}
		// An invitation's web link signs the browser in to its desk's room.
		inviteLink := func(code string) string { return flows.SignInLink(cfg.WebURL(), code) }
		return source{ch: ch, receive: ch.Run, web: ch.Handler(),
			jobs: []scheduler.Job{expire}, inviteLink: inviteLink}, nil
	}
}

func telegramSource(cfg Config, log *slog.Logger) sourceFactory {
	return func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		tg := telegram.New(telegram.Options{
			Token: cfg.TelegramToken, APIEndpoint: cfg.TelegramAPIEndpoint, FileEndpoint: cfg.TelegramFileEndpoint,
			PollTimeout: cfg.TelegramPollTimeout, Log: log,
			Pacing: bot.Pacing{
				PerChat:           time.Duration(float64(time.Second) / cfg.TelegramPerChat),
				PerGroupPerMinute: cfg.TelegramPerGroup,
				Global:            time.Duration(float64(time.Second) / cfg.TelegramGlobal),
			},
		})
		// Telegram allows one getUpdates at a time per bot, and its limits
		// are per bot: one replica polls and sends, the others stand by.
		var active atomic.Bool
		receive := func(ctx context.Context) error {
			return exclusively(ctx, db, "lapor-telegram", log, &active, func(ctx context.Context) error {
				// What the lock's previous holder claimed and did not send
				// goes out now, not when its leases run out.
				if n, err := db.ReleaseLeases(ctx, telegram.Name, time.Now()); err != nil {
					log.Warn("the previous sender's leases were not released; they run out by themselves", "err", err)
				} else if n > 0 {
					log.Info("released the previous sender's leases", "messages", n)
				}
				return tg.Poll(ctx, inbox)
			})
		}
		// The bot's username, for invitation links: asked when an admin
		// first invites someone, not at start.
		username := &lazyName{ask: tg.Me, timeout: 5 * time.Second}
		inviteLink := func(code string) string { return telegramInviteLink(username.get(), code) }
		return source{ch: tg, receive: receive, active: active.Load, inviteLink: inviteLink}, nil
	}
}

// exclusively runs run while this process holds the lock key, and stands
// by while another one does. active is true while run runs. Losing the
// lock (its connection died) stops run and tries again.
func exclusively(ctx context.Context, db *store.DB, key string, log *slog.Logger, active *atomic.Bool, run func(context.Context) error) error {
	standingBy := false
	for ctx.Err() == nil {
		lease, err := db.TryLeader(ctx, key)
		if err != nil || lease == nil {
			if err != nil && ctx.Err() == nil {
				log.Warn("lock not taken", "lock", key, "err", err)
			} else if err == nil && !standingBy {
				log.Info("another replica holds the lock; standing by", "lock", key)
				standingBy = true
			}
			if !sleepCtx(ctx, 5*time.Second) {
				return nil
			}
			continue
		}
		standingBy = false
		log.Info("lock taken", "lock", key)
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- run(rctx) }()
		active.Store(true)
		var runErr error
	watch:
		for {
			select {
			case runErr = <-done:
				break watch
			case <-time.After(5 * time.Second):
				if err := lease.Held(ctx); err != nil && ctx.Err() == nil {
					log.Warn("lock lost; stopping until it is taken again", "lock", key, "err", err)
					cancel()
					<-done // stopped because the lock was lost: not an error
					break watch
				}
			}
		}
		active.Store(false)
		cancel()
		lease.Release()
		if runErr != nil && ctx.Err() == nil {
			return runErr
		}
	}
	return nil
}

// serveWith runs the service with the given channels. When demo is not
// nil, the demo's sign-in links are printed to it once the service listens.
func serveWith(ctx context.Context, cfg Config, log *slog.Logger, factories []sourceFactory, demo io.Writer) error {
	log.Info("lapor starting", append([]any{"version", version}, cfg.Redacted()...)...)
	db, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if demo == nil {
		if err := endDemoLinks(ctx, db, log); err != nil { // demo.go
			return err
		}
	}

	fcfg, err := serviceConfig(cfg)
	if err != nil {
		return err
	}
	// Each channel adds its invitation link below, before anything
	// handles a message (the service shares this map).
	fcfg.InviteLinks = map[string]func(string) string{}
	// The metrics need the channels, made below; nothing is handled before.
	var met *metrics.Metrics
	fcfg.OnHandled = func(h flows.Handled) { met.Handled(h) }
	svc := flows.New(db, fcfg, nil, region.Default(), time.Now, log)
	if err := svc.Seed(ctx); err != nil {
		return err
	}
	if err := svc.ReloadCalendar(ctx); err != nil {
		return err
	}

	// The inbox wakes the workers, the channels need the inbox, and the
	// workers need the channels: create the workers first and give them
	// the channels before they run.
	var dispatchers []*bot.Dispatcher
	wakeDispatchers := func() {
		for _, d := range dispatchers {
			d.Wake()
		}
	}
	workers := bot.NewWorkers(svc, nil, cfg.Workers, wakeDispatchers, log)
	inbox := bot.NewInbox(db, workers.Wake)
	var sources []source
	for _, f := range factories {
		src, err := f(ctx, db, svc, inbox)
		if err != nil {
			return err
		}
		sources = append(sources, src)
		if src.inviteLink != nil {
			fcfg.InviteLinks[src.ch.Name()] = src.inviteLink
		}
		workers.AddChannel(src.ch)
	}
	met = newMetrics(cfg, db, sources, log) // adminhttp.go
	for _, src := range sources {
		dispatchers = append(dispatchers, bot.NewDispatcher(db, src.ch, bot.DispatcherOptions{Lease: cfg.OutboxLease, Active: src.active,
			OnPause: pauseNotice(svc, flows.Lang(cfg.Lang), src.ch.Name(), log), Meter: met.Meter(src.ch.Name()), Log: log}))
	}

	sched := scheduler.New(calendar.Local(), log, func(ctx context.Context, key string) (scheduler.Lock, error) {
		lease, err := db.TryLeader(ctx, key)
		if lease == nil {
			return nil, err
		}
		return lease, nil
	})
	sched.Leading, sched.Ran = met.Leading, met.Ran
	every := fmt.Sprintf("@every %s", cfg.SweepEvery)
	if err := sched.Add(scheduler.Job{Name: "deadline-sweep", Spec: every, Run: func(ctx context.Context) error {
		res, err := svc.Sweep(ctx)
		if res != (flows.SweepResult{}) {
			log.Info("deadline sweep", "result", fmt.Sprintf("%+v", res))
			wakeDispatchers()
		}
		return err
	}}); err != nil {
		return err
	}
	if err := sched.Add(scheduler.Job{Name: "draft-reminders", Spec: "@every 10m", Run: func(ctx context.Context) error {
		n, err := svc.RemindIdleDrafts(ctx)
		if n > 0 {
			wakeDispatchers()
		}
		return err
	}}); err != nil {
		return err
	}

	if err := sched.Add(scheduler.Job{Name: "invitation-expiry", Spec: "@every 10m", Run: func(ctx context.Context) error {
		n, err := svc.ExpireInvitations(ctx)
		if n > 0 {
			log.Info("officer invitations expired unused", "invitations", n)
		}
		return err
	}}); err != nil {
		return err
	}

	// Stored files nothing refers to: left by a crash between writing a
	// file and storing the row that refers to it. A day of grace is far
	// longer than any upload takes.
	if err := sched.Add(scheduler.Job{Name: "blob-collector", Spec: "@every 1h", Run: func(ctx context.Context) error {
		n, err := db.CollectBlobs(ctx, 24*time.Hour)
		if n > 0 {
			log.Info("deleted stored files nothing refers to", "blobs", n)
		}
		return err
	}}); err != nil {
		return err
	}
	// The queues keep handled and delivered messages for LAPOR_KEEP_MESSAGES
	// (a redelivery within it changes nothing), then let them go.
	if err := sched.Add(scheduler.Job{Name: "message-retention", Spec: "@every 1h", Run: func(ctx context.Context) error {
		in, out, err := db.PruneMessages(ctx, time.Now().Add(-cfg.KeepMessages), 5000)
		if in+out > 0 {
			log.Info("old handled messages deleted from the queues", "inbound", in, "outbound", out)
		}
		return err
	}}); err != nil {
		return err
	}
	for _, src := range sources {
		for _, job := range src.jobs {
			if err := sched.Add(job); err != nil {
				return err
			}
		}
	}

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("LAPOR_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	openData := open311.Handler(svc.OpenData(flows.Lang(cfg.Lang)), open311.Options{Jurisdiction: cfg.Open311Jurisdiction,
		BaseURL: cfg.WebURL(), Contact: "LAPOR! SP4N " + region.Default().Name(), Log: log})
	openData = edge.PerClient(openData, cfg.TrustedProxies, cfg.Open311PerMinute, edge.NewRate(nil))
	limits := edge.Limits{Timeout: cfg.HTTPTimeout, IdleTimeout: cfg.HTTPIdleTimeout, MinRate: int64(cfg.HTTPMinRate),
		MaxConns: cfg.HTTPMaxConns, ConnsPerAddress: cfg.HTTPConnsPerAddress, Proxies: cfg.TrustedProxies, Log: log}.WithDefaults()
	srv, httpLn := edge.NewServer(ln, healthHandler(db, sources, openData), limits)
	adminLn, err := listenAdmin(cfg)
	if err != nil {
		_ = ln.Close()
		return err
	}
	log.Info("HTTP limits", "max_conns", limits.MaxConns, "conns_per_address", limits.ConnsPerAddress, "timeout", limits.Timeout,
		"idle_timeout", limits.IdleTimeout, "min_rate", limits.MinRate, "trusted_proxies", cfg.TrustedProxies.String())

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil {
				log.Error("part stopped", "part", name, "err", err)
				cancel()
			}
		}()
	}
	run("workers", workers.Run)
	for _, d := range dispatchers {
		run("dispatcher", d.Run)
	}
	for _, src := range sources {
		run(src.ch.Name(), src.receive)
	}
	run("scheduler", sched.Run)
	run("http", func(ctx context.Context) error {
		go func() {
			<-ctx.Done()
			sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer scancel()
			_ = srv.Shutdown(sctx)
		}()
		if err := srv.Serve(httpLn); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	admin := "off"
	if adminLn != nil {
		admin = "http://" + adminLn.Addr().String()
		run("admin", func(ctx context.Context) error { return serveAdmin(ctx, adminLn, adminHandler(db, sources, met)) })
	}
	log.Info("lapor is ready", "web_chat", cfg.WebURL()+"/", "health", "http://"+ln.Addr().String()+"/healthz", "admin", admin)
	if demo != nil {
		log.Warn("demo mode: sign-in links for every desk are printed; do not use demo mode with real complaints")
		if err := printDemo(ctx, db, svc, cfg.WebURL(), demo); err != nil {
			cancel()
			wg.Wait()
			return err
		}
	}
	<-ctx.Done()
	log.Info("lapor stopping")
	wg.Wait()
	return nil
}

// healthHandler serves /healthz (the process is alive) and /readyz (the
// database answers; with the counts of work waiting) for a load balancer,
// the open data under /open311/, and the web chat at /. A channel that is
// down does not make /readyz fail: the web chat still works. Each
// channel's state is on the admin listener (adminhttp.go).
func healthHandler(db *store.DB, sources []source, openData http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/open311/", openData)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		status, code := readiness(r.Context(), db)
		writeJSON(w, code, status)
	})
	for _, src := range sources {
		if src.web != nil {
			mux.Handle("/", src.web)
		}
	}
	return mux
}

// sleepCtx waits d, or less when ctx ends; it reports whether ctx is still alive.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// pauseNotice tells the super admin desk that a platform restricts the
// service's account (WhatsApp's 463 or reach-out timelock): every message
// of the channel waits until the pause ends.
func pauseNotice(svc *flows.Service, lang flows.Lang, channel string, log *slog.Logger) func(context.Context, time.Time, string) {
	name := map[string]string{"whatsapp": "WhatsApp", "telegram": "Telegram"}[channel]
	if name == "" {
		name = channel
	}
	return func(ctx context.Context, until time.Time, reason string) {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		text := flows.T(lang, "alert.channel.paused", name, reason, until.In(calendar.Local()).Format("02-01-2006 15:04")+" "+calendar.Abbr())
		if err := svc.AlertDesk(ctx, flows.DeskSuperAdmin, text); err != nil {
			log.Error("could not tell the super admin desk of the account's pause", "channel", channel, "err", err)
		}
	}
}
