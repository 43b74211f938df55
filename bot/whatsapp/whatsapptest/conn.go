package whatsapptest

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot/whatsapp"
)

// The fake's connection side plays what WhatsApp and whatsmeow do to a
// linked device, as whatsmeow's connectionevents.go and client.go do it:
//
//   - the device store holds one linked account (Unlink/Link: a logout, a
//     lapor whatsapp-login run by any process);
//   - a connection opens with ConnectContext and WhatsApp answers later,
//     as an event: Connected, or a connect failure (401/403/406 logged
//     out and the store deleted, 402 temporary ban, 405 client outdated
//     when the advertised version is older than RequireVersion, 500/503
//     retried by whatsmeow itself, any other reason ConnectFailure);
//   - WhatsApp ends a live connection with LogOut (device removed),
//     Ban, ReplaceStream (another process connected with the same keys),
//     or the network drops it (NetworkDown), after which whatsmeow
//     reconnects by itself until it works or fails for good;
//   - keep-alive timeouts (KeepAliveTimeout) leave the connection up.
//
// Events are dispatched from their own goroutine, as whatsmeow does.

// connState is the fake WhatsApp server's view of the one linked account.
type connState struct {
	unlinked    bool
	networkDown bool
	failures    []int // reasons of the next connect failures, in order
	banUntil    time.Time
	banCode     int
	minVersion  store.WAVersionContainer
	current     *Conn // the connection WhatsApp serves now
	attempts    int
}

// Conn is one client of the fake (what whatsmeow.NewClient returns for a
// device): it implements whatsapp.Conn, and sends through its Fake.
type Conn struct {
	*Fake
	handlers []whatsmeow.EventHandlerWithSuccessStatus
	loggedIn bool
	wantUp   bool // ConnectContext called and no Disconnect since: whatsmeow reconnects by itself
	deleted  bool // its device store was deleted by a logout
}

var _ whatsapp.Conn = (*Conn)(nil)

// Open is a whatsapp.Opener on the fake's device store: a new client of the
// linked account, or whatsapp.ErrNotLinked.
func (f *Fake) Open(context.Context) (whatsapp.Conn, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conn.unlinked {
		return nil, whatsapp.ErrNotLinked
	}
	return &Conn{Fake: f}, nil
}

// Link links an account to the device store, as lapor whatsapp-login does.
func (f *Fake) Link() {
	f.mu.Lock()
	f.conn.unlinked = false
	f.mu.Unlock()
}

// Unlink empties the device store (no account linked).
func (f *Fake) Unlink() {
	f.mu.Lock()
	f.conn.unlinked = true
	f.mu.Unlock()
}

// Attempts is how many times a connection was tried, auto-reconnects
// included.
func (f *Fake) Attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conn.attempts
}

// Connected reports whether a client is connected and logged in.
func (f *Fake) Connected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conn.current != nil && f.conn.current.loggedIn
}

// FailNextConnect makes the next connection attempt end with a connect
// failure of reason (e.g. 400, 405, 409, 415, 418, 501, 503).
func (f *Fake) FailNextConnect(reason int) {
	f.mu.Lock()
	f.conn.failures = append(f.conn.failures, reason)
	f.mu.Unlock()
}

// RequireVersion makes WhatsApp refuse (405) connections that advertise a
// WhatsApp Web version older than v, e.g. "2.3000.1027069013".
func (f *Fake) RequireVersion(v string) error {
	parsed, err := store.ParseVersion(v)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.conn.minVersion = parsed
	f.mu.Unlock()
	return nil
}

// LogOut removes the linked device from the phone: the connected client
// gets LoggedOut and its device store is deleted.
func (f *Fake) LogOut() {
	f.mu.Lock()
	c := f.conn.current
	f.conn.unlinked = true
	if c != nil {
		c.drop(true)
		c.deleted = true // whatsmeow deletes the client's device store
	}
	f.mu.Unlock()
	if c != nil {
		go c.dispatch(&events.LoggedOut{OnConnect: false, Reason: events.ConnectFailureLoggedOut})
	}
}

// Ban bans the account for d with the reason code (101…106): the
// connection drops, and whatsmeow's reconnect gets TemporaryBan.
func (f *Fake) Ban(code int, d time.Duration) {
	f.mu.Lock()
	f.conn.banUntil, f.conn.banCode = time.Now().Add(d), code
	f.mu.Unlock()
	f.dropRemote()
}

// ReplaceStream is another process connecting with the same device keys:
// the connected client gets StreamReplaced, and is not reconnected.
func (f *Fake) ReplaceStream() {
	f.mu.Lock()
	c := f.conn.current
	if c != nil {
		c.drop(true)
	}
	f.mu.Unlock()
	if c != nil {
		go c.dispatch(&events.StreamReplaced{})
	}
}

// KeepAliveTimeout is n failed keep-alive pings in a row; the connection
// stays up.
func (f *Fake) KeepAliveTimeout(n int) {
	f.mu.Lock()
	c := f.conn.current
	f.mu.Unlock()
	if c != nil {
		go c.dispatch(&events.KeepAliveTimeout{ErrorCount: n, LastSuccess: time.Now().Add(-time.Duration(n) * 20 * time.Second)})
	}
}

// NetworkDown cuts the network: the connection drops, and whatsmeow's
// reconnects fail until NetworkUp.
func (f *Fake) NetworkDown() {
	f.mu.Lock()
	f.conn.networkDown = true
	f.mu.Unlock()
	f.dropRemote()
}

// NetworkUp restores the network; a reconnecting client gets through.
func (f *Fake) NetworkUp() {
	f.mu.Lock()
	f.conn.networkDown = false
	f.mu.Unlock()
}

// Deliver hands an event to the connected client the way whatsmeow's
// dispatcher does: a handler's panic is recovered and counts as success.
// It reports whether WhatsApp would get its acknowledgement.
func (f *Fake) Deliver(evt any) (acked bool) {
	f.mu.Lock()
	c := f.conn.current
	f.mu.Unlock()
	if c == nil {
		return false
	}
	return !c.dispatch(evt)
}

// dropRemote closes the live connection from WhatsApp's side: whatsmeow
// emits Disconnected and reconnects by itself.
func (f *Fake) dropRemote() {
	f.mu.Lock()
	c := f.conn.current
	if c != nil {
		c.drop(false)
	}
	f.mu.Unlock()
	if c != nil {
		go c.dispatch(&events.Disconnected{})
		go c.autoReconnect()
	}
}

// drop ends c's connection; final means whatsmeow will not reconnect.
// f.mu is held.
func (c *Conn) drop(final bool) {
	c.loggedIn = false
	if final {
		c.wantUp = false
	}
	if c.conn.current == c {
		c.conn.current = nil
	}
}

// ConnectContext opens a connection (whatsapp.Conn). As with whatsmeow's
// InitialAutoReconnect, a network failure is retried in the background.
func (c *Conn) ConnectContext(context.Context) error {
	c.mu.Lock()
	if c.deleted {
		c.mu.Unlock()
		return store.ErrDeviceDeleted
	}
	if c.loggedIn {
		c.mu.Unlock()
		return whatsmeow.ErrAlreadyConnected
	}
	c.wantUp = true
	c.mu.Unlock()
	if !c.attempt() {
		go c.dispatch(&events.Disconnected{})
		go c.autoReconnect()
	}
	return nil
}

// attempt is one connection attempt; false means the network failed and
// whatsmeow would try again.
func (c *Conn) attempt() bool {
	c.mu.Lock()
	s := &c.conn
	s.attempts++
	var evt any
	switch {
	case !c.wantUp:
		c.mu.Unlock()
		return true
	case s.networkDown:
		c.mu.Unlock()
		return false
	case s.unlinked:
		// The device was removed: WhatsApp answers 401, whatsmeow
		// deletes the store.
		evt = c.failure(int(events.ConnectFailureLoggedOut))
	case len(s.failures) > 0:
		reason := s.failures[0]
		s.failures = s.failures[1:]
		evt = c.failure(reason)
		if evt == nil { // 500/503: whatsmeow reconnects by itself
			c.mu.Unlock()
			return false
		}
	case time.Now().Before(s.banUntil):
		evt = c.failure(int(events.ConnectFailureTempBanned))
	case !s.minVersion.IsZero() && currentVersion().LessThan(s.minVersion):
		evt = c.failure(int(events.ConnectFailureClientOutdated))
	default:
		if old := s.current; old != nil && old != c {
			// Two clients with the same keys: WhatsApp keeps the newer.
			old.drop(true)
			go old.dispatch(&events.StreamReplaced{})
		}
		s.current, c.loggedIn = c, true
		evt = &events.Connected{}
	}
	c.mu.Unlock()
	go c.dispatch(evt)
	return true
}

// failure is whatsmeow's handleConnectFailure: the event for reason, or
// nil when whatsmeow reconnects by itself. f.mu is held.
func (c *Conn) failure(reason int) any {
	r := events.ConnectFailureReason(reason)
	c.loggedIn = false
	switch {
	case r == events.ConnectFailureServiceUnavailable || r == events.ConnectFailureInternalServerError:
		return nil
	case r.IsLoggedOut():
		c.wantUp, c.deleted, c.conn.unlinked = false, true, true
		return &events.LoggedOut{OnConnect: true, Reason: r}
	case r == events.ConnectFailureTempBanned:
		c.wantUp = false
		return &events.TemporaryBan{Code: events.TempBanReason(c.conn.banCode), Expire: time.Until(c.conn.banUntil).Round(time.Millisecond)}
	case r == events.ConnectFailureClientOutdated:
		c.wantUp = false
		return &events.ClientOutdated{}
	case r == events.ConnectFailureCATExpired || r == events.ConnectFailureCATInvalid:
		c.wantUp = false
		return &events.CATRefreshError{Error: errors.New("fake: CAT refresh failed")}
	default:
		c.wantUp = false
		return &events.ConnectFailure{Reason: r, Message: "fake failure"}
	}
}

// autoReconnect is whatsmeow's: try again until connected, or until the
// client is disconnected or fails for good.
func (c *Conn) autoReconnect() {
	for {
		time.Sleep(5 * time.Millisecond)
		c.mu.Lock()
		stop := !c.wantUp || c.loggedIn
		c.mu.Unlock()
		if stop || c.attempt() {
			return
		}
	}
}

// Disconnect closes the connection; whatsmeow does not reconnect after it.
func (c *Conn) Disconnect() {
	c.mu.Lock()
	c.drop(true)
	c.mu.Unlock()
}

// IsLoggedIn reports whether c is connected and authenticated.
func (c *Conn) IsLoggedIn() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loggedIn
}

// AddEventHandlerWithSuccessStatus registers a handler (whatsapp.Conn).
func (c *Conn) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handlers = append(c.handlers, h)
	return uint32(len(c.handlers))
}

// dispatch is whatsmeow's dispatchEvent: handlers in order until one
// fails; a panic is recovered and, as there, counts as no failure.
func (c *Conn) dispatch(evt any) (failed bool) {
	c.mu.Lock()
	hs := append([]whatsmeow.EventHandlerWithSuccessStatus(nil), c.handlers...)
	c.mu.Unlock()
	defer func() { _ = recover() }()
	for _, h := range hs {
		if !h(evt) {
			return true
		}
	}
	return false
}

// currentVersion is the WhatsApp Web version the process advertises.
func currentVersion() store.WAVersionContainer {
	v, _ := store.ParseVersion(whatsapp.CurrentVersion())
	return v
}
