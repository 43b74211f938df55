// Package pgserver runs a private PostgreSQL cluster from the PostgreSQL
// server binaries installed on the machine: the zero-configuration database
// of `lapor serve` (kept in a data folder and reused across restarts) and
// the throwaway clusters of the test harness.
//
// initdb and postgres refuse to run as root, so when lapor runs as root the
// server processes get the credentials of an unprivileged user ("postgres"
// by default, created by Debian's postgresql-common).
package pgserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoBinaries means no PostgreSQL server binaries were found. Its message
// tells a person what to do.
// ErrUnreachable means the server, running as an unprivileged user because
// lapor runs as root, cannot enter the data folder's parents.
var ErrUnreachable = errors.New("pgserver: the unprivileged PostgreSQL user cannot reach the data folder")

var ErrNoBinaries = errors.New(`no PostgreSQL server binaries (initdb, postgres) were found.
Install them, for example on Debian or Ubuntu:  apt-get install postgresql
(or point LAPOR_PG_BIN at the folder that holds initdb and postgres),
or use an existing database:  LAPOR_DATABASE_URL=postgres://user:password@host:5432/lapor`)

// Options configures a cluster.
type Options struct {
	// Dir is the cluster's folder; its data lives in Dir/data. An existing
	// cluster there is reused.
	Dir string
	// BinDir holds initdb and postgres; empty means look them up.
	BinDir string
	// RunAs is the unprivileged user when running as root (default "postgres").
	RunAs string
	// Throwaway turns off durability (fsync, full page writes): tests only.
	Throwaway bool
	// DieWithParent stops the server when the process that started it dies.
	DieWithParent bool
	// Settings are extra "name=value" server settings.
	Settings []string
	// StandbyOf makes a new cluster a streaming-replication standby of that
	// running server: its data folder is a base backup (pg_basebackup -R,
	// which writes standby.signal and the primary's connection settings)
	// instead of initdb's. The failover test sets up a second host this
	// way, as an operator would; PostgreSQL does the replicating.
	StandbyOf *Server
}

// Server is a running cluster reachable over a unix socket.
type Server struct {
	dir    string
	socket string
	cmd    *exec.Cmd
	exited chan error
}

// FindBinaries returns the folder holding initdb and postgres.
func FindBinaries(hint string) (string, error) {
	if hint != "" {
		if _, err := os.Stat(filepath.Join(hint, "postgres")); err != nil {
			return "", fmt.Errorf("%w\n(%s has no postgres binary)", ErrNoBinaries, hint)
		}
		return hint, nil
	}
	for _, name := range []string{"postgres", "initdb"} {
		if p, err := exec.LookPath(name); err == nil {
			if r, err := filepath.EvalSymlinks(p); err == nil {
				d := filepath.Dir(r)
				if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
					return d, nil
				}
			}
		}
	}
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(m, func(i, j int) bool { return version(m[i]) < version(m[j]) })
	if len(m) == 0 {
		return "", ErrNoBinaries
	}
	return filepath.Dir(m[len(m)-1]), nil
}

func version(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// Start initialises the cluster if Dir has none, starts postgres and waits
// until it accepts connections.
func Start(ctx context.Context, o Options) (*Server, error) {
	bin, err := FindBinaries(o.BinDir)
	if err != nil {
		return nil, err
	}
	cred, err := credential(o.RunAs)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := reachable(dir, cred); err != nil {
			return nil, err
		}
	}
	// Parents open to the server's user; the folder itself only for it.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("pgserver: create %s: %w", filepath.Dir(dir), err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("pgserver: create %s: %w", dir, err)
	}
	s := &Server{dir: dir, socket: socketDir(dir)}
	if err := os.MkdirAll(s.socket, 0o700); err != nil {
		return nil, fmt.Errorf("pgserver: create socket folder: %w", err)
	}
	if cred != nil {
		for _, d := range []string{dir, s.socket} {
			if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, fmt.Errorf("pgserver: give %s to the postgres user: %w", d, err)
			}
		}
	}
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		// A new cluster, or a standby's copy of its primary.
		name, args := "initdb", []string{"-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"}
		if o.Throwaway {
			args = append(args, "-N")
		}
		if o.StandbyOf != nil {
			name, args = "pg_basebackup", []string{"-D", data, "-h", o.StandbyOf.socket, "-U", "postgres", "-R", "-X", "stream", "-c", "fast"}
		}
		cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pgserver: %s: %v\n%s", name, err, out)
		}
	}
	args := []string{"-D", data, "-k", s.socket, "-c", "listen_addresses=",
		"-c", "max_connections=200", "-c", "log_min_messages=warning"}
	if o.Throwaway {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	for _, kv := range o.Settings {
		args = append(args, "-c", kv)
	}
	logf, err := os.OpenFile(filepath.Join(dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	// A server from a killed earlier run may still be shutting down; wait
	// for its lock file to go away rather than fail at once.
	var lastErr error
	for attempt := 0; attempt < 20; attempt++ {
		lastErr = s.spawn(ctx, bin, args, cred, logf, o.DieWithParent)
		if lastErr == nil {
			return s, nil
		}
		if !strings.Contains(lastErr.Error(), "lock file") {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	logf.Close()
	return nil, lastErr
}

func (s *Server) spawn(ctx context.Context, bin string, args []string, cred *syscall.Credential, logf *os.File, dieWithParent bool) error {
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	if dieWithParent {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGINT
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgserver: start postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err == nil {
			conn.Close(ctx)
			s.cmd, s.exited = cmd, exited
			return nil
		}
		select {
		case e := <-exited:
			return fmt.Errorf("pgserver: postgres exited (%v); last lines of %s:\n%s",
				e, filepath.Join(s.dir, "postgres.log"), tail(filepath.Join(s.dir, "postgres.log"), 8))
		case <-ctx.Done():
			_ = cmd.Process.Signal(syscall.SIGINT)
			<-exited
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Signal(syscall.SIGINT)
			<-exited
			return fmt.Errorf("pgserver: postgres did not accept connections within a minute: %w", err)
		}
	}
}

// URL returns a connection URL for database db on this server.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&sslmode=disable", db, s.socket)
}

// Dir is the cluster's folder.
func (s *Server) Dir() string { return s.dir }

// Stop shuts the server down (fast shutdown) and waits for it.
func (s *Server) Stop() error {
	if s == nil || s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
	return nil
}

// Exited receives the server process's exit status if it stops.
func (s *Server) Exited() <-chan error { return s.exited }

// socketDir is a short folder for the unix socket: socket paths must fit in
// 107 bytes, and a data folder's absolute path may be long.
func socketDir(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join(os.TempDir(), "lapor-pg-"+hex.EncodeToString(sum[:6]))
}

func credential(runAs string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if runAs == "" {
		runAs = "postgres"
	}
	u, err := user.Lookup(runAs)
	if err != nil {
		return nil, fmt.Errorf("pgserver: running as root needs an unprivileged user %q for PostgreSQL (apt-get install postgresql creates it): %w", runAs, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// reachable checks that the unprivileged user can enter every parent of
// dir, and says which one blocks it.
func reachable(dir string, cred *syscall.Credential) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if errors.Is(err, os.ErrNotExist) {
			continue // created below, with the folder
		}
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		mode := fi.Mode().Perm()
		if ok {
			canEnter := mode&0o001 != 0 ||
				(st.Uid == cred.Uid && mode&0o100 != 0) ||
				(st.Gid == cred.Gid && mode&0o010 != 0)
			if !canEnter {
				return fmt.Errorf("%w: it cannot enter %s; choose a data folder elsewhere "+
					"(LAPOR_DATA_DIR=/var/lib/lapor) or run lapor as a normal user", ErrUnreachable, d)
			}
		}
		if d == "/" || d == "." {
			return nil
		}
	}
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
