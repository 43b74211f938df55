// Package pgtest gives tests a real PostgreSQL: one throwaway cluster per
// test binary (started from TestMain through pgserver, on tmpfs when the
// machine has one) and, for each test, its own database cloned from a
// migrated template with CREATE DATABASE ... TEMPLATE.
//
// PGTEST_URL makes it use an already-running server instead (a role that
// may CREATE DATABASE).
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgserver"
)

const templateDB = "lapor_template"

// Cluster is a running test cluster with a migrated template database.
type Cluster struct {
	server  *pgserver.Server
	dir     string
	baseURL string
	admin   *pgxpool.Pool
	n       atomic.Int64
}

// Start starts a cluster and migrates the template. Call Stop when done.
func Start(ctx context.Context) (*Cluster, error) {
	c := &Cluster{}
	if u := os.Getenv("PGTEST_URL"); u != "" {
		c.baseURL = u
	} else {
		base := os.Getenv("PGTEST_DIR")
		if base == "" {
			if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
				base = "/dev/shm"
			}
		}
		reapStale(base)
		dir, err := os.MkdirTemp(base, "lapor-pgtest-")
		if err != nil {
			return nil, err
		}
		c.dir = dir
		c.server, err = pgserver.Start(ctx, pgserver.Options{Dir: dir, Throwaway: true, DieWithParent: true,
			Settings: []string{"shared_buffers=64MB"}})
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.baseURL = c.server.URL("postgres")
	}
	var err error
	c.admin, err = pgxpool.New(ctx, c.url("postgres"))
	if err != nil {
		c.Stop()
		return nil, err
	}
	for _, q := range []string{
		"DROP DATABASE IF EXISTS " + templateDB + " WITH (FORCE)",
		"CREATE DATABASE " + templateDB,
	} {
		if _, err := c.admin.Exec(ctx, q); err != nil {
			c.Stop()
			return nil, fmt.Errorf("pgtest: %s: %w", q, err)
		}
	}
	if _, err := store.MigrateURL(ctx, c.url(templateDB)); err != nil {
		c.Stop()
		return nil, fmt.Errorf("pgtest: migrate template: %w", err)
	}
	if _, err := c.admin.Exec(ctx, "ALTER DATABASE "+templateDB+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// Main is TestMain's body: start a cluster, run the tests, stop it.
func Main(m *testing.M, c **Cluster) {
	cl, err := Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*c = cl
	code := m.Run()
	cl.Stop()
	os.Exit(code)
}

// url returns the connection URL of database db.
func (c *Cluster) url(db string) string {
	u, err := url.Parse(c.baseURL)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + db
	return u.String()
}

// NewDatabase clones the template into a fresh database for t, drops it
// when t ends, and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), c.n.Add(1))
	if _, err := c.admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+templateDB+" STRATEGY FILE_COPY"); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := c.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return c.url(name)
}

// NewEmptyDatabase creates a database without lapor's schema for t (for
// tests of the migrations themselves), drops it when t ends, and returns
// its URL.
func (c *Cluster) NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("e_%d_%d", os.Getpid(), c.n.Add(1))
	if _, err := c.admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := c.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return c.url(name)
}

// NewDB is NewDatabase opened as a store.DB, closed at cleanup.
func (c *Cluster) NewDB(t testing.TB) *store.DB {
	t.Helper()
	u := c.NewDatabase(t)
	db, err := store.Open(context.Background(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close) // registered after the drop, so it runs first
	return db
}

// Stop shuts the cluster down and removes its files.
func (c *Cluster) Stop() {
	if c.admin != nil {
		c.admin.Close()
	}
	if c.server != nil {
		_ = c.server.Stop()
	}
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
	}
}

// reapStale removes folders left by killed test binaries (their servers
// died with them, the files remain).
func reapStale(base string) {
	if base == "" {
		base = os.TempDir()
	}
	dirs, _ := filepath.Glob(filepath.Join(base, "lapor-pgtest-*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || time.Since(fi.ModTime()) < 30*time.Minute {
			continue // may be another package's cluster
		}
		_ = os.RemoveAll(d)
	}
}
