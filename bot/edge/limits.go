package edge

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Limits bound what one client can hold of the server.
//
// Time: a request's head must come within min(Timeout, 10 s); its body and
// the answer each get Timeout plus the time that MinRate allows for the
// bytes moved so far, so a citizen uploading 20 MB over a slow mobile link
// keeps going as long as the bytes keep coming, while a client trickling
// ten bytes every few seconds is cut after about Timeout. An idle
// keep-alive connection is closed after IdleTimeout.
//
// Connections: at most MaxConns are open at once, so that file descriptors
// remain for the database, files and the health checks; when the cap is
// reached the connection idle the longest is closed to make room (an idle
// keep-alive connection is free to close: the browser opens another), and
// only when none is idle does a new connection wait. One address holds at
// most ConnsPerAddress (trusted proxies excepted: they carry everyone).
type Limits struct {
	Timeout         time.Duration // default 30 s
	IdleTimeout     time.Duration // default 60 s
	MinRate         int64         // bytes per second; default 1024
	MaxConns        int           // 0: AutoMaxConns()
	ConnsPerAddress int           // default 100
	Proxies         Proxies       // exempt from ConnsPerAddress
	Log             *slog.Logger
}

// MaxHeaderTimeout is the most a request's head may take, however long
// Timeout is: a head is a few hundred bytes even on the slowest link.
const MaxHeaderTimeout = 10 * time.Second

// WithDefaults fills the zero fields.
func (l Limits) WithDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = 30 * time.Second
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = 60 * time.Second
	}
	if l.MinRate <= 0 {
		l.MinRate = 1024
	}
	if l.MaxConns <= 0 {
		l.MaxConns = AutoMaxConns()
	}
	if l.ConnsPerAddress <= 0 {
		l.ConnsPerAddress = 100
	}
	if l.Log == nil {
		l.Log = slog.New(slog.DiscardHandler)
	}
	return l
}

// AutoMaxConns is the connection cap for this process's file-descriptor
// limit: three quarters of it, keeping at least 64 descriptors for the
// database pool, uploads' temporary files and outgoing calls; at least 16
// and at most 10,000 (beyond that memory, not descriptors, is the limit).
func AutoMaxConns() int {
	n := fdLimit()
	return min(max(n-max(64, n/4), 16), 10000)
}

// NewServer returns a server for h with the limits, and the listener it
// must serve (srv.Serve(wrapped)). Shutting the server down also ends its
// long-lived streams (see Stream), which would otherwise hold it open.
func NewServer(ln net.Listener, h http.Handler, l Limits) (*http.Server, net.Listener) {
	l = l.WithDefaults()
	capped := newListener(ln, l)
	base, cancel := context.WithCancel(context.Background())
	srv := &http.Server{
		Handler:           l.handler(h),
		ReadHeaderTimeout: min(l.Timeout, MaxHeaderTimeout),
		ReadTimeout:       l.Timeout,
		WriteTimeout:      l.Timeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ConnState:         capped.connState,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(l.Log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(cancel)
	return srv, capped
}

// handler gives every request's body and answer the rate-based deadlines.
func (l Limits) handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := &pace{l: l, rc: http.NewResponseController(w), start: time.Now()}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &rateReader{ReadCloser: r.Body, p: p}
		}
		h.ServeHTTP(&rateWriter{ResponseWriter: w, p: p}, r)
	})
}

// pace is one request's progress: its deadlines follow the bytes moved.
type pace struct {
	l         Limits
	rc        *http.ResponseController
	start     time.Time
	read      int64
	lastRead  atomic.Int64 // when the body's latest bytes came, in Unix nanoseconds (a handler may write while another goroutine reads)
	written   int64
	streaming atomic.Bool
}

// allowance is how long n bytes may take at the minimum rate.
func (p *pace) allowance(n int64) time.Duration {
	return time.Duration(float64(n) / float64(p.l.MinRate) * float64(time.Second))
}

// rateReader moves the read deadline as a body's bytes come: Timeout from
// the request's start plus what MinRate allows for the bytes read.
type rateReader struct {
	io.ReadCloser
	p    *pace
	done bool
}

func (r *rateReader) Read(b []byte) (int, error) {
	p := r.p
	if !r.done {
		_ = p.rc.SetReadDeadline(p.start.Add(p.l.Timeout + p.allowance(p.read)))
	}
	n, err := r.ReadCloser.Read(b)
	if n > 0 {
		p.read += int64(n)
		p.lastRead.Store(time.Now().UnixNano())
	}
	if err == io.EOF && !r.done {
		// The whole body is in; the handler gets Timeout to answer before
		// the server's watch for a closed connection gives up on it.
		r.done = true
		_ = p.rc.SetReadDeadline(time.Now().Add(p.l.Timeout))
	}
	return n, err
}

// rateWriter moves the write deadline as an answer's bytes go: Timeout
// from the request's start, or from the body's last bytes when it took
// longer, plus what MinRate allows for the bytes written. A stream (see
// Stream) instead gives each write Timeout of its own.
type rateWriter struct {
	http.ResponseWriter
	p *pace
}

func (w *rateWriter) deadline(n int) {
	p := w.p
	if p.streaming.Load() {
		_ = p.rc.SetWriteDeadline(time.Now().Add(p.l.Timeout))
		return
	}
	p.written += int64(n)
	from := p.start
	if last := time.Unix(0, p.lastRead.Load()); last.After(from) {
		from = last
	}
	_ = p.rc.SetWriteDeadline(from.Add(p.l.Timeout + p.allowance(p.written)))
}

// writeChunk is how much of a long answer one deadline covers: a client
// that stops reading a 20 MB file is cut after the time its first chunks
// earned, not after the time the whole file would.
const writeChunk = 64 << 10

func (w *rateWriter) Write(b []byte) (int, error) {
	if len(b) == 0 {
		w.deadline(0)
		return w.ResponseWriter.Write(b)
	}
	var done int
	for len(b) > 0 {
		n := min(len(b), writeChunk)
		w.deadline(n)
		m, err := w.ResponseWriter.Write(b[:n])
		done += m
		if err != nil {
			return done, err
		}
		b = b[n:]
	}
	return done, nil
}

func (w *rateWriter) Flush() {
	w.deadline(0)
	_ = w.p.rc.Flush()
}

func (w *rateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Stream turns w's request into a long-lived stream (server-sent events):
// no read deadline (nothing more is read), and each write must be taken by
// the client within the server's Timeout of its own. Without the limits'
// handler (a test's recorder) it only lifts the read deadline.
func Stream(w http.ResponseWriter) {
	for cur := w; cur != nil; {
		if rw, ok := cur.(*rateWriter); ok {
			rw.p.streaming.Store(true)
			break
		}
		u, ok := cur.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		cur = u.Unwrap()
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
}

// listener caps the open connections (see Limits).
type listener struct {
	net.Listener
	l Limits

	mu       sync.Mutex
	changed  *sync.Cond // a connection closed or went idle, or the listener closed
	closed   bool
	open     int
	perKey   map[string]int
	conns    map[*conn]struct{}
	refused  int       // connections refused since the last log line
	loggedAt time.Time // of the last refusal log line
}

// conn is a connection counted by the listener.
type conn struct {
	net.Conn
	ln        *listener
	key       string // "" for a trusted proxy
	idleSince time.Time
	idle      bool
	released  atomic.Bool
}

func newListener(ln net.Listener, l Limits) *listener {
	c := &listener{Listener: ln, l: l, perKey: map[string]int{}, conns: map[*conn]struct{}{}}
	c.changed = sync.NewCond(&c.mu)
	return c
}

// Accept waits for room (closing an idle connection when the cap is
// reached), then accepts; a connection from an address that holds its
// share already is closed at once, unless one of that address's own is
// idle and can make room.
func (ln *listener) Accept() (net.Conn, error) {
	for {
		if err := ln.reserve(); err != nil {
			return nil, err
		}
		nc, err := ln.Listener.Accept()
		if err != nil {
			ln.unreserve()
			return nil, err
		}
		if c := ln.admit(nc); c != nil {
			return c, nil
		}
	}
}

// reserve takes a place among MaxConns.
func (ln *listener) reserve() error {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	for ln.open >= ln.l.MaxConns && !ln.closed {
		if victim := ln.idlest(""); victim != nil {
			ln.evict(victim)
			continue
		}
		ln.changed.Wait()
	}
	if ln.closed {
		return net.ErrClosed
	}
	ln.open++
	return nil
}

func (ln *listener) unreserve() {
	ln.mu.Lock()
	ln.open--
	ln.changed.Broadcast()
	ln.mu.Unlock()
}

func (ln *listener) admit(nc net.Conn) *conn {
	c := &conn{Conn: nc, ln: ln}
	var addr netip.Addr
	if ap, err := netip.ParseAddrPort(nc.RemoteAddr().String()); err == nil {
		addr = ap.Addr().Unmap()
	}
	if !ln.l.Proxies.Trusts(addr) {
		c.key = Key(addr)
	}
	ln.mu.Lock()
	if c.key != "" && ln.perKey[c.key] >= ln.l.ConnsPerAddress {
		victim := ln.idlest(c.key)
		if victim == nil {
			ln.open--
			ln.refused++
			logNow := time.Since(ln.loggedAt) > 10*time.Second
			n := ln.refused
			if logNow {
				ln.loggedAt, ln.refused = time.Now(), 0
			}
			ln.changed.Broadcast()
			ln.mu.Unlock()
			if logNow {
				ln.l.Log.Warn("HTTP connections refused: an address holds its share already",
					"address", c.key, "per_address", ln.l.ConnsPerAddress, "refused_since_last_report", n)
			}
			_ = nc.Close()
			return nil
		}
		ln.evict(victim)
	}
	ln.perKey[c.key]++
	ln.conns[c] = struct{}{}
	ln.mu.Unlock()
	return c
}

// idlest is the connection idle the longest (of key, when key is not "").
func (ln *listener) idlest(key string) *conn {
	var victim *conn
	for c := range ln.conns {
		if c.idle && (key == "" || c.key == key) && (victim == nil || c.idleSince.Before(victim.idleSince)) {
			victim = c
		}
	}
	return victim
}

// evict closes an idle connection; ln.mu is held, as it is wherever
// released changes, so a connection is dropped exactly once.
func (ln *listener) evict(c *conn) {
	if c.released.CompareAndSwap(false, true) {
		ln.drop(c)
	}
	// Closing wakes the server's goroutine reading from it, which ends.
	_ = c.Conn.Close()
}

// drop forgets a connection; ln.mu is held.
func (ln *listener) drop(c *conn) {
	delete(ln.conns, c)
	ln.open--
	if ln.perKey[c.key]--; ln.perKey[c.key] <= 0 {
		delete(ln.perKey, c.key)
	}
	ln.changed.Broadcast()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.ln.mu.Lock()
	if c.released.CompareAndSwap(false, true) {
		c.ln.drop(c)
	}
	c.ln.mu.Unlock()
	return err
}

// connState follows which connections are idle.
func (ln *listener) connState(nc net.Conn, s http.ConnState) {
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	ln.mu.Lock()
	defer ln.mu.Unlock()
	c.idle = s == http.StateIdle
	if c.idle {
		c.idleSince = time.Now()
		ln.changed.Broadcast()
	}
}

func (ln *listener) Close() error {
	ln.mu.Lock()
	ln.closed = true
	ln.changed.Broadcast()
	ln.mu.Unlock()
	err := ln.Listener.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
