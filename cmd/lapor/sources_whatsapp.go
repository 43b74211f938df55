//go:build !nowhatsapp

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// optionalSources adds WhatsApp when LAPOR_WHATSAPP=1.
func optionalSources(cfg Config, log *slog.Logger) []sourceFactory {
	if !cfg.WhatsApp {
		return nil
	}
	return []sourceFactory{whatsappSource(cfg, log)}
}

// whatsappSource connects the linked WhatsApp session. Exactly one process
// holds it (an advisory lock); the others wait as stand-bys. Logout, a ban
// or an outdated client are reported on /readyz, in the log and to the
// super admin desk, and not retried.
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
		ch := whatsapp.New(nil, inbox, whatsapp.Options{
			Secret: "lapor:" + cfg.TrackingPrefix,
			Pacing: bot.Pacing{
				PerChat: time.Duration(float64(time.Second) / cfg.WhatsAppRatePerChat),
				Global:  time.Duration(float64(time.Second) / cfg.WhatsAppRateGlobal),
			},
			LIDs:        container.LIDMap,
			MaxDownload: int64(cfg.MaxFileMB) << 20,
			HeldElsewhere: func(ctx context.Context) (bool, error) {
				return db.LeaderElsewhere(ctx, whatsappLock)
			},
			Log: log,
			OnProblem: func(problem string) {
				key, args := "alert.channel", []any{"WhatsApp", problem, "WhatsApp"}
				if problem == "" {
					key, args = "alert.channel.ok", []any{"WhatsApp"}
				}
				if err := svc.AlertDesk(context.Background(), flows.DeskSuperAdmin, flows.T(flows.Lang(cfg.Lang), key, args...)); err != nil {
					log.Error("could not alert the super admin desk", "err", err)
				}
			},
		})
		receive := func(ctx context.Context) error {
			for ctx.Err() == nil {
				lease, err := db.TryLeader(ctx, whatsappLock)
				if err != nil || lease == nil {
					if err != nil {
						log.Warn("whatsapp: lock", "err", err)
					}
					if !sleepCtx(ctx, 10*time.Second) {
						return nil
					}
					continue
				}
				cli, err := whatsapp.Connect(ctx, container, ch.HandleEvent, log)
				if errors.Is(err, whatsapp.ErrNotLinked) {
					lease.Release()
					log.Error("WhatsApp is on (LAPOR_WHATSAPP=1) but no account is linked: run lapor whatsapp-login")
					ch.SetProblem("no WhatsApp account is linked: run lapor whatsapp-login")
					return nil // the rest of lapor runs on
				}
				if err != nil {
					lease.Release()
					log.Warn("whatsapp: connect failed; retrying", "err", err)
					if !sleepCtx(ctx, 30*time.Second) {
						return nil
					}
					continue
				}
				// As for Telegram: what the previous holder claimed and
				// did not send goes out now, not when its leases run out.
				if n, err := db.ReleaseLeases(ctx, whatsapp.Name, time.Now()); err != nil {
					log.Warn("whatsapp: the previous sender's leases were not released; they run out by themselves", "err", err)
				} else if n > 0 {
					log.Info("whatsapp: released the previous sender's leases", "messages", n)
				}
				ch.SetClient(whatsapp.NewClient(cli))
				for sleepCtx(ctx, 10*time.Second) {
					if err := lease.Held(ctx); err != nil {
						log.Warn("whatsapp: lost the session lock; disconnecting", "err", err)
						break
					}
				}
				ch.SetClient(nil)
				cli.Disconnect()
				lease.Release()
			}
			return nil
		}
		return source{ch: ch, receive: receive, health: ch.Health, active: ch.Active}, nil
	}
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
	phone := ""
	if len(args) == 2 && args[0] == "--phone" {
		phone = args[1]
	} else if len(args) != 0 {
		fmt.Fprintln(stderr, "Usage: lapor whatsapp-login [--phone 6281234567890]")
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
	if err := whatsapp.Login(ctx, container, stdout, phone, log); err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	fmt.Fprintln(stdout, "Start the service with LAPOR_WHATSAPP=1.")
	return 0
}
