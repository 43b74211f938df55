package pgserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/jackc/pgx/v5"
)

// StartStandby makes a streaming-replication standby of s in dir: a base
// backup taken with pg_basebackup (which writes standby.signal and the
// primary's connection settings), started like any other cluster. The
// failover test uses it the way an operator would set up a second host;
// PostgreSQL does the replicating, not lapor.
func (s *Server) StartStandby(ctx context.Context, o Options) (*Server, error) {
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
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pgserver: create %s: %w", dir, err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, fmt.Errorf("pgserver: give %s to the postgres user: %w", dir, err)
		}
	}
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		bb := exec.CommandContext(ctx, filepath.Join(bin, "pg_basebackup"),
			"-D", data, "-h", s.socket, "-U", "postgres", "-R", "-X", "stream", "-c", "fast")
		bb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := bb.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pgserver: pg_basebackup: %v\n%s", err, out)
		}
	}
	o.Dir = dir
	return Start(ctx, o)
}

// Promote turns a standby into a primary and waits until it accepts
// writes.
func (s *Server) Promote(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// pg_promote waits (up to 60 s by default) for the promotion to end.
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT pg_promote(true, 60)").Scan(&ok); err != nil {
		return fmt.Errorf("pgserver: promote: %w", err)
	}
	if !ok {
		return errors.New("pgserver: promote: the standby did not finish promotion within 60 s")
	}
	return nil
}

// Crash stops the server the way a power cut or a killed host would look
// to its clients: an immediate shutdown (SIGQUIT), with no checkpoint and
// no goodbye to connected sessions or standbys.
func (s *Server) Crash() {
	if s == nil || s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGQUIT)
	<-s.exited
	s.cmd = nil
}

// Socket is the folder of the server's unix socket: the host of a
// connection URL (several, comma-separated, make a multi-host URL).
func (s *Server) Socket() string { return s.socket }
