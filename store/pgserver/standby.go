package pgserver

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/jackc/pgx/v5"
)

// StartStandby starts a streaming-replication standby of s (see
// Options.StandbyOf).
func (s *Server) StartStandby(ctx context.Context, o Options) (*Server, error) {
	o.StandbyOf = s
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
