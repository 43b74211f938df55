//go:build !nowhatsapp

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/phone"
	"github.com/lapor-id/lapor/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
)

// optionalSources adds WhatsApp when LAPOR_WHATSAPP=1.
func optionalSources(cfg Config, log *slog.Logger) []sourceFactory {
	if !cfg.WhatsApp {
		return nil
	}
	return []sourceFactory{whatsappSource(cfg, log)}
}

// whatsappSource connects the linked WhatsApp session. Exactly one process
// holds it (an advisory lock); the others wait as stand-bys. The holder's
// supervisor reconnects after what whatsmeow does not (logout and a new
// login, a ban's end, a 405 with a newer version, refused connections);
// each problem is shown on /readyz and told once to the super admin desk.
func whatsappSource(cfg Config, log *slog.Logger) sourceFactory {
	return func(ctx context.Context, db *store.DB, svc *flows.Service, inbox *bot.Inbox) (source, error) {
		url, err := whatsappDatabaseURL(ctx, cfg, db)
		if err != nil {
			return source{}, err
		}
		container, err := whatsapp.OpenStore(ctx, url, log)
		if err != nil {
			return source{}, err
		}
		src := supervisedWhatsApp(cfg, log, db, svc, inbox, container.LIDMap, whatsapp.SupervisorOptions{
			Open: whatsapp.Dialer(container, log), Versions: whatsapp.WebVersion(nil)})
		src.inviteLink = func(code string) string {
			return whatsappInviteLink(linkedNumber(container), flows.InviteMessage(code))
		}
		return src, nil
	}
}

// supervisedWhatsApp is the WhatsApp source on a device store (so.Open) and
// a version source (so.Versions); tests give it the fake.
func supervisedWhatsApp(cfg Config, log *slog.Logger, db *store.DB, svc *flows.Service, inbox *bot.Inbox,
	lids whatsapp.LIDResolver, so whatsapp.SupervisorOptions) source {
	ch := whatsapp.New(nil, inbox, whatsapp.Options{
		Secret: "lapor:" + cfg.TrackingPrefix,
		Pacing: bot.Pacing{
			PerChat: time.Duration(float64(time.Second) / cfg.WhatsAppRatePerChat),
			Global:  time.Duration(float64(time.Second) / cfg.WhatsAppRateGlobal),
		},
		LIDs:        lids,
		MaxDownload: int64(cfg.MaxFileMB) << 20,
		// A file of a message belongs to the process connected to
		// WhatsApp: the others leave it while one holds the session.
		HeldElsewhere: func(ctx context.Context) (bool, error) {
			return db.LeaderElsewhere(ctx, whatsappLock)
		},
		Log: log,
		OnProblem: func(p whatsapp.Problem) {
			// Called from WhatsApp's event handling: a database that does
			// not answer must not hold it up for long.
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := svc.AlertDesk(ctx, flows.DeskSuperAdmin, whatsappAlert(flows.Lang(cfg.Lang), p)); err != nil {
				log.Error("could not alert the super admin desk", "problem", string(p.Kind), "err", err)
			}
		},
	})
	so.Version = cfg.WhatsAppVersion
	sup := whatsapp.NewSupervisor(ch, so)
	var holding atomic.Bool
	receive := func(ctx context.Context) error {
		return exclusively(ctx, db, whatsappLock, log, &holding, func(ctx context.Context) error {
			// As for Telegram: what the previous holder claimed and did
			// not send goes out now, not when its leases run out.
			if n, err := db.ReleaseLeases(ctx, whatsapp.Name, time.Now()); err != nil {
				log.Warn("whatsapp: the previous sender's leases were not released; they run out by themselves", "err", err)
			} else if n > 0 {
				log.Info("whatsapp: released the previous sender's leases", "messages", n)
			}
			return sup.Run(ctx)
		})
	}
	info := func() map[string]any { return map[string]any{"whatsapp_version": sup.Version()} }
	return source{ch: ch, receive: receive, health: ch.Health, active: ch.Active, info: info, version: sup.Version}
}

// whatsappAlert is the super admin desk's notice of a WhatsApp problem,
// or of WhatsApp working again (the zero Problem).
func whatsappAlert(lang flows.Lang, p whatsapp.Problem) string {
	switch p.Kind {
	case "":
		return flows.T(lang, "alert.channel.ok", "WhatsApp")
	case whatsapp.ProblemNotLinked, whatsapp.ProblemOutdated, whatsapp.ProblemReplaced, whatsapp.ProblemUnreachable:
		return flows.T(lang, "alert.wa."+string(p.Kind))
	case whatsapp.ProblemLoggedOut:
		return flows.T(lang, "alert.wa.logged_out", p.Code)
	case whatsapp.ProblemBanned:
		if p.Until.IsZero() {
			return flows.T(lang, "alert.wa.banned.open", p.Code)
		}
		return flows.T(lang, "alert.wa.banned", p.Code, p.Until.In(calendar.Local()).Format("02-01-2006 15:04")+" "+calendar.Abbr())
	case whatsapp.ProblemRefused:
		code := "CAT"
		if p.Code != 0 {
			code = strconv.Itoa(p.Code)
		}
		return flows.T(lang, "alert.wa.refused", code)
	}
	return flows.T(lang, "alert.channel", "WhatsApp", p.Detail, "WhatsApp")
}

// linkedNumber is the phone number of the linked WhatsApp account in
// international digits, read from the device store each time (a new login
// may link another number), or "" when none is linked.
func linkedNumber(container *sqlstore.Container) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	device, err := container.GetFirstDevice(ctx)
	if err != nil || device == nil || device.ID == nil {
		return ""
	}
	return device.ID.User
}

// loginPhone is the number of whatsapp-login --phone in international
// digits ("0812-3456-7890" is "6281234567890"), or "" for a QR code.
func loginPhone(args []string) (string, error) {
	switch {
	case len(args) == 0:
		return "", nil
	case len(args) == 2 && args[0] == "--phone":
		n, err := phone.Normalize(args[1])
		if err != nil {
			return "", fmt.Errorf("--phone: %w", err)
		}
		return n, nil
	}
	return "", fmt.Errorf("unexpected arguments %q", args)
}

// whatsappLock is the session lock: one connected process per number.
const whatsappLock = "lapor-whatsapp"

// whatsappDatabaseURL is the database the session lives in: the configured
// one, or the private cluster's.
func whatsappDatabaseURL(ctx context.Context, cfg Config, db *store.DB) (string, error) {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL, nil
	}
	return db.URL(), nil
}

// whatsappLogin links a WhatsApp account: lapor whatsapp-login [--phone 62812…].
func whatsappLogin(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	number, err := loginPhone(args)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		fmt.Fprintln(stderr, "Usage: lapor whatsapp-login [--phone 081234567890]")
		return 2
	}
	db, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	defer closeDB()
	url, err := whatsappDatabaseURL(ctx, cfg, db)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	container, err := whatsapp.OpenStore(ctx, url, log)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	// A login needs a version WhatsApp accepts as much as serve does.
	vctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	if v, err := whatsapp.AdvertiseVersion(vctx, cfg.WhatsAppVersion, whatsapp.WebVersion(nil)); err != nil {
		log.Warn("whatsapp: using the built-in client version", "version", v, "err", err)
	}
	cancel()
	if err := whatsapp.Login(ctx, container, stdout, number, log); err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	fmt.Fprintln(stdout, "Start the service with LAPOR_WHATSAPP=1.")
	return 0
}
