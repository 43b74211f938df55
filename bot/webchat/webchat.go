// Package webchat is lapor's third channel: a chat served by lapor itself,
// for citizens who use neither Telegram nor WhatsApp and for a regency's
// own website (one script tag, or an iframe). It stores what citizens send
// in the inbox like the other channels, keeps each chat's transcript so a
// reload or a restart shows it whole, streams the bot's messages to the
// browser with server-sent events, and serves files only to the chat they
// belong to. It translates; it decides nothing about complaints.
package webchat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/bot/edge"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// Name is the channel's name in stored rows.
const Name = "web"

//go:embed static
var static embed.FS

// Options configures the web chat.
type Options struct {
	MaxUpload   int64         // largest file a browser may send (default 20 MiB)
	PerSession  int           // messages a session may send per minute (default 30)
	PerAddress  int           // messages one address may send per minute (default 120)
	KeepAlive   time.Duration // SSE comment interval (default 15 s)
	Poll        time.Duration // how often a desk room's stream re-reads the room (default 2 s); citizens' streams are woken, never polled
	DefaultLang string        // "id" or "en"
	Rooms       Rooms         // officers' desk rooms; nil turns sign-in off
	Now         func() time.Time
	Log         *slog.Logger

	// Proxies are the reverse proxies whose forwarding headers name the
	// client (whose address every per-address limit counts) and its scheme.
	Proxies edge.Proxies
	// PublicURL is where people open the chat (LAPOR_PUBLIC_URL): its
	// origin is accepted as the page's own even when a proxy rewrote Host.
	PublicURL string
	// NewSessionsPerAddress is how many sessions one address may start per
	// minute (default 30).
	NewSessionsPerAddress int
	// StreamsPerSession and StreamsPerAddress cap the open event streams
	// (defaults 4 and 50): each holds a connection for as long as the page
	// is open.
	StreamsPerSession int
	StreamsPerAddress int
	// SessionIdle is how long an unused session lives (default 30 days;
	// see ExpireSessions).
	SessionIdle time.Duration
}

// Rooms are the desks' rooms: a browser signs in with a one-time code and
// from then on shows its desk's room instead of its own chat, for as long
// as its user stays that desk's officer. flows.Service implements it.
type Rooms interface {
	EnterRoom(ctx context.Context, channel, userID, code string) (flows.Room, error)
	RoomOf(ctx context.Context, channel, userID, chatID string) (flows.Room, error)
	// RoomQueue is the desk's queue, shown above the room when the page opens.
	RoomQueue(ctx context.Context, channel, chatID string) (string, error)
}

// Channel is the web chat.
type Channel struct {
	db    *store.DB
	inbox *bot.Inbox
	o     Options

	mu      sync.Mutex
	waiters map[string][]chan struct{} // chat -> SSE streams to wake
	held    map[string]int             // token hash -> this process's open streams of the session
	stopped chan struct{}              // closed when Run ends: open streams close
	stop    func()
	streams map[string]int // open streams per "s:"+session and "a:"+address
	limits  *edge.Rate

	codeFailures *edge.Rate // wrong sign-in codes per address in the last minute
	newSessions  *edge.Rate // sessions started per address in the last minute

	origins *http.CrossOriginProtection
}

// maxCodeFailures is how many wrong sign-in codes one address may try per
// minute.
const maxCodeFailures = 5

var (
	_ bot.Channel       = (*Channel)(nil)
	_ bot.FileDiscarder = (*Channel)(nil)
)

// New returns the web chat.
func New(db *store.DB, inbox *bot.Inbox, o Options) *Channel {
	if o.MaxUpload == 0 {
		o.MaxUpload = 20 << 20
	}
	if o.PerSession == 0 {
		o.PerSession = 30
	}
	if o.PerAddress == 0 {
		o.PerAddress = 120
	}
	if o.KeepAlive == 0 {
		o.KeepAlive = 15 * time.Second
	}
	if o.Poll == 0 {
		o.Poll = 2 * time.Second
	}
	if o.DefaultLang == "" {
		o.DefaultLang = "id"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.NewSessionsPerAddress == 0 {
		o.NewSessionsPerAddress = 30
	}
	if o.StreamsPerSession == 0 {
		o.StreamsPerSession = 4
	}
	if o.StreamsPerAddress == 0 {
		o.StreamsPerAddress = 50
	}
	if o.SessionIdle == 0 {
		o.SessionIdle = 30 * 24 * time.Hour
	}
	origins := http.NewCrossOriginProtection()
	if u, err := url.Parse(o.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := origins.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			o.Log.Warn("the public URL's origin is not accepted", "err", err)
		}
	}
	stopped := make(chan struct{})
	return &Channel{db: db, inbox: inbox, o: o, waiters: map[string][]chan struct{}{}, held: map[string]int{}, streams: map[string]int{},
		stopped: stopped, stop: sync.OnceFunc(func() { close(stopped) }),
		limits: edge.NewRate(o.Now), codeFailures: edge.NewRate(o.Now), newSessions: edge.NewRate(o.Now), origins: origins}
}

// ExpireSessions deletes the sessions unused for Options.SessionIdle, with
// their transcripts and files when no report came of their chats; a
// session whose chat has an open report, or one that changed within that
// time, stays (see store.DeleteIdleWebSessions). Run by the scheduler's
// leader.
func (c *Channel) ExpireSessions(ctx context.Context) (store.ExpiredWebSessions, error) {
	return c.db.DeleteIdleWebSessions(ctx, Name, c.o.Now().Add(-c.o.SessionIdle), 500)
}

// touchEvery is how stale a session's seen_at may grow before a request
// writes it again: often enough for expiry, rarely enough to cost nothing.
func (c *Channel) touchEvery() time.Duration { return min(time.Hour, c.o.SessionIdle/24) }

// openStream counts an event stream of a session and an address, unless
// either holds its share already.
func (c *Channel) openStream(session, address string) (release func(), ok bool) {
	ks, ka := "s:"+session, "a:"+address
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.streams[ks] >= c.o.StreamsPerSession || c.streams[ka] >= c.o.StreamsPerAddress {
		return nil, false
	}
	c.streams[ks]++
	c.streams[ka]++
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, k := range []string{ks, ka} {
			if c.streams[k]--; c.streams[k] <= 0 {
				delete(c.streams, k)
			}
		}
	}, true
}

// Name implements bot.Channel.
func (c *Channel) Name() string { return Name }

// Pacing implements bot.Channel: a browser takes what it is given.
func (c *Channel) Pacing() bot.Pacing { return bot.Pacing{} }

// IsGroup implements bot.Channel: desk rooms are the web chat's groups;
// every other web chat is one browser's.
func (c *Channel) IsGroup(chatID string) bool { return strings.HasPrefix(chatID, flows.RoomPrefix) }

// Split implements bot.Channel: a browser needs no splitting; a file goes
// with its caption and the buttons.
func (c *Channel) Split(msg flows.Outbound, file *bot.File) []bot.Part {
	return []bot.Part{{Text: msg.Text, Caption: file != nil, File: file, Buttons: msg.Buttons, ReplyTo: msg.ReplyTo}}
}

// wireMessage is what the browser receives for one message.
type wireMessage struct {
	Seq        int64            `json:"seq"`
	From       string           `json:"from"`           // "bot", "me", or in a room "other"
	Name       string           `json:"name,omitempty"` // in a room: who wrote it
	By         string           `json:"by,omitempty"`   // in a room: the writer's chat id (stored, never sent)
	Text       string           `json:"text"`
	Buttons    [][]flows.Button `json:"buttons"`
	Attachment *wireAttachment  `json:"attachment"`
	At         time.Time        `json:"at"`
	// Replaces is the seq of an earlier line (a report's card) this one
	// redraws in place; the browser shows no new line for it.
	Replaces int64 `json:"replaces,omitempty"`
}

type wireAttachment struct {
	URL  string `json:"url"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Kind string `json:"kind"`
}

// Send implements bot.Channel: the message joins the chat's transcript and
// every open stream of the chat is woken (SendID, cards.go).
func (c *Channel) Send(ctx context.Context, chatID string, p bot.Part) error {
	_, err := c.SendID(ctx, chatID, p)
	return err
}

// showFile makes a file one of the chat's. A stored file is referred to,
// not copied: a desk room shown a citizen's upload stores no second copy.
// Bytes made in memory (a cleaned image) are written into a blob of their
// own.
func (c *Channel) showFile(ctx context.Context, chatID string, f *bot.File) (int64, error) {
	blob, own := f.Blob, false
	if blob == 0 {
		r, err := f.Open(ctx)
		if err != nil {
			return 0, err
		}
		defer r.Close()
		b, err := c.db.WriteBlob(ctx, r, -1)
		if err != nil {
			return 0, err
		}
		blob, own = b.ID, true
	}
	id, err := c.db.AddWebFile(ctx, store.WebFile{ChatID: chatID, Name: f.Name, MIME: f.MIME, BlobID: blob}, c.o.Now())
	if err != nil && own {
		if _, derr := c.db.DeleteBlob(context.WithoutCancel(ctx), blob); derr != nil {
			c.o.Log.Warn("an unsent file's bytes were not deleted; the blob collector will", "err", derr)
		}
	}
	return id, err
}

func (c *Channel) record(ctx context.Context, chatID string, fromBot bool, w wireMessage, fileID int64) error {
	m, err := c.transcriptLine(chatID, fromBot, w, fileID)
	if err != nil {
		return err
	}
	if _, err := c.db.AddWebMessage(ctx, m); err != nil {
		return err
	}
	c.wake(chatID)
	return nil
}

// transcriptLine is the stored form of a message of the chat.
func (c *Channel) transcriptLine(chatID string, fromBot bool, w wireMessage, fileID int64) (store.WebMessage, error) {
	// The transcript is JSON in PostgreSQL, which refuses NUL characters.
	w.Text, w.Name = storable(w.Text), storable(w.Name)
	if w.Attachment != nil {
		a := *w.Attachment
		a.Name = storable(a.Name)
		w.Attachment = &a
	}
	payload, err := json.Marshal(w)
	if err != nil {
		return store.WebMessage{}, err
	}
	return store.WebMessage{ChatID: chatID, FromBot: fromBot, Payload: payload, FileID: fileID, At: c.o.Now()}, nil
}

// Fetch implements bot.Channel: the bytes were stored with the message;
// the conversation refers to their blob instead of copying it.
func (c *Channel) Fetch(ctx context.Context, in flows.Inbound) (flows.Fetched, error) {
	id, err := fileID(in)
	if err != nil {
		return flows.Fetched{}, err
	}
	f, err := c.db.WebFile(ctx, in.ChatID, id)
	if err != nil {
		return flows.Fetched{}, err
	}
	return flows.Fetched{Blob: f.BlobID, Size: f.Size}, nil
}

// Discard implements bot.FileDiscarder: an upload the conversation did not
// keep is deleted with its bytes, in the same transaction as the answer
// that says so.
func (c *Channel) Discard(ctx context.Context, tx *store.Tx, in flows.Inbound) error {
	id, err := fileID(in)
	if err != nil {
		return nil // nothing of ours
	}
	_, err = tx.DeleteWebFile(ctx, in.ChatID, id)
	return err
}

func fileID(in flows.Inbound) (int64, error) {
	if in.File == nil {
		return 0, errors.New("webchat: message has no file")
	}
	var id int64
	if _, err := fmt.Sscan(in.File.ID, &id); err != nil {
		return 0, fmt.Errorf("webchat: bad file reference: %w", err)
	}
	return id, nil
}

func (c *Channel) subscribe(chat string) chan struct{} {
	ch := make(chan struct{}, 1)
	c.mu.Lock()
	c.waiters[chat] = append(c.waiters[chat], ch)
	c.mu.Unlock()
	return ch
}

func (c *Channel) unsubscribe(chat string, ch chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	list := c.waiters[chat]
	for i, w := range list {
		if w == ch {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(c.waiters, chat)
	} else {
		c.waiters[chat] = list
	}
}

// Run wakes this process's event streams for what other replicas write:
// it listens to PostgreSQL's notifications of web chat lines (one
// connection for every stream) and, after each (re)connection, wakes every
// stream once, since lines may have come while it was not listening. It
// also keeps the sessions of open streams alive (see keepSessions). It
// returns when ctx ends.
func (c *Channel) Run(ctx context.Context) error {
	defer c.stop()
	go c.keepSessions(ctx)
	return c.db.Listen(ctx, store.WebChatChannel, c.wakeAll, c.wake)
}

// keepSessions writes, every touchEvery, that the sessions holding an
// event stream open are in use: one statement for all of them, so an open
// page's session does not expire and idle streams cost no query each.
func (c *Channel) keepSessions(ctx context.Context) {
	t := time.NewTicker(max(c.touchEvery(), time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.mu.Lock()
		hashes := make([][]byte, 0, len(c.held))
		for h := range c.held {
			hashes = append(hashes, []byte(h))
		}
		c.mu.Unlock()
		if err := c.db.TouchWebSessions(ctx, hashes, c.o.Now()); err != nil && ctx.Err() == nil {
			c.o.Log.Warn("open web sessions' use not recorded", "sessions", len(hashes), "err", err)
		}
	}
}

// holdSession counts an open stream of the session (by its cookie) until
// the returned func runs.
func (c *Channel) holdSession(token string) (release func()) {
	h := string(hashToken(token))
	c.mu.Lock()
	c.held[h]++
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.held[h]--; c.held[h] <= 0 {
			delete(c.held, h)
		}
	}
}

// announce wakes the chat's streams here and, through the database, on
// every other replica.
func (c *Channel) announce(ctx context.Context, chat string) {
	c.wake(chat)
	if err := c.db.NotifyWebChat(ctx, chat); err != nil {
		c.o.Log.Warn("web chat change not announced to other replicas", "err", err)
	}
}

// wakeAll wakes every stream of this process.
func (c *Channel) wakeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, list := range c.waiters {
		for _, w := range list {
			select {
			case w <- struct{}{}:
			default:
			}
		}
	}
}

func (c *Channel) wake(chat string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, w := range c.waiters[chat] {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

// storable drops what PostgreSQL's JSON cannot hold: NUL characters and
// invalid UTF-8.
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("webchat: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
