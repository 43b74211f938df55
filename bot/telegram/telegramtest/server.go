// Package telegramtest is a fake Telegram Bot API server for tests.
//
// It owns everything on Telegram's side of a bot: the citizens' chats and the
// messages in them, the update queue served by getUpdates (long polling,
// confirmation by offset, redelivery, 409 Conflict for a competing poller),
// the files citizens send and bots upload (getFile, downloads, upload and
// download size limits), the Bot API's validation errors (text and caption
// lengths counted in UTF-16 code units, inline keyboards, callback answers,
// blocked and unknown chats), flood control (per-chat, per-group and global
// limits answered with 429 and retry_after), group privacy mode (on by
// default, as for a new bot: a group's plain text that is neither a command
// nor a reply to the bot never reaches it; privacy.go), and injected
// transport faults.
//
// Tests play the citizens through methods such as SendText, SendPhoto,
// ReplyText and PressButton, point the bot at APIEndpoint and FileEndpoint, and assert on
// what the bot delivered with Sent, WaitSent and Stats. Error descriptions,
// HTTP statuses and the JSON envelope follow the real Bot API, so a bot's
// error handling can be tested against it unchanged.
//
// A Server is safe for concurrent use. Close releases every request it holds
// (long polls, Timeout faults) and leaves no goroutines behind.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultToken is the bot token a Server accepts when Options.Token is empty.
const DefaultToken = "123456:TEST-TOKEN"

// ErrClosed is returned by waiting methods when the Server is closed.
var ErrClosed = errors.New("telegramtest: server closed")

// Options configures a Server. The zero value gives Telegram's documented
// limits; a negative rate or per-minute limit switches that limit off.
type Options struct {
	// Token is the only bot token the server accepts (default DefaultToken).
	// Its numeric prefix becomes the bot's user id.
	Token string
	// PerChatRate is the sustained number of messages per second one chat
	// accepts (default 1).
	PerChatRate float64
	// PerChatBurst is how many messages one chat accepts at once before
	// PerChatRate applies (default 3).
	PerChatBurst int
	// PerGroupPerMinute caps messages into one group (chat id < 0) within
	// any rolling 60 seconds (default 20).
	PerGroupPerMinute int
	// GlobalRate is the sustained number of messages per second across all
	// chats (default 30).
	GlobalRate float64
	// GlobalBurst is the burst of the global limit (default 30).
	GlobalBurst int
	// ReadAllGroupMessages switches the bot's group privacy mode off, as
	// BotFather's /setprivacy "Disable" does: the bot then receives every
	// message in its groups. By default privacy mode is on, like a new
	// bot's, and plain group text that is neither a command nor a reply to
	// the bot is withheld (see SetPrivacy).
	ReadAllGroupMessages bool
	// Now is the clock for flood control, message dates and Sent.At
	// (default time.Now). It must be safe for concurrent use. Long-poll
	// timeouts always run on real time.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Token == "" {
		o.Token = DefaultToken
	}
	if o.PerChatRate == 0 {
		o.PerChatRate = 1
	}
	if o.PerChatBurst <= 0 {
		o.PerChatBurst = 3
	}
	if o.PerGroupPerMinute == 0 {
		o.PerGroupPerMinute = 20
	}
	if o.GlobalRate == 0 {
		o.GlobalRate = 30
	}
	if o.GlobalBurst <= 0 {
		o.GlobalBurst = 30
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Server is a fake Bot API running on an httptest.Server.
type Server struct {
	albums    int // media groups sent, for their ids
	opts      Options
	ts        *httptest.Server
	bot       wireUser
	closing   chan struct{}
	closeOnce sync.Once

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced on every state change
	chats        map[int64]*chatState
	queue        []queuedUpdate
	history      map[int]json.RawMessage // every update issued, for Redeliver
	nextUpdateID int
	poll         *longPoll
	files        map[string]*storedFile // by file_id
	filePaths    map[string]*storedFile // by file_path, once getFile assigned one
	fileSeq      int
	callbacks    map[string]*callbackState
	callbackSeq  int
	sent         []Sent
	stats        Stats
	global       *gcra
	fault        func(method string) Fault
	privacy      bool // group privacy mode (BotFather /setprivacy)
}

// New starts a fake Bot API server. Call Close when done.
func New(o Options) *Server {
	o = o.withDefaults()
	s := &Server{
		opts:         o,
		bot:          botUser(o.Token),
		closing:      make(chan struct{}),
		changed:      make(chan struct{}),
		chats:        map[int64]*chatState{},
		nextUpdateID: firstUpdateID,
		files:        map[string]*storedFile{},
		filePaths:    map[string]*storedFile{},
		callbacks:    map[string]*callbackState{},
		stats:        newStats(),
		global:       newGCRA(o.GlobalRate, o.GlobalBurst),
		privacy:      !o.ReadAllGroupMessages,
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close answers pending long polls, aborts held requests and shuts the
// server down. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.ts.Close()
}

// URL is the server's base URL, like "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.ts.URL }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// APIEndpoint is the fmt format for API calls, for
// tgbotapi.NewBotAPIWithAPIEndpoint: "http://127.0.0.1:PORT/bot%s/%s".
func (s *Server) APIEndpoint() string { return s.ts.URL + "/bot%s/%s" }

// FileEndpoint is the fmt format for file downloads (token, file_path):
// "http://127.0.0.1:PORT/file/bot%s/%s".
func (s *Server) FileEndpoint() string { return s.ts.URL + "/file/bot%s/%s" }

func botUser(token string) wireUser {
	prefix, _, _ := strings.Cut(token, ":")
	id, _ := strconv.ParseInt(prefix, 10, 64)
	return wireUser{ID: id, IsBot: true, FirstName: "Test Bot", Username: "test_bot"}
}

func (s *Server) now() time.Time { return s.opts.Now() }

// broadcastLocked wakes everyone waiting for a state change.
func (s *Server) broadcastLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitChange blocks until the state changes, ctx ends or the server closes.
// The caller must hold s.mu; it is held again on return.
func (s *Server) waitChange(ctx context.Context) error {
	changed := s.changed
	s.mu.Unlock()
	defer s.mu.Lock()
	select {
	case <-changed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return ErrClosed
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch path := r.URL.Path; {
	case strings.HasPrefix(path, "/file/bot"):
		s.serveFile(w, r, strings.TrimPrefix(path, "/file/bot"))
	case strings.HasPrefix(path, "/bot"):
		s.serveAPI(w, r, strings.TrimPrefix(path, "/bot"))
	default:
		s.replyError(w, r, errNotFound)
	}
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, rest string) {
	token, name, _ := strings.Cut(rest, "/")
	rt, known := routes[strings.ToLower(name)]
	switch {
	case token != s.opts.Token:
		s.replyError(w, r, errUnauthorized)
	case !known:
		s.replyError(w, r, errNotFound)
	case s.injectFault(w, r, rt.name):
		// The fault has answered (or refused to answer) the request.
	default:
		s.call(w, r, rt)
	}
}

func (s *Server) call(w http.ResponseWriter, r *http.Request, rt route) {
	rq, err := parseRequest(r)
	if err != nil {
		s.replyError(w, r, err)
		return
	}
	result, err := rt.handle(s, rq)
	if err != nil {
		s.replyError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, envelope{OK: true, Result: result})
}

// route is one Bot API method: its canonical name and its handler. A
// handler returns the "result" of a successful call or the API error.
type route struct {
	name   string
	handle func(*Server, *request) (any, *apiError)
}

// routes maps lower-cased method names to handlers: the Bot API matches
// method names case-insensitively.
var routes = indexRoutes(
	route{"getMe", (*Server).getMe},
	route{"getUpdates", (*Server).getUpdates},
	route{"deleteWebhook", (*Server).deleteWebhook},
	route{"sendMessage", (*Server).sendMessage},
	route{"sendPhoto", mediaHandler("sendPhoto", kindPhoto)},
	route{"sendDocument", mediaHandler("sendDocument", kindDocument)},
	route{"sendVideo", mediaHandler("sendVideo", kindVideo)},
	route{"sendAudio", mediaHandler("sendAudio", kindAudio)},
	route{"sendVoice", mediaHandler("sendVoice", kindVoice)},
	route{"editMessageText", (*Server).editMessageText},
	route{"editMessageReplyMarkup", (*Server).editMessageReplyMarkup},
	route{"editMessageCaption", (*Server).editMessageCaption},
	route{"sendMediaGroup", (*Server).sendMediaGroup},
	route{"answerCallbackQuery", (*Server).answerCallbackQuery},
	route{"sendChatAction", (*Server).sendChatAction},
	route{"getChat", (*Server).getChat},
	route{"getFile", (*Server).getFile},
)

func indexRoutes(list ...route) map[string]route {
	m := make(map[string]route, len(list))
	for _, rt := range list {
		m[strings.ToLower(rt.name)] = rt
	}
	return m
}

func (s *Server) getMe(*request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return wireBot{wireUser: s.bot, CanJoinGroups: true, CanReadAllGroupMessages: !s.privacy}, nil
}

func (s *Server) deleteWebhook(*request) (any, *apiError) { return true, nil }

// envelope is the Bot API's response object.
type envelope struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

type responseParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// replyError answers with an API error and counts it in Stats.Errors.
func (s *Server) replyError(w http.ResponseWriter, r *http.Request, e *apiError) {
	s.mu.Lock()
	s.stats.Errors[e.description]++
	s.mu.Unlock()
	writeJSON(w, r, e.code, e.envelope())
}

// maxDrain bounds how much of an unread request body is consumed before
// answering, so that clients streaming an upload see the response instead of
// a broken connection.
const maxDrain = 64 << 20

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	writeBody(w, r, status, append(snapshot(v), '\n'))
}

func writeBody(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client may be gone; nothing to do
}

// snapshot encodes v now, so that later changes (edits) cannot race with
// writing the response after the lock is released.
func snapshot(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("telegramtest: encoding " + err.Error())
	}
	return b
}
