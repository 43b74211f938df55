package webchat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/lapor-id/lapor/store"
)

// events streams the chat's transcript: everything after ?after=, then new
// messages as they come. A stream delivers only while the session that
// opened it still shows that chat: before writing lines, and on every wake
// (and every Poll of a room) it re-reads the session and its room from the
// database (so a removal on another replica counts too) after fetching the
// lines; a session signed out, removed from its room, moved to another or
// deleted gets a "reload" event and the stream ends.
//
// A regency's website can hold thousands of pages open, each with its
// stream, so an open stream is kept small: once the request is checked,
// the connection is taken from net/http (its per-connection buffers and
// its goroutines go) and served by one goroutine of this package that
// sleeps until woken, plus one that notices the browser leaving. The
// answer is HTTP/1.1 without a length, ended by closing the connection,
// which is what an event stream is anyway.
func (c *Channel) events(w http.ResponseWriter, r *http.Request) {
	s, err := c.sessionOf(r)
	if err != nil {
		c.fail(w, c.o.DefaultLang, http.StatusUnauthorized, "session")
		return
	}
	v, err := c.viewOf(r.Context(), s)
	if err != nil {
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	ck, _ := r.Cookie(cookieName) // sessionOf found it
	release, ok := c.openStream(s.ChatID, c.o.Proxies.ClientKey(r))
	if !ok {
		c.fail(w, s.Lang, http.StatusTooManyRequests, "streams")
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > after {
			after = n
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	h.Set("Connection", "close")
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		release()
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	var head bytes.Buffer
	head.WriteString("HTTP/1.1 200 OK\r\n")
	_ = h.Write(&head)
	head.WriteString("\r\n")
	_ = brw // its buffers go with the request: nothing more is read, and lines are written whole
	st := &stream{c: c, conn: conn, token: ck.Value, own: s.ChatID, chat: v.chat, room: v.room != nil, after: after}
	if err := st.write(head.Bytes()); err != nil {
		conn.Close()
		release()
		return
	}
	go func() {
		defer release()
		st.run()
	}()
}

// stream is one open event stream on a connection taken from net/http.
type stream struct {
	c     *Channel
	conn  net.Conn
	token string // the session's cookie, to re-read it
	own   string // the session's own chat
	chat  string // what it shows: its own chat or its desk's room
	room  bool
	after int64 // the last line written
}

// writeTimeout is how long the browser has to take each write.
const writeTimeout = 30 * time.Second

func (st *stream) write(b []byte) error {
	_ = st.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := st.conn.Write(b)
	return err
}

func (st *stream) run() {
	c := st.c
	defer st.conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The browser leaving ends the stream (the service stopping too, below).
	go func() {
		var one [1]byte
		_, _ = st.conn.Read(one[:])
		cancel()
	}()
	wake := c.subscribe(st.chat)
	defer c.unsubscribe(st.chat, wake)
	defer c.holdSession(st.token)()
	keepAlive := time.NewTicker(c.o.KeepAlive)
	defer keepAlive.Stop()
	// A room is read again every Poll: an officer may be removed from it
	// at any moment, on any replica. A citizen's own chat costs nothing
	// while it is quiet: its stream reads the database only when woken (a
	// line written here, or announced by another replica through
	// PostgreSQL's notifications, or the session leaving for a room), and
	// its session is kept alive by keepSessions, in one statement for every
	// open stream of this process.
	var poll <-chan time.Time
	if st.room {
		t := time.NewTicker(c.o.Poll)
		defer t.Stop()
		poll = t.C
	}
	read, woken := true, false
	for {
		if read {
			more, err := st.deliver(ctx, woken)
			if err != nil {
				return
			}
			if more {
				continue
			}
		}
		read, woken = false, false
		select {
		case <-ctx.Done():
			return
		case <-c.stopped:
			return
		case <-wake:
			read, woken = true, true
		case <-poll:
			read = true
		case <-keepAlive.C:
			if st.write([]byte(": keep-alive\n\n")) != nil {
				return
			}
		}
	}
}

// errReload ends a stream whose session no longer shows its chat.
var errReload = errors.New("webchat: the session shows another chat")

// deliver writes the lines after st.after (at most a batch; more reports
// that there are others), checking first, when lines came or it was woken
// or it is a room, that the session still shows the chat.
func (st *stream) deliver(ctx context.Context, woken bool) (more bool, err error) {
	c := st.c
	msgs, err := c.db.WebMessagesAfter(ctx, st.chat, st.after, 200)
	if err != nil {
		return false, err
	}
	if len(msgs) > 0 || st.room || woken {
		still, err := c.stillShows(ctx, st.token, st.chat)
		if err != nil {
			return false, err
		}
		if !still {
			_ = st.write([]byte("event: reload\ndata: {}\n\n"))
			return false, errReload
		}
	}
	if len(msgs) == 0 {
		return false, nil
	}
	var out bytes.Buffer
	last := st.after
	for _, m := range msgs {
		last = m.Seq
		var wm wireMessage
		if err := json.Unmarshal(m.Payload, &wm); err != nil {
			continue
		}
		wm.Seq, wm.At = m.Seq, m.At
		if wm.By != "" && wm.By != st.own {
			wm.From = "other" // another officer of the room
		}
		wm.By = ""
		if wm.Attachment != nil && m.FileID != 0 {
			wm.Attachment.URL = fmt.Sprintf("/api/files/%d", m.FileID)
		}
		b, _ := json.Marshal(wm)
		fmt.Fprintf(&out, "id: %d\nevent: message\ndata: %s\n\n", m.Seq, b)
	}
	if err := st.write(out.Bytes()); err != nil {
		return false, err
	}
	st.after = last
	return len(msgs) == 200, nil
}

// stillShows re-reads the session (by its cookie) and its room from the
// database: is chat still what it shows?
func (c *Channel) stillShows(ctx context.Context, token, chat string) (bool, error) {
	s, err := c.db.WebSessionByToken(ctx, hashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	v, err := c.viewOf(ctx, s)
	if err != nil {
		return false, err
	}
	return v.chat == chat, nil
}
