package whatsapp

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// Only the process holding the WhatsApp connection can download a file;
// the workers of every replica take messages. A stand-by replica (no
// client) therefore leaves messages with files to the connected one while
// another process holds the session (FilesElsewhere), and, should it take
// one all the same (the session moved meanwhile), puts it back without
// counting a failed attempt (notHere). The connected process itself is
// without a client while its supervisor reconnects (a dropped network, a
// replaced stream, a temporary ban): its files wait for the connection the
// same way, since nothing can be sent meanwhile either, and asking the
// citizen to send the file again would only reach them once the file can
// be downloaded after all. When no process holds the session, or the one
// holding it waits for a person (logged out, not linked, client
// outdated), nobody can download: the plain error counts an attempt, and
// after the last one the citizen is asked to send the file again.

// errNoClient is a download or send on a process without the connection.
var errNoClient = errors.New("whatsapp: not connected here")

// heldCheck is how long an answer of Options.HeldElsewhere is reused: the
// workers ask before every claim.
const heldCheck = time.Second

var _ bot.FileHolder = (*Channel)(nil)

// standby caches whether a process holds the session.
type standby struct {
	mu   sync.Mutex
	at   time.Time
	held bool
}

// FilesElsewhere implements bot.FileHolder: true while this process has no
// client and another holds the session.
func (ch *Channel) FilesElsewhere(ctx context.Context) bool {
	if ch.client() != nil || ch.o.HeldElsewhere == nil {
		return false
	}
	held, err := ch.sessionHeld(ctx)
	return err == nil && held
}

// sessionHeld is Options.HeldElsewhere, asked at most once per heldCheck.
func (ch *Channel) sessionHeld(ctx context.Context) (bool, error) {
	ch.standby.mu.Lock()
	defer ch.standby.mu.Unlock()
	if now := time.Now(); now.Sub(ch.standby.at) >= heldCheck {
		held, err := ch.o.HeldElsewhere(ctx)
		if err != nil {
			return false, err
		}
		ch.standby.at, ch.standby.held = now, held
	}
	return ch.standby.held, nil
}

// notHere is why a process without a client cannot download a file now.
func (ch *Channel) notHere(ctx context.Context) error {
	if ch.reconnecting() {
		return flows.ErrFetchBusy
	}
	if ch.o.HeldElsewhere == nil {
		return errNoClient
	}
	held, err := ch.sessionHeld(ctx)
	if err != nil {
		return errors.Join(errNoClient, err)
	}
	if held {
		return flows.ErrFetchBusy
	}
	return errNoClient
}

// reconnecting reports whether this process holds the session (its
// Supervisor runs) and the connection is expected back without anyone
// doing anything.
func (ch *Channel) reconnecting() bool {
	if !ch.supervised.Load() {
		return false
	}
	ch.mu.Lock()
	kind := ch.problem.Kind
	ch.mu.Unlock()
	switch kind {
	case ProblemLoggedOut, ProblemNotLinked, ProblemOutdated:
		return false
	}
	return true
}
