package whatsapptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/lapor-id/lapor/bot/whatsapp"
)

// Server is one WhatsApp server for several lapor processes: it serves a
// Fake over HTTP on loopback, and Remote (remote.go) is the client a lapor
// process under test uses instead of whatsmeow. Fault runs need it because
// a replica must die for real (SIGKILL) while the WhatsApp it talks to
// lives on.
//
// What it adds to the Fake is WhatsApp's delivery of messages to a linked
// device: a message WhatsApp holds for the device (Post) is delivered to
// the connected client, one event at a time as whatsmeow's handler queue
// takes them, and WhatsApp forgets it only once the client acknowledged it
// (its event handler returned true). One not acknowledged when the
// connection dies (the process was killed, the network dropped, the stream
// was replaced) or refused by the handler is delivered again on the next
// connection of the device, with the same id, as WhatsApp's offline queue
// does. The client's event stream is its socket: when the stream ends, so
// does the connection.
type Server struct {
	f  *Fake
	hs *httptest.Server

	mu       sync.Mutex
	remotes  map[int64]*remote
	lastID   int64
	pending  []*held // messages WhatsApp holds for the device, oldest first
	kick     chan struct{}
	stats    ServerStats
	inFlight bool // a message waits for its acknowledgement
	holdNext bool // the next message's acknowledgement is lost (HoldNextAck)
	holding  bool // a message's acknowledgement is being lost
	stopPump chan struct{}
	pumpDone chan struct{}
}

// ServerStats counts what the server did.
type ServerStats struct {
	Posted      int // messages posted by citizens
	Delivered   int // messages acknowledged by the device
	Unacked     int // deliveries not acknowledged (handler refused, or the connection died)
	Redelivered int // deliveries of a message that had been delivered before unacknowledged
	Connections int // clients opened
	Lost        int // connections whose socket died without a Disconnect (a killed process)
}

// held is a message waiting for the device's acknowledgement.
type held struct {
	evt    *events.Message
	chat   string
	tries  int
	refuse *remote // the connection that did not acknowledge it: the next one gets it
}

// remote is one client connection of a lapor process.
type remote struct {
	id     int64
	pid    int   // the process of the client
	c      *Conn // the server's side of the client; the fake's connection logic runs on it
	out    chan wireEvent
	mu     sync.Mutex
	acks   map[int64]chan bool
	seq    int64
	open   chan struct{} // the event stream is attached
	gone   chan struct{} // the event stream ended: the socket is closed
	once   sync.Once
	opened sync.Once
}

// NewServer serves f on a loopback address until Close.
func NewServer(f *Fake) *Server {
	s := &Server{f: f, remotes: map[int64]*remote{}, kick: make(chan struct{}, 1),
		stopPump: make(chan struct{}), pumpDone: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /open", s.open)
	mux.HandleFunc("GET /stream", s.stream)
	mux.HandleFunc("POST /rpc/{op}", s.rpc)
	mux.HandleFunc("POST /download", s.download)
	s.hs = httptest.NewServer(mux)
	go s.pump()
	return s
}

// URL is the server's address, for Dial.
func (s *Server) URL() string { return s.hs.URL }

// Fake is the fake behind the server, to inject faults and read its record.
func (s *Server) Fake() *Fake { return s.f }

// Close stops the server.
func (s *Server) Close() {
	close(s.stopPump)
	<-s.pumpDone
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// Stats returns the counters.
func (s *Server) Stats() ServerStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ConnectedProcess is the process id of the connected client, 0 when
// none is connected.
func (s *Server) ConnectedProcess() int {
	if r := s.current(); r != nil {
		return r.pid
	}
	return 0
}

// InFlight reports whether a message went down the connected client's
// stream and its acknowledgement has not come yet.
func (s *Server) InFlight() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// HoldNextAck loses the acknowledgement of the next message delivered: the
// client handles it and answers, but the answer never reaches WhatsApp, as
// when a process dies between storing a message and acknowledging it. The
// message stays in flight until its connection ends, and is delivered
// again on the next one; nothing else is delivered meanwhile (whatsmeow
// takes events one at a time). Holding reports when the answer came and
// was lost.
func (s *Server) HoldNextAck() {
	s.mu.Lock()
	s.holdNext = true
	s.mu.Unlock()
}

// Holding reports whether a message's acknowledgement is being lost.
func (s *Server) Holding() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.holding
}

// Pending is how many messages wait for an acknowledgement.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Post hands WhatsApp a message for the device (from Fake.TextFrom,
// Fake.ImageFrom…): it is delivered to the connected client, again and
// again on later connections, until acknowledged.
func (s *Server) Post(evt any) {
	m, ok := evt.(*events.Message)
	if !ok {
		panic(fmt.Sprintf("whatsapptest: Post takes a message, not %T", evt))
	}
	s.mu.Lock()
	s.pending = append(s.pending, &held{evt: m, chat: m.Info.Chat.String()})
	s.stats.Posted++
	s.mu.Unlock()
	s.wake()
}

func (s *Server) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// current is the connected client's remote, or nil.
func (s *Server) current() *remote {
	s.f.mu.Lock()
	c := s.f.conn.current
	up := c != nil && c.loggedIn
	s.f.mu.Unlock()
	if !up {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.remotes {
		if r.c == c {
			return r
		}
	}
	return nil
}

// pump delivers held messages to the connected client, one at a time.
func (s *Server) pump() {
	defer close(s.pumpDone)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		r := s.current()
		var h *held
		if r != nil {
			h = s.nextFor(r)
		}
		if h == nil {
			select {
			case <-s.stopPump:
				return
			case <-s.kick:
			case <-tick.C:
			}
			continue
		}
		// whatsmeow's dispatcher: the handlers in order until one
		// refuses; a panic counts as success (Conn.dispatch).
		s.mu.Lock()
		s.inFlight = true
		s.mu.Unlock()
		failed := r.c.dispatch(h.evt)
		s.mu.Lock()
		s.inFlight = false
		if !failed {
			for i, p := range s.pending {
				if p == h {
					s.pending = append(s.pending[:i], s.pending[i+1:]...)
					break
				}
			}
			s.stats.Delivered++
		} else {
			h.refuse = r
			s.stats.Unacked++
		}
		s.mu.Unlock()
	}
}

// nextFor is the oldest held message r may get: not one r refused (it
// waits for the next connection), nor one behind a message of its chat
// that waits so.
func (s *Server) nextFor(r *remote) *held {
	s.mu.Lock()
	defer s.mu.Unlock()
	blocked := map[string]bool{}
	for _, h := range s.pending {
		if blocked[h.chat] {
			continue
		}
		if h.refuse == r {
			blocked[h.chat] = true
			continue
		}
		if h.tries > 0 {
			s.stats.Redelivered++
		}
		h.tries++
		return h
	}
	return nil
}

// forward is the server side's event handler of r: it sends the event down
// r's stream and reports the client's answer; a closed stream means no
// acknowledgement.
func (s *Server) forward(r *remote) whatsmeow.EventHandlerWithSuccessStatus {
	return func(evt any) bool {
		w, ok := encodeEvent(evt)
		if !ok {
			return true
		}
		ack := make(chan bool, 1)
		r.mu.Lock()
		r.seq++
		w.Seq = r.seq
		r.acks[w.Seq] = ack
		r.mu.Unlock()
		defer func() {
			r.mu.Lock()
			delete(r.acks, w.Seq)
			r.mu.Unlock()
		}()
		// A client that never attaches its stream is gone too.
		timeout := time.NewTimer(time.Minute)
		defer timeout.Stop()
		select {
		case r.out <- w:
		case <-r.gone:
			return false
		case <-timeout.C:
			return false
		}
		s.mu.Lock()
		lose := s.holdNext && w.Kind == "message"
		if lose {
			s.holdNext = false
		}
		s.mu.Unlock()
		if lose {
			// The client's answer comes, and is lost.
			select {
			case <-ack:
			case <-r.gone:
				return false
			}
			s.mu.Lock()
			s.holding = true
			s.mu.Unlock()
			<-r.gone
			s.mu.Lock()
			s.holding = false
			s.mu.Unlock()
			return false
		}
		select {
		case ok := <-ack:
			return ok
		case <-r.gone:
			return false
		}
	}
}

// lost ends r's connection: its socket closed. whatsmeow on the other side
// is gone (or was told to Disconnect), so nothing reconnects it.
func (s *Server) lost(r *remote, disconnected bool) {
	r.once.Do(func() {
		close(r.gone)
		s.f.mu.Lock()
		wasUp := r.c.loggedIn || r.c.wantUp
		r.c.drop(true)
		s.f.mu.Unlock()
		s.mu.Lock()
		delete(s.remotes, r.id)
		if !disconnected && wasUp {
			s.stats.Lost++
		}
		s.mu.Unlock()
		s.wake()
	})
}

func (s *Server) remote(id string) (*remote, error) {
	n, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.remotes[n]
	if r == nil {
		return nil, whatsmeow.ErrNotConnected
	}
	return r, nil
}

// open is whatsmeow.NewClient on the device store: a client of the
// linked account, or ErrNotLinked.
func (s *Server) open(w http.ResponseWriter, req *http.Request) {
	c, err := s.f.Open(req.Context())
	if err != nil {
		writeJSON(w, rpcResult{Err: wireErr(err)})
		return
	}
	s.mu.Lock()
	s.lastID++
	pid, _ := strconv.Atoi(req.URL.Query().Get("pid"))
	r := &remote{id: s.lastID, pid: pid, c: c.(*Conn), out: make(chan wireEvent), acks: map[int64]chan bool{},
		open: make(chan struct{}), gone: make(chan struct{})}
	s.remotes[r.id] = r
	s.stats.Connections++
	s.mu.Unlock()
	r.c.AddEventHandlerWithSuccessStatus(s.forward(r))
	writeJSON(w, rpcResult{Conn: r.id})
}

// stream is the client's socket: events go down it as JSON lines, and
// when it ends the connection is over.
func (s *Server) stream(w http.ResponseWriter, req *http.Request) {
	r, err := s.remote(req.URL.Query().Get("conn"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusGone)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	fl.Flush()
	r.opened.Do(func() { close(r.open) })
	enc := json.NewEncoder(w)
	for {
		select {
		case e := <-r.out:
			if enc.Encode(e) != nil {
				s.lost(r, false)
				return
			}
			fl.Flush()
		case <-req.Context().Done():
			s.lost(r, false)
			return
		case <-r.gone:
			return
		}
	}
}

// rpcCall is one call of a client.
type rpcCall struct {
	Conn      int64  `json:"conn"`
	Seq       int64  `json:"seq,omitempty"`
	OK        bool   `json:"ok,omitempty"`
	To        string `json:"to,omitempty"`
	Message   []byte `json:"message,omitempty"` // a waE2E.Message
	ID        string `json:"id,omitempty"`
	Data      []byte `json:"data,omitempty"`
	MediaType string `json:"media_type,omitempty"`
	JID       string `json:"jid,omitempty"`
}

// rpcResult is its answer.
type rpcResult struct {
	Err      *wireError                `json:"err,omitempty"`
	Conn     int64                     `json:"conn,omitempty"`
	OK       bool                      `json:"ok,omitempty"`
	ID       string                    `json:"id,omitempty"`
	Upload   *whatsmeow.UploadResponse `json:"upload,omitempty"`
	JID      string                    `json:"jid,omitempty"`
	Unlinked bool                      `json:"unlinked,omitempty"`
}

func (s *Server) rpc(w http.ResponseWriter, req *http.Request) {
	var call rpcCall
	if err := json.NewDecoder(req.Body).Decode(&call); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ctx := req.Context()
	var res rpcResult
	op := req.PathValue("op")
	switch op {
	case "lid-for-pn", "pn-for-lid":
		j, err := types.ParseJID(call.JID)
		if err == nil {
			if op == "lid-for-pn" {
				j, err = s.f.GetLIDForPN(ctx, j)
			} else {
				j, err = s.f.GetPNForLID(ctx, j)
			}
		}
		res.Err = wireErr(err)
		if !j.IsEmpty() {
			res.JID = j.String()
		}
		writeJSON(w, res)
		return
	}
	r, err := s.remote(strconv.FormatInt(call.Conn, 10))
	if err != nil {
		writeJSON(w, rpcResult{Err: wireErr(err)})
		return
	}
	switch op {
	case "connect":
		// The client attaches its stream first; give it a moment.
		select {
		case <-r.open:
		case <-time.After(10 * time.Second):
		}
		res.Err = wireErr(r.c.ConnectContext(ctx))
	case "disconnect":
		r.c.Disconnect()
		s.lost(r, true)
	case "logged-in":
		res.OK = r.c.IsLoggedIn()
	case "ack":
		r.mu.Lock()
		ack := r.acks[call.Seq]
		r.mu.Unlock()
		if ack != nil {
			ack <- call.OK
		}
	case "send":
		if err := s.connected(r); err != nil {
			res.Err = wireErr(err)
			break
		}
		var m waE2E.Message
		to, err := types.ParseJID(call.To)
		if err == nil {
			err = proto.Unmarshal(call.Message, &m)
		}
		if err != nil {
			res.Err = wireErr(err)
			break
		}
		var extra []whatsmeow.SendRequestExtra
		if call.ID != "" {
			extra = append(extra, whatsmeow.SendRequestExtra{ID: types.MessageID(call.ID)})
		}
		resp, err := s.f.SendMessage(ctx, to, &m, extra...)
		res.ID, res.Err = string(resp.ID), wireErr(err)
	case "upload":
		if err := s.connected(r); err != nil {
			res.Err = wireErr(err)
			break
		}
		up, err := s.f.Upload(ctx, call.Data, whatsmeow.MediaType(call.MediaType))
		res.Upload, res.Err = &up, wireErr(err)
	default:
		http.Error(w, "unknown call", http.StatusNotFound)
		return
	}
	writeJSON(w, res)
}

// connected fails as whatsmeow does when a client sends while its
// connection is not the logged-in one.
func (s *Server) connected(r *remote) error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if !r.c.loggedIn || s.f.conn.current != r.c {
		return whatsmeow.ErrNotConnected
	}
	return nil
}

// download serves a media file: the fake's DownloadToFile into a file on
// the server's side, whose bytes then go to the client (which writes them
// into its own file, as whatsmeow does).
func (s *Server) download(w http.ResponseWriter, req *http.Request) {
	var call struct {
		Conn       int64  `json:"conn"`
		DirectPath string `json:"direct_path"`
	}
	if err := json.NewDecoder(req.Body).Decode(&call); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fail := func(err error) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadGateway)
		_ = json.NewEncoder(w).Encode(rpcResult{Err: wireErr(err)})
	}
	r, err := s.remote(strconv.FormatInt(call.Conn, 10))
	if err == nil {
		err = s.connected(r)
	}
	if err != nil {
		fail(err)
		return
	}
	file, err := os.CreateTemp("", "wafake-dl-*")
	if err != nil {
		fail(err)
		return
	}
	defer os.Remove(file.Name())
	defer file.Close()
	if err := s.f.DownloadToFile(req.Context(), &waE2E.ImageMessage{DirectPath: proto.String(call.DirectPath)}, file); err != nil {
		fail(err)
		return
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		fail(err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = io.Copy(w, file)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// wireError is an error as whatsmeow returns it: its text, and which of
// whatsmeow's errors it wraps, so errors.Is works on the client's side.
type wireError struct {
	Text string `json:"text"`
	Is   string `json:"is,omitempty"`
}

// sentinels are the errors callers test with errors.Is.
var sentinels = map[string]error{
	"iq-rate-over-limit":    whatsmeow.ErrIQRateOverLimit,
	"server-returned":       whatsmeow.ErrServerReturnedError,
	"message-timed-out":     whatsmeow.ErrMessageTimedOut,
	"not-connected":         whatsmeow.ErrNotConnected,
	"not-logged-in":         whatsmeow.ErrNotLoggedIn,
	"already-connected":     whatsmeow.ErrAlreadyConnected,
	"not-in-group":          whatsmeow.ErrNotInGroup,
	"group-not-found":       whatsmeow.ErrGroupNotFound,
	"media-404":             whatsmeow.ErrMediaDownloadFailedWith404,
	"media-410":             whatsmeow.ErrMediaDownloadFailedWith410,
	"not-linked":            whatsapp.ErrNotLinked,
	"device-deleted":        store.ErrDeviceDeleted,
	"context-deadline":      context.DeadlineExceeded,
	"context-canceled":      context.Canceled,
	"recipient-ad-jid":      whatsmeow.ErrRecipientADJID,
	"unknown-server":        whatsmeow.ErrUnknownServer,
	"broadcast-unsupported": whatsmeow.ErrBroadcastListUnsupported,
}

func wireErr(err error) *wireError {
	if err == nil {
		return nil
	}
	we := &wireError{Text: err.Error()}
	for name, s := range sentinels {
		if errors.Is(err, s) {
			we.Is = name
			break
		}
	}
	return we
}

// remoteError is a wireError on the client's side.
type remoteError struct {
	text string
	is   error
}

func (e *remoteError) Error() string { return e.text }
func (e *remoteError) Unwrap() error { return e.is }

func (we *wireError) err() error {
	if we == nil {
		return nil
	}
	return &remoteError{text: we.Text, is: sentinels[we.Is]}
}

// wireEvent is an event on a client's stream.
type wireEvent struct {
	Seq     int64              `json:"seq"`
	Kind    string             `json:"kind"`
	Info    *types.MessageInfo `json:"info,omitempty"`
	Message []byte             `json:"message,omitempty"` // the raw waE2E.Message
	Code    int                `json:"code,omitempty"`
	Expire  time.Duration      `json:"expire,omitempty"`
	Count   int                `json:"count,omitempty"`
	OnConn  bool               `json:"on_connect,omitempty"`
	Text    string             `json:"text,omitempty"`
}

func encodeEvent(evt any) (wireEvent, bool) {
	switch e := evt.(type) {
	case *events.Message:
		raw := e.RawMessage
		if raw == nil {
			raw = e.Message
		}
		b, err := proto.Marshal(raw)
		if err != nil {
			return wireEvent{}, false
		}
		info := e.Info
		return wireEvent{Kind: "message", Info: &info, Message: b}, true
	case *events.Connected:
		return wireEvent{Kind: "connected"}, true
	case *events.Disconnected:
		return wireEvent{Kind: "disconnected"}, true
	case *events.KeepAliveTimeout:
		return wireEvent{Kind: "keepalive-timeout", Count: e.ErrorCount}, true
	case *events.StreamReplaced:
		return wireEvent{Kind: "stream-replaced"}, true
	case *events.TemporaryBan:
		return wireEvent{Kind: "temporary-ban", Code: int(e.Code), Expire: e.Expire}, true
	case *events.LoggedOut:
		return wireEvent{Kind: "logged-out", Code: int(e.Reason), OnConn: e.OnConnect}, true
	case *events.ClientOutdated:
		return wireEvent{Kind: "client-outdated"}, true
	case *events.ConnectFailure:
		return wireEvent{Kind: "connect-failure", Code: int(e.Reason), Text: e.Message}, true
	case *events.CATRefreshError:
		return wireEvent{Kind: "cat-refresh-error", Text: e.Error.Error()}, true
	}
	return wireEvent{}, false
}

func (w wireEvent) decode() (any, error) {
	switch w.Kind {
	case "message":
		var m waE2E.Message
		if err := proto.Unmarshal(w.Message, &m); err != nil {
			return nil, err
		}
		evt := &events.Message{Info: *w.Info, RawMessage: &m}
		return evt.UnwrapRaw(), nil
	case "connected":
		return &events.Connected{}, nil
	case "disconnected":
		return &events.Disconnected{}, nil
	case "keepalive-timeout":
		return &events.KeepAliveTimeout{ErrorCount: w.Count, LastSuccess: time.Now().Add(-time.Duration(w.Count) * 20 * time.Second)}, nil
	case "stream-replaced":
		return &events.StreamReplaced{}, nil
	case "temporary-ban":
		return &events.TemporaryBan{Code: events.TempBanReason(w.Code), Expire: w.Expire}, nil
	case "logged-out":
		return &events.LoggedOut{OnConnect: w.OnConn, Reason: events.ConnectFailureReason(w.Code)}, nil
	case "client-outdated":
		return &events.ClientOutdated{}, nil
	case "connect-failure":
		return &events.ConnectFailure{Reason: events.ConnectFailureReason(w.Code), Message: w.Text}, nil
	case "cat-refresh-error":
		return &events.CATRefreshError{Error: errors.New(w.Text)}, nil
	}
	return nil, fmt.Errorf("whatsapptest: unknown event %q", w.Kind)
}
