package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lapor-id/lapor/store/pgserver"
)

// Cluster is the private PostgreSQL the run uses, with production
// durability: fsync, synchronous_commit and full_page_writes stay at
// PostgreSQL's defaults (on). pgserver's Throwaway mode (fsync=off) is
// never used here.
type Cluster struct {
	opts pgserver.Options
	srv  *pgserver.Server
	log  *slog.Logger
}

// StartCluster initialises and starts a cluster in dir/pg. With slowPlans
// above zero, the plan of every statement slower than that is written to
// the server's log (auto_explain), where SlowPlans reads them. With
// statements, pg_stat_statements is loaded (statements.go).
func StartCluster(ctx context.Context, dir, binDir string, slowPlans time.Duration, statements bool, log *slog.Logger) (*Cluster, error) {
	c := &Cluster{opts: pgserver.Options{Dir: filepath.Join(dir, "pg"), BinDir: binDir, DieWithParent: true}, log: log}
	if statements {
		c.opts.Settings = append(c.opts.Settings, statementSettings...)
	}
	if slowPlans > 0 {
		c.opts.Settings = append(c.opts.Settings, "session_preload_libraries=auto_explain",
			fmt.Sprintf("auto_explain.log_min_duration=%d", slowPlans.Milliseconds()),
			"auto_explain.log_level=warning", // pgserver logs warnings and above
			"auto_explain.log_format=text")
	}
	start := time.Now()
	srv, err := pgserver.Start(ctx, c.opts)
	if err != nil {
		return nil, err
	}
	c.srv = srv
	log.Info("PostgreSQL started", "dir", srv.Dir(), "took", time.Since(start).Round(time.Millisecond))
	return c, nil
}

// URL is the connection URL of database db.
func (c *Cluster) URL(db string) string { return c.srv.URL(db) }

// CreateDatabase creates db if it does not exist.
func (c *Cluster) CreateDatabase(ctx context.Context, db string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize())
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("create database %s: %w", db, err)
	}
	return nil
}

// Restart stops the server (fast shutdown) and starts it again on the same
// folder and socket, as an operator's restart or a failover would.
func (c *Cluster) Restart(ctx context.Context) error {
	if err := c.srv.Stop(); err != nil {
		return err
	}
	srv, err := pgserver.Start(ctx, c.opts)
	if err != nil {
		return err
	}
	c.srv = srv
	return nil
}

// Stop shuts the server down and removes its socket folder.
func (c *Cluster) Stop() {
	if c == nil || c.srv == nil {
		return
	}
	_ = c.srv.Stop()
	if u, err := url.Parse(c.srv.URL("postgres")); err == nil {
		if sock := u.Query().Get("host"); strings.HasPrefix(sock, os.TempDir()) {
			_ = os.RemoveAll(sock)
		}
	}
}

// durabilitySettings are reported with every result.
var durabilitySettings = []string{"fsync", "synchronous_commit", "full_page_writes", "wal_sync_method",
	"shared_buffers", "max_connections", "server_version"}

// Settings reads the server settings that decide what a commit costs.
func (c *Cluster) Settings(ctx context.Context) (map[string]string, error) {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	out := map[string]string{}
	for _, name := range durabilitySettings {
		var v string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

// Pool opens a small pool on db for the tool's own queries.
func (c *Cluster) Pool(ctx context.Context, db string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(c.URL(db))
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 4
	return pgxpool.NewWithConfig(ctx, cfg)
}

// retryQuery runs f until it succeeds or ctx ends: the tool's own queries
// must survive the database restart it causes.
func retryQuery(ctx context.Context, f func(ctx context.Context) error) error {
	for {
		err := f(ctx)
		if err == nil || errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// SlowPlan is how PostgreSQL ran statements that took longer than the
// auto_explain threshold, grouped by statement.
type SlowPlan struct {
	Statement string // its first line
	Count     int
	Longest   time.Duration
	Plan      string // the plan of the first one logged
}

var slowEntry = regexp.MustCompile(`WARNING:  duration: ([0-9.]+) ms  plan:`)

// SlowPlans reads the auto_explain entries of the server's log, the
// statements that were slow most often first.
func (c *Cluster) SlowPlans() []SlowPlan {
	b, err := os.ReadFile(filepath.Join(c.opts.Dir, "postgres.log"))
	if err != nil {
		return nil
	}
	by := map[string]*SlowPlan{}
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		m := slowEntry.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		ms, _ := strconv.ParseFloat(m[1], 64)
		// The entry's lines are tab-indented: "Query Text: …", then the plan.
		var entry []string
		for j := i + 1; j < len(lines) && strings.HasPrefix(lines[j], "\t"); j++ {
			entry = append(entry, strings.TrimPrefix(lines[j], "\t"))
		}
		if len(entry) == 0 {
			continue
		}
		// "Query Text: …" and the statement's lines, then the plan, whose
		// first line is the first with a cost estimate.
		start := len(entry)
		stmt := ""
		for k, l := range entry {
			if strings.Contains(l, "(cost=") {
				start = k
				break
			}
			if t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "Query Text:")); stmt == "" && t != "" {
				stmt = t
			}
		}
		var plan []string
		for _, l := range entry[start:] {
			plan = append(plan, "      "+l)
		}
		d := time.Duration(ms * float64(time.Millisecond))
		p := by[stmt]
		if p == nil {
			p = &SlowPlan{Statement: stmt, Plan: strings.Join(plan, "\n")}
			by[stmt] = p
		}
		p.Count++
		p.Longest = max(p.Longest, d)
	}
	out := make([]SlowPlan, 0, len(by))
	for _, p := range by {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}
