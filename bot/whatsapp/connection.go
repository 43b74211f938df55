package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"
)

// What WhatsApp does to a linked device, and who answers it:
//
//   - a dropped socket, a failed keep-alive, a server restart (503/500):
//     whatsmeow reconnects by itself. When that has not worked for
//     StuckAfter, the supervisor reports it and starts a new client with
//     back-off.
//   - events.PermanentDisconnect (whatsmeow does not reconnect): the
//     supervisor. Logged out: the device store was deleted; it watches the
//     store until a new login (lapor whatsapp-login, from any process)
//     links an account, then connects. Temporary ban: it waits until the
//     ban ends and connects. Client outdated (405): it asks WhatsApp for
//     the current web version and connects with it. Stream replaced,
//     other connect failures (400, 409, 415, 418, 501…), CAT refresh
//     errors: it retries with back-off.
//
// Each problem is told once to Options.OnProblem (the super admin desk),
// and the zero Problem follows when WhatsApp works again; /readyz shows
// the problem meanwhile.

// Conn is a WhatsApp connection the supervisor drives; *whatsmeow.Client
// satisfies it, and whatsapptest.Fake plays it in tests.
type Conn interface {
	Client
	// ConnectContext opens the connection; WhatsApp's answer (connected,
	// or a connect failure) arrives later as an event.
	ConnectContext(ctx context.Context) error
	// Disconnect closes it; whatsmeow does not reconnect after it.
	Disconnect()
	// IsLoggedIn reports whether the connection is open and authenticated.
	IsLoggedIn() bool
	// AddEventHandlerWithSuccessStatus registers an event handler; false
	// from it means "do not acknowledge".
	AddEventHandlerWithSuccessStatus(handler whatsmeow.EventHandlerWithSuccessStatus) uint32
}

var _ Conn = (*whatsmeow.Client)(nil)

// Opener makes a client for the account linked in the device store, not
// yet connected, or fails with ErrNotLinked. It is called again for every
// connection, so a login made meanwhile (by another process too) is seen.
type Opener func(ctx context.Context) (Conn, error)

// SupervisorOptions configures a Supervisor.
type SupervisorOptions struct {
	// Open makes the client of the linked account (see Dialer).
	Open Opener
	// Versions tells the current WhatsApp Web version; nil keeps the one
	// built in (or Version).
	Versions VersionSource
	// Version, when set, is advertised instead of asking Versions
	// (LAPOR_WHATSAPP_VERSION, e.g. "2.3000.1027069013").
	Version string
	// MinBackoff and MaxBackoff bound the wait between attempts after a
	// failure; defaults 5 s and 10 min, doubling in between.
	MinBackoff, MaxBackoff time.Duration
	// LinkPoll is how often the device store is read while no account is
	// linked; default 15 s.
	LinkPoll time.Duration
	// StuckAfter is how long a connection may stay down (whatsmeow
	// retrying by itself) before it is reported and restarted; default 5 min.
	StuckAfter time.Duration
	// Check is how often the connection is looked at; default 5 s.
	Check time.Duration
	// VersionTimeout bounds one version look-up; default 20 s.
	VersionTimeout time.Duration
}

// Supervisor owns the WhatsApp connection of a Channel: it connects,
// reconnects after what whatsmeow does not recover from, and keeps
// Channel.Health and the OnProblem notices true. Run it while holding the
// session's lock (one connected process per number).
type Supervisor struct {
	ch *Channel
	o  SupervisorOptions

	mu        sync.Mutex
	version   string      // advertised now
	kind      ProblemKind // of the problem the supervisor set; "" for none
	downSince time.Time   // since when no connection works; zero while one does
	upSince   time.Time   // since when the connection works; zero while none does
	backoff   time.Duration
}

// NewSupervisor returns a supervisor of ch's connection.
func NewSupervisor(ch *Channel, o SupervisorOptions) *Supervisor {
	if o.MinBackoff <= 0 {
		o.MinBackoff = 5 * time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(10*time.Minute, o.MinBackoff)
	}
	if o.LinkPoll <= 0 {
		o.LinkPoll = 15 * time.Second
	}
	if o.StuckAfter <= 0 {
		o.StuckAfter = 5 * time.Minute
	}
	if o.Check <= 0 {
		o.Check = 5 * time.Second
	}
	if o.VersionTimeout <= 0 {
		o.VersionTimeout = 20 * time.Second
	}
	return &Supervisor{ch: ch, o: o, version: CurrentVersion(), backoff: o.MinBackoff}
}

// Version is the WhatsApp Web version advertised (shown on /readyz).
func (s *Supervisor) Version() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// problem sets the channel's problem. Each kind keeps one text while it
// lasts, so a retry does not tell the desk again.
func (s *Supervisor) problem(p Problem) {
	s.mu.Lock()
	s.kind = p.Kind
	s.mu.Unlock()
	s.ch.setProblem(p)
}

func (s *Supervisor) problemKind() ProblemKind {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kind
}

// Run connects and keeps the connection until ctx ends.
func (s *Supervisor) Run(ctx context.Context) error {
	s.ch.supervised.Store(true)
	defer s.ch.supervised.Store(false)
	s.startVersion(ctx)
	s.markDown()
	unlinked := false
	for ctx.Err() == nil {
		conn, err := s.o.Open(ctx)
		switch {
		case errors.Is(err, ErrNotLinked):
			unlinked = true
			// After a logout the store is empty too: that problem says
			// more than "not linked" and was told already.
			if k := s.problemKind(); k != ProblemLoggedOut {
				s.problem(Problem{Kind: ProblemNotLinked,
					Detail: "no WhatsApp account is linked: run lapor whatsapp-login (lapor connects by itself once it is linked)"})
			}
			if !sleepCtx(ctx, s.o.LinkPoll) {
				return nil
			}
			continue
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			s.ch.log.Warn("whatsapp: could not read the device store; retrying", "err", err)
			if !sleepCtx(ctx, s.nextBackoff()) {
				return nil
			}
			continue
		}
		if unlinked {
			// A login just linked the account. Its process is still
			// connected for a moment; connecting now would replace its
			// stream, or have ours replaced. Give it one more poll.
			unlinked = false
			if !sleepCtx(ctx, s.o.LinkPoll) {
				return nil
			}
		}
		wait := s.session(ctx, conn)
		if !sleepCtx(ctx, wait) {
			return nil
		}
	}
	return nil
}

// startVersion applies LAPOR_WHATSAPP_VERSION, or the current version when
// WhatsApp tells it.
func (s *Supervisor) startVersion(ctx context.Context) {
	vctx, cancel := context.WithTimeout(ctx, s.o.VersionTimeout)
	v, err := AdvertiseVersion(vctx, s.o.Version, s.o.Versions)
	cancel()
	switch {
	case err != nil:
		s.ch.log.Warn("whatsapp: using the built-in client version", "version", v, "err", err)
	case v != PinnedVersion():
		s.ch.log.Info("whatsapp: client version", "version", v, "built_in", PinnedVersion())
	}
	s.mu.Lock()
	s.version = v
	s.mu.Unlock()
}

// session connects conn and watches it; it returns how long to wait before
// the next connection.
func (s *Supervisor) session(ctx context.Context, conn Conn) time.Duration {
	gone := make(chan events.PermanentDisconnect, 8)
	changed := make(chan struct{}, 1) // look at the connection now, not at the next tick
	conn.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		switch evt.(type) {
		case *events.Connected, *events.Disconnected:
			select {
			case changed <- struct{}{}:
			default:
			}
		}
		if p, ok := evt.(events.PermanentDisconnect); ok {
			s.ch.log.Error("whatsapp: disconnected, and whatsmeow does not reconnect", "reason", p.PermanentDisconnectDescription())
			select {
			case gone <- p:
			default: // one is enough to end the session
			}
			return true
		}
		return s.ch.HandleEvent(evt)
	})
	defer conn.Disconnect()
	if err := conn.ConnectContext(ctx); err != nil {
		if ctx.Err() != nil {
			return 0
		}
		s.ch.log.Warn("whatsapp: connect failed; retrying", "err", err)
		s.checkStuck()
		return s.nextBackoff()
	}
	// The channel sends only while the connection is logged in: what is
	// said meanwhile waits in the outbox instead of piling up failed
	// attempts and their growing back-off.
	defer s.ch.SetClient(nil)
	tick := time.NewTicker(s.o.Check)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return 0
		case p := <-gone:
			s.ch.SetClient(nil)
			s.markDown()
			return s.permanent(ctx, p)
		case <-changed:
		case <-tick.C:
		}
		if s.look(conn) {
			// whatsmeow's own reconnecting has not worked for
			// StuckAfter: start over with a new client.
			s.ch.log.Warn("whatsapp: still not connected; starting a new connection")
			return s.nextBackoff()
		}
	}
}

// look gives the channel conn while it is logged in and takes it away
// while not; it reports whether conn has been down for StuckAfter.
func (s *Supervisor) look(conn Conn) (stuck bool) {
	if conn.IsLoggedIn() {
		if !s.ch.Active() {
			s.ch.SetClient(conn)
		}
		s.markUp()
		return false
	}
	s.ch.SetClient(nil)
	s.markDown()
	return s.checkStuck()
}

// permanent answers what ended a session; it returns the wait before the
// next connection.
func (s *Supervisor) permanent(ctx context.Context, p events.PermanentDisconnect) time.Duration {
	switch e := p.(type) {
	case *events.LoggedOut:
		s.problem(Problem{Kind: ProblemLoggedOut, Code: int(e.Reason),
			Detail: "logged out by WhatsApp (" + e.Reason.String() + "): link the device again with lapor whatsapp-login; lapor connects by itself once it is linked"})
		// whatsmeow deletes the device store after dispatching the event:
		// give it time before the store is read again.
		return s.o.LinkPoll
	case *events.TemporaryBan:
		if e.Expire <= 0 {
			s.problem(Problem{Kind: ProblemBanned, Code: int(e.Code),
				Detail: fmt.Sprintf("temporarily banned by WhatsApp (%s); lapor tries again by itself", e.Code)})
			return s.nextBackoff()
		}
		// Whole minutes, so the same ban reads the same on every retry.
		until := time.Now().Add(e.Expire).UTC().Truncate(time.Minute).Add(time.Minute)
		s.problem(Problem{Kind: ProblemBanned, Code: int(e.Code), Until: until,
			Detail: fmt.Sprintf("temporarily banned by WhatsApp (%s) until %s; lapor connects again by itself then",
				e.Code, until.Format("2006-01-02 15:04 MST"))})
		// A moment after the end, not at it: a clock a little ahead
		// would meet the ban once more.
		return e.Expire + s.o.MinBackoff
	case *events.ClientOutdated:
		return s.outdated(ctx)
	case *events.StreamReplaced:
		s.problem(Problem{Kind: ProblemReplaced,
			Detail: "another process connected with this WhatsApp session (stream replaced); lapor tries again with growing pauses: stop the other process"})
		return s.nextBackoff()
	case *events.ConnectFailure:
		s.problem(Problem{Kind: ProblemRefused, Code: int(e.Reason),
			Detail: fmt.Sprintf("WhatsApp refused the connection (%s); lapor tries again with growing pauses", e.Reason)})
		return s.nextBackoff()
	default: // CATRefreshError and what whatsmeow adds later
		s.problem(Problem{Kind: ProblemRefused,
			Detail: fmt.Sprintf("WhatsApp refused the connection (%s); lapor tries again with growing pauses", p.PermanentDisconnectDescription())})
		return s.nextBackoff()
	}
}

// outdated answers a 405: connect again at once with a newer version when
// WhatsApp tells one, otherwise report and retry with back-off.
func (s *Supervisor) outdated(ctx context.Context) time.Duration {
	current := CurrentVersion()
	if s.o.Version != "" {
		s.problem(Problem{Kind: ProblemOutdated, Code: 405,
			Detail: "WhatsApp rejects client version " + current + " set by LAPOR_WHATSAPP_VERSION (405 client outdated): raise it or remove the setting"})
		return s.nextBackoff()
	}
	if s.o.Versions != nil {
		vctx, cancel := context.WithTimeout(ctx, s.o.VersionTimeout)
		v, changed, err := raiseVersion(vctx, s.o.Versions)
		cancel()
		s.mu.Lock()
		s.version = v
		s.mu.Unlock()
		if err != nil {
			s.ch.log.Warn("whatsapp: the current WhatsApp Web version is unknown", "err", err)
		}
		if changed {
			s.ch.log.Info("whatsapp: client version was outdated; connecting with the current WhatsApp Web version", "old", current, "version", v)
			return 0
		}
	}
	s.problem(Problem{Kind: ProblemOutdated, Code: 405,
		Detail: "WhatsApp rejects client version " + current + " (405 client outdated) and no newer version is known: update lapor's whatsmeow (README: Updating whatsmeow); lapor keeps trying"})
	return s.nextBackoff()
}

// markUp notes a working connection: a problem this supervisor set is
// over (the Connected event already told OnProblem, through HandleEvent),
// and once the connection has held for MaxBackoff, back-off starts small
// again. (Two processes taking the session from each other stay apart by
// growing pauses.)
func (s *Supervisor) markUp() {
	s.mu.Lock()
	now := time.Now()
	s.downSince = time.Time{}
	if s.upSince.IsZero() {
		s.upSince = now
	}
	if now.Sub(s.upSince) >= s.o.MaxBackoff {
		s.backoff = s.o.MinBackoff
	}
	wasStuck := s.kind == ProblemUnreachable
	s.kind = ""
	s.mu.Unlock()
	if wasStuck {
		s.ch.setProblem(Problem{})
	}
}

func (s *Supervisor) markDown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.upSince = time.Time{}
	if s.downSince.IsZero() {
		s.downSince = time.Now()
	}
}

// checkStuck reports a connection down for StuckAfter when nothing more
// precise is reported; it tells whether it is.
func (s *Supervisor) checkStuck() bool {
	s.mu.Lock()
	stuck := !s.downSince.IsZero() && time.Since(s.downSince) >= s.o.StuckAfter
	kind := s.kind
	s.mu.Unlock()
	if stuck && kind == "" {
		s.problem(Problem{Kind: ProblemUnreachable,
			Detail: "not connected to WhatsApp for more than " + s.o.StuckAfter.String() + "; lapor keeps trying with growing pauses"})
	}
	return stuck
}

// nextBackoff is the wait before the next attempt after a failure; each
// call doubles the next one, up to MaxBackoff.
func (s *Supervisor) nextBackoff() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.backoff
	s.backoff = min(2*s.backoff, s.o.MaxBackoff)
	return d
}

// sleepCtx waits d, or less when ctx ends; it reports whether ctx is alive.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
