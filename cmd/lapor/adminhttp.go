package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/lapor-id/lapor/metrics"
	"github.com/lapor-id/lapor/store"
)

// defaultAdminAddr is LAPOR_ADMIN_ADDR's default: the loopback only, so
// the metrics and the channels' states never reach the public network
// unless an operator says so.
const defaultAdminAddr = "127.0.0.1:9090"

// adminAddrInTests, when set, is listened on instead of the default: tests
// run many services at once, each wanting a port of its own.
var adminAddrInTests string

// newMetrics is the registry of a serving process, with the channels'
// health read at scrape time.
func newMetrics(cfg Config, db *store.DB, sources []source, log *slog.Logger) *metrics.Metrics {
	var chans []metrics.Channel
	for _, src := range sources {
		chans = append(chans, metrics.Channel{Name: src.ch.Name(), Health: src.health, Version: src.version})
	}
	return metrics.New(metrics.Options{DB: db, Channels: chans, Version: version, Log: log})
}

// adminHandler serves the admin listener:
//
//	/healthz           the process is alive (cheap: touches nothing)
//	/readyz            the database answers (200, else 503), with the queues and
//	                   every channel's state in the body; a channel that is down
//	                   does not make the service unready: the web chat still works
//	/readyz/{channel}  200 while that channel works, 503 with the reason when not
//	/metrics           Prometheus metrics (package metrics)
func adminHandler(db *store.DB, sources []source, m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		status, code := readiness(r.Context(), db)
		channels := map[string]string{}
		for _, src := range sources {
			channels[src.ch.Name()] = channelState(src)
			if src.info != nil {
				for k, v := range src.info() {
					status[k] = v
				}
			}
		}
		status["channels"] = channels
		writeJSON(w, code, status)
	})
	mux.HandleFunc("GET /readyz/{channel}", func(w http.ResponseWriter, r *http.Request) {
		for _, src := range sources {
			if src.ch.Name() != r.PathValue("channel") {
				continue
			}
			state, code := channelState(src), http.StatusOK
			if state != "ok" {
				code = http.StatusServiceUnavailable
			}
			status := map[string]any{src.ch.Name(): state}
			if src.info != nil {
				for k, v := range src.info() {
					status[k] = v
				}
			}
			writeJSON(w, code, status)
			return
		}
		http.NotFound(w, r)
	})
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// readiness is the database's state and the queues' counts: 503 only
// when the database does not answer.
func readiness(ctx context.Context, db *store.DB) (map[string]any, int) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	status := map[string]any{"database": "ok"}
	if err := db.Ping(ctx); err != nil {
		status["database"] = "unreachable"
		return status, http.StatusServiceUnavailable
	}
	inbox, _ := db.PendingInbound(ctx)
	pending, failed, _ := db.OutboxCounts(ctx)
	status["inbox_pending"], status["outbox_pending"], status["outbox_failed"] = inbox, pending, failed
	return status, http.StatusOK
}

// channelState is "ok", or why the channel does not work now.
func channelState(src source) string {
	if src.health == nil {
		return "ok"
	}
	if err := src.health(); err != nil {
		return err.Error()
	}
	return "ok"
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// listenAdmin opens the admin listener, or none when LAPOR_ADMIN_ADDR is off.
func listenAdmin(cfg Config) (net.Listener, error) {
	if cfg.AdminAddr == "" {
		return nil, nil
	}
	addr := cfg.AdminAddr
	if addr == defaultAdminAddr && adminAddrInTests != "" {
		addr = adminAddrInTests
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("LAPOR_ADMIN_ADDR %s: %w", cfg.AdminAddr, err)
	}
	return ln, nil
}

// serveAdmin serves h on ln until ctx ends. The admin listener is for
// operators on the host or the cluster's network: plain timeouts, no
// per-address limits.
func serveAdmin(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
