// Package store owns everything lapor keeps in PostgreSQL: the embedded
// migrations, the inbox that deduplicates inbound updates, conversation
// state, reports and their append-only history, attachments and the outbox.
// It is the only package that writes SQL; pgx types do not leave it.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/lapor-id/lapor/store/migrations"
)

// Errors that callers can test with errors.Is. Driver errors are mapped to
// these in one place (mapErr) and nowhere else.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: conflict")
)

// DB is the connection pool to lapor's database.
type DB struct {
	pool *pgxpool.Pool
	// marks is a small pool whose commits do not wait for the disk
	// (synchronous_commit off), for the dispatcher's bookkeeping: leases,
	// "sent", "retry at". Losing the last fraction of a second of those to
	// a database crash only means a message is sent again, which
	// at-least-once delivery allows; waiting for a WAL flush after every
	// delivered message would halve the commits the disk can give to
	// handling citizens' messages.
	marks *pgxpool.Pool
	log   *slog.Logger

	leases sync.Map // key → struct{}: the locks this DB's TryLeader holds
}

// Open connects to the database at url. It does not migrate.
func Open(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included.
		return nil, errors.New("store: the database URL is not valid")
	}
	if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	mcfg := cfg.Copy()
	mcfg.MaxConns = 8
	mcfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	marks, err := pgxpool.NewWithConfig(ctx, mcfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &DB{pool: pool, marks: marks, log: log}, nil
}

// Close closes every connection.
func (db *DB) Close() {
	db.marks.Close()
	db.pool.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Migrate applies the embedded migrations under a Postgres session lock, so
// several replicas starting together apply each migration once.
func (db *DB) Migrate(ctx context.Context) error {
	_, err := Migrate(ctx, db.pool)
	return err
}

// Migrate applies the embedded migrations to the database behind pool and
// returns the resulting schema version.
func Migrate(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return 0, fmt.Errorf("store: migration locker: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS,
		goose.WithSessionLocker(locker))
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// MigrateURL migrates the database at url (used by the test harness and the
// migrate subcommand).
func MigrateURL(ctx context.Context, url string) (int64, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("store: connect: %w", err)
	}
	defer pool.Close()
	return Migrate(ctx, pool)
}

// Tx is one database transaction. Everything the handling of one inbound
// message changes goes through a single Tx.
type Tx struct {
	tx     pgx.Tx
	outbox []queued // written at commit (Tx.flushOutbox)
	// finishes are the inbox marks FinishInbound recorded, written at
	// commit with the outbox, in the same statement.
	finishes []finishing
	// finished is the outcome FinishInbound last recorded in tx.
	finished string
}

// InTx runs fn in a transaction, committing when fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // no-op after commit
	t := &Tx{tx: tx}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.flushOutbox(ctx); err != nil {
		return err
	}
	return mapErr(tx.Commit(ctx))
}

// mapErr turns driver errors into the package's sentinel errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
	}
	return err
}

// nullTime converts an optional time to a nullable column value.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// valueTime converts a nullable column back to a zero-able time.
func valueTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// Exec runs one statement outside any transaction (administration and tests).
func (db *DB) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := db.pool.Exec(ctx, sql, args...)
	return mapErr(err)
}

// Lease is a session advisory lock held on a connection of its own: the
// holder is the only one of its kind (the scheduler leader) until Release,
// or until the connection dies, which Held reports.
type Lease struct {
	conn *pgxpool.Conn
	key  string
	db   *DB
}

// TryLeader takes the lock named key if nobody holds it; nil, nil means
// another process does.
func (db *DB) TryLeader(ctx context.Context, key string) (*Lease, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, key).Scan(&got); err != nil {
		conn.Release()
		return nil, mapErr(err)
	}
	if !got {
		conn.Release()
		return nil, nil
	}
	db.leases.Store(key, struct{}{})
	return &Lease{conn: conn, key: key, db: db}, nil
}

// LeaderElsewhere reports whether another process holds the lock named
// key in this database (not this one, through TryLeader), without taking
// it: a stand-by replica asks whether there is a leader to leave work to.
func (db *DB) LeaderElsewhere(ctx context.Context, key string) (bool, error) {
	if _, mine := db.leases.Load(key); mine {
		return false, nil
	}
	var held bool
	// A one-key advisory lock shows its bigint key split into classid
	// (high half) and objid (low half), with objsubid 1.
	err := db.pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM pg_locks
			WHERE locktype = 'advisory' AND granted AND objsubid = 1
			  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			  AND classid = ((hashtext($1)::bigint >> 32) & 4294967295)::oid
			  AND objid = (hashtext($1)::bigint & 4294967295)::oid)`, key).Scan(&held)
	return held, mapErr(err)
}

// Held checks that the lease's connection, and so the lock, is alive.
func (l *Lease) Held(ctx context.Context) error { return l.conn.Ping(ctx) }

// Release gives the lock up.
func (l *Lease) Release() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, _ = l.conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtext($1))`, l.key)
	l.conn.Release()
	l.db.leases.Delete(l.key)
}

// URL is the connection string of the database (for components that open
// their own connections, such as the WhatsApp session store). It contains
// the password: never log it.
func (db *DB) URL() string { return db.pool.Config().ConnString() }
