package webchat

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

const cookieName = "lapor_chat"

// errorTexts are the sentences a browser shows when a request is refused.
var errorTexts = map[string][2]string{ // [id, en]
	"csrf":     {"Permintaan ditolak karena tidak berasal dari halaman chat ini. Muat ulang halaman lalu coba lagi.", "Request refused: it did not come from this chat page. Reload the page and try again."},
	"session":  {"Sesi chat tidak ditemukan. Muat ulang halaman untuk memulai.", "Chat session not found. Reload the page to start."},
	"rate":     {"Terlalu banyak pesan dalam satu menit. Tunggu sebentar lalu kirim lagi.", "Too many messages in one minute. Wait a moment and send again."},
	"toobig":   {"Berkas terlalu besar. Batasnya %d MB per berkas.", "The file is too big. The limit is %d MB per file."},
	"empty":    {"Pesan kosong tidak dapat dikirim.", "An empty message cannot be sent."},
	"toolong":  {"Pesan terlalu panjang (lebih dari 10.000 karakter). Bagi menjadi beberapa pesan.", "The message is too long (over 10,000 characters). Split it into several messages."},
	"bad":      {"Permintaan tidak dapat dibaca. Muat ulang halaman lalu coba lagi.", "The request could not be read. Reload the page and try again."},
	"nofile":   {"Pilih berkas yang akan dikirim.", "Choose a file to send."},
	"location": {"Titik lokasi tidak sah.", "That location is not valid."},
	"badcode":  {"Kode masuk tidak berlaku (salah, sudah dipakai, atau kedaluwarsa). Minta kode baru kepada admin LAPOR!.", "The sign-in code is not valid (wrong, used or expired). Ask a LAPOR! admin for a new one."},
	"norooms":  {"Ruang petugas tidak tersedia di layanan ini.", "Officer rooms are not available on this service."},
	"busy":     {"Maaf, pesan belum dapat disimpan. Coba kirim lagi sebentar lagi; pesan Anda tidak hilang dari kotak ketik.", "Sorry, the message could not be saved. Try again in a moment; your text is still in the box."},
}

func (c *Channel) text(lang, key string, args ...any) string {
	pair := errorTexts[key]
	s := pair[0]
	if lang == "en" {
		s = pair[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Handler serves the chat page, its assets and its API.
func (c *Channel) Handler() http.Handler {
	mux := http.NewServeMux()
	assets, _ := fs.Sub(static, "static")
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { c.asset(w, r, assets, "index.html") })
	mux.HandleFunc("GET /embed.js", func(w http.ResponseWriter, r *http.Request) { c.asset(w, r, assets, "embed.js") })
	mux.HandleFunc("GET /static/{file}", func(w http.ResponseWriter, r *http.Request) { c.asset(w, r, assets, r.PathValue("file")) })
	mux.HandleFunc("POST /api/session", c.session)
	mux.HandleFunc("GET /api/events", c.events)
	mux.HandleFunc("POST /api/messages", c.message)
	mux.HandleFunc("POST /api/upload", c.upload)
	mux.HandleFunc("POST /api/location", c.location)
	mux.HandleFunc("POST /api/signin", c.signIn)
	mux.HandleFunc("POST /api/signout", c.signOut)
	mux.HandleFunc("GET /api/files/{id}", c.file)
	return securityHeaders(mux)
}

// securityHeaders sets the headers every response of the web chat carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; "+
			"script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func (c *Channel) asset(w http.ResponseWriter, r *http.Request, assets fs.FS, name string) {
	b, err := fs.ReadFile(assets, path.Clean(name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

func (c *Channel) fail(w http.ResponseWriter, lang string, code int, key string, args ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": c.text(lang, key, args...)})
}

// sessionOf returns the session of the request's cookie.
func (c *Channel) sessionOf(r *http.Request) (store.WebSession, error) {
	ck, err := r.Cookie(cookieName)
	if err != nil || ck.Value == "" {
		return store.WebSession{}, store.ErrNotFound
	}
	return c.db.WebSessionByToken(r.Context(), hashToken(ck.Value))
}

// view is what a session shows: its own chat, or its desk's room.
type view struct {
	s    store.WebSession
	chat string
	room *flows.Room
}

// viewOf resolves a session's room. A session whose user is no longer the
// room's officer is put back in its own chat.
func (c *Channel) viewOf(ctx context.Context, s store.WebSession) (view, error) {
	v := view{s: s, chat: s.ChatID}
	if s.Room == "" || c.o.Rooms == nil {
		return v, nil
	}
	room, err := c.o.Rooms.RoomOf(ctx, Name, s.ChatID, s.Room)
	if errors.Is(err, flows.ErrBadRoomCode) {
		c.o.Log.Info("web session left a room it no longer belongs to", "room", s.Room)
		return v, c.db.SetWebRoom(ctx, s.ChatID, "")
	}
	if err != nil {
		return v, err
	}
	v.chat, v.room = room.ChatID, &room
	return v, nil
}

// session returns the browser's session, creating one (and its cookie) if
// it has none.
func (c *Channel) session(w http.ResponseWriter, r *http.Request) {
	s, err := c.sessionOf(r)
	if errors.Is(err, store.ErrNotFound) {
		token := randomToken()
		// The page speaks the language the conversation starts in (the
		// deployment's default); /bahasa switches the conversation.
		lang := c.o.DefaultLang
		s = store.WebSession{ChatID: "w" + randomToken()[:20], CSRF: randomToken(), Lang: lang}
		if err := c.db.CreateWebSession(r.Context(), hashToken(token), s, c.o.Now()); err != nil {
			c.o.Log.Error("web session not stored", "err", err)
			c.fail(w, lang, http.StatusServiceUnavailable, "busy")
			return
		}
		ck := &http.Cookie{Name: cookieName, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
			MaxAge: 180 * 24 * 3600}
		if secure(r) {
			// Embedded in a regency's site the page is a third-party frame:
			// only SameSite=None cookies reach it, and those must be Secure.
			ck.Secure, ck.SameSite = true, http.SameSiteNoneMode
		}
		http.SetCookie(w, ck)
	} else if err != nil {
		c.fail(w, c.o.DefaultLang, http.StatusServiceUnavailable, "busy")
		return
	}
	v, err := c.viewOf(r.Context(), s)
	if err != nil {
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	out := map[string]string{"csrf": s.CSRF, "lang": s.Lang}
	if v.room != nil {
		out["room"], out["officer"] = v.room.Title, v.room.Officer
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// guard checks a state-changing request: a session, its CSRF token, a
// same-site origin, and the rate limits. It answers refusals itself.
func (c *Channel) guard(w http.ResponseWriter, r *http.Request) (view, bool) {
	s, err := c.sessionOf(r)
	if err != nil {
		c.fail(w, c.o.DefaultLang, http.StatusUnauthorized, "session")
		return view{s: s}, false
	}
	token := r.Header.Get("X-CSRF-Token")
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) != 1 || r.Header.Get("Sec-Fetch-Site") == "cross-site" ||
		!sameOrigin(r) {
		c.o.Log.Warn("web chat request refused: CSRF check failed", "chat", s.ChatID)
		c.fail(w, s.Lang, http.StatusForbidden, "csrf")
		return view{s: s}, false
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if !c.limits.allow("s:"+s.ChatID, c.o.PerSession) || !c.limits.allow("a:"+host, c.o.PerAddress) {
		c.fail(w, s.Lang, http.StatusTooManyRequests, "rate")
		return view{s: s}, false
	}
	v, err := c.viewOf(r.Context(), s)
	if err != nil {
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return v, false
	}
	return v, true
}

// sameOrigin: when the browser says where the request comes from, it must
// be this server.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return origin == ""
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// receive stores one message in the inbox and echoes it into the
// transcript: a citizen's in their own chat, an officer's in their room.
func (c *Channel) receive(ctx context.Context, v view, in flows.Inbound, echo wireMessage, fileID int64) error {
	in.ChatID, in.UserID, in.At = v.chat, v.s.ChatID, c.o.Now()
	echo.From = "me"
	if v.room != nil {
		in.IsGroup, in.UserName, in.ChatTitle = true, v.room.Officer, v.room.Title
		echo.By, echo.Name = v.s.ChatID, v.room.Officer
	}
	line, err := c.transcriptLine(v.chat, false, echo, fileID)
	if err != nil {
		return err
	}
	// The sender's own line and the update commit together: the reply,
	// which needs the update, can only come after the line, and a line is
	// never shown for a message that was not taken.
	if _, err := c.inbox.StoreWith(ctx, Name, []bot.Received{{ExternalID: v.s.ChatID + "/" + randomToken()[:16], Message: in}},
		func(tx *store.Tx) error {
			_, err := tx.AddWebMessage(ctx, line)
			return err
		}); err != nil {
		return err
	}
	c.wake(v.chat)
	return nil
}

func (c *Channel) message(w http.ResponseWriter, r *http.Request) {
	v, ok := c.guard(w, r)
	if !ok {
		return
	}
	s := v.s
	var body struct {
		Text    string `json:"text"`
		Button  string `json:"button"`
		Label   string `json:"label"`
		ReplyTo int64  `json:"reply_to"` // the message of the same chat this one answers
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil {
		c.fail(w, s.Lang, http.StatusBadRequest, "bad")
		return
	}
	var in flows.Inbound
	var echo wireMessage
	switch {
	case body.Button != "":
		if len(body.Button) > 64 {
			c.fail(w, s.Lang, http.StatusBadRequest, "bad")
			return
		}
		in = flows.Inbound{Kind: flows.KindButton, Button: body.Button}
		echo.Text = body.Label
		if echo.Text == "" {
			echo.Text = "✓"
		}
	case strings.TrimSpace(body.Text) == "":
		c.fail(w, s.Lang, http.StatusBadRequest, "empty")
		return
	case len([]rune(body.Text)) > 10000:
		c.fail(w, s.Lang, http.StatusRequestEntityTooLarge, "toolong")
		return
	case strings.HasPrefix(strings.TrimSpace(body.Text), "/"):
		cmd, args, _ := strings.Cut(strings.TrimSpace(body.Text)[1:], " ")
		in = flows.Inbound{Kind: flows.KindCommand, Command: strings.ToLower(cmd), Text: strings.TrimSpace(args)}
		echo.Text = body.Text
	default:
		in = flows.Inbound{Kind: flows.KindText, Text: body.Text}
		echo.Text = body.Text
	}
	if body.ReplyTo != 0 {
		// Replying to a card names its report, as on the other channels.
		m, err := c.db.WebMessage(r.Context(), v.chat, body.ReplyTo)
		if err != nil {
			c.fail(w, s.Lang, http.StatusBadRequest, "bad")
			return
		}
		var wm wireMessage
		_ = json.Unmarshal(m.Payload, &wm)
		in.ReplyToText = wm.Text
	}
	if err := c.receive(r.Context(), v, in, echo, 0); err != nil {
		c.o.Log.Error("web chat message not stored", "err", err)
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	accepted(w)
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// upload receives one file. Its size is checked here; its type (a program
// disguised as a document) by the conversation, like on every channel.
func (c *Channel) upload(w http.ResponseWriter, r *http.Request) {
	v, ok := c.guard(w, r)
	if !ok {
		return
	}
	s := v.s
	r.Body = http.MaxBytesReader(w, r.Body, c.o.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.fail(w, s.Lang, http.StatusRequestEntityTooLarge, "toobig", c.o.MaxUpload>>20)
			return
		}
		c.fail(w, s.Lang, http.StatusBadRequest, "bad")
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		c.fail(w, s.Lang, http.StatusBadRequest, "nofile")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, c.o.MaxUpload+1))
	if err != nil {
		c.fail(w, s.Lang, http.StatusBadRequest, "bad")
		return
	}
	if int64(len(data)) > c.o.MaxUpload {
		c.fail(w, s.Lang, http.StatusRequestEntityTooLarge, "toobig", c.o.MaxUpload>>20)
		return
	}
	name := storable(path.Base(strings.ReplaceAll(hdr.Filename, "\\", "/")))
	declared := hdr.Header.Get("Content-Type")
	sniffed := http.DetectContentType(data)
	kind := flows.KindDocument
	switch {
	case strings.HasPrefix(sniffed, "image/"):
		kind = flows.KindPhoto
	case strings.HasPrefix(sniffed, "video/"):
		kind = flows.KindVideo
	case strings.HasPrefix(sniffed, "audio/") || sniffed == "application/ogg":
		kind = flows.KindAudio
	}
	mimeType := sniffed
	if sniffed == "application/octet-stream" && declared != "" {
		mimeType = declared // the conversation still checks the first bytes
	}
	blob, err := c.db.WriteBlob(r.Context(), bytes.NewReader(data), -1)
	if err != nil {
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	id, err := c.db.AddWebFile(r.Context(), store.WebFile{ChatID: v.chat, Name: name, MIME: mimeType, BlobID: blob.ID}, c.o.Now())
	if err != nil {
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	caption := storable(r.FormValue("caption"))
	in := flows.Inbound{Kind: kind, Text: caption,
		File: &flows.FileRef{ID: strconv.FormatInt(id, 10), Name: name, MIME: mimeType, Size: int64(len(data))}}
	echo := wireMessage{Text: caption, Attachment: &wireAttachment{Name: name, MIME: mimeType, Kind: string(kind)}}
	if err := c.receive(r.Context(), v, in, echo, id); err != nil {
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	accepted(w)
}

func (c *Channel) location(w http.ResponseWriter, r *http.Request) {
	v, ok := c.guard(w, r)
	if !ok {
		return
	}
	s := v.s
	var body struct{ Lat, Lon float64 }
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&body); err != nil ||
		body.Lat < -90 || body.Lat > 90 || body.Lon < -180 || body.Lon > 180 || (body.Lat == 0 && body.Lon == 0) {
		c.fail(w, s.Lang, http.StatusBadRequest, "location")
		return
	}
	in := flows.Inbound{Kind: flows.KindLocation, Location: &flows.Location{Lat: body.Lat, Lon: body.Lon}}
	echo := wireMessage{Text: fmt.Sprintf("📍 %.5f, %.5f", body.Lat, body.Lon)}
	if err := c.receive(r.Context(), v, in, echo, 0); err != nil {
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	accepted(w)
}

// signIn puts the session in a desk's room with a one-time code. Wrong
// codes are counted per address so codes cannot be guessed.
func (c *Channel) signIn(w http.ResponseWriter, r *http.Request) {
	v, ok := c.guard(w, r)
	if !ok {
		return
	}
	s := v.s
	if c.o.Rooms == nil {
		c.fail(w, s.Lang, http.StatusNotFound, "norooms")
		return
	}
	var body struct {
		Code string `json:"code"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&body); err != nil {
		c.fail(w, s.Lang, http.StatusBadRequest, "bad")
		return
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if c.codeFailures.count("a:"+host) >= maxCodeFailures {
		c.fail(w, s.Lang, http.StatusTooManyRequests, "rate")
		return
	}
	room, err := c.o.Rooms.EnterRoom(r.Context(), Name, s.ChatID, body.Code)
	if errors.Is(err, flows.ErrBadRoomCode) {
		c.codeFailures.allow("a:"+host, maxCodeFailures)
		c.fail(w, s.Lang, http.StatusForbidden, "badcode")
		return
	}
	if err == nil {
		err = c.db.SetWebRoom(r.Context(), s.ChatID, room.ChatID)
	}
	if err != nil {
		c.o.Log.Error("web room sign-in failed", "err", err)
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	c.o.Log.Info("officer signed in to a web room", "room", room.ChatID)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"room": room.Title, "officer": room.Officer})
}

// signOut takes the session back to its own chat. The officer stays an
// officer: a new code is needed to enter again only if an admin removes them.
func (c *Channel) signOut(w http.ResponseWriter, r *http.Request) {
	v, ok := c.guard(w, r)
	if !ok {
		return
	}
	if err := c.db.SetWebRoom(r.Context(), v.s.ChatID, ""); err != nil {
		c.fail(w, v.s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	accepted(w)
}

// file serves a file of the session's own chat; any other id is not found.
func (c *Channel) file(w http.ResponseWriter, r *http.Request) {
	s, err := c.sessionOf(r)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	v, err := c.viewOf(r.Context(), s)
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	f, err := c.db.WebFile(r.Context(), v.chat, id)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	ct, disposition := "application/octet-stream", "attachment"
	if strings.HasPrefix(f.MIME, "image/") && f.MIME != "image/svg+xml" {
		ct, disposition = f.MIME, "inline" // shown as thumbnails; never HTML or SVG inline
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "private, max-age=3600")
	data, err := c.db.ReadBlob(r.Context(), f.BlobID)
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write(data)
}

// events streams the chat's transcript: everything after ?after=, then new
// messages as they come.
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
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > after {
			after = n
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	wake := c.subscribe(v.chat)
	defer c.unsubscribe(v.chat, wake)
	keepAlive := time.NewTicker(c.o.KeepAlive)
	defer keepAlive.Stop()
	poll := time.NewTicker(c.o.Poll)
	defer poll.Stop()
	ctx := r.Context()
	for {
		msgs, err := c.db.WebMessagesAfter(ctx, v.chat, after, 200)
		if err != nil {
			return
		}
		for _, m := range msgs {
			var wm wireMessage
			if err := json.Unmarshal(m.Payload, &wm); err != nil {
				continue
			}
			wm.Seq, wm.At = m.Seq, m.At
			if wm.By != "" && wm.By != s.ChatID {
				wm.From = "other" // another officer of the room
			}
			wm.By = ""
			if wm.Attachment != nil && m.FileID != 0 {
				wm.Attachment.URL = fmt.Sprintf("/api/files/%d", m.FileID)
			}
			b, _ := json.Marshal(wm)
			if _, err := fmt.Fprintf(w, "id: %d\nevent: message\ndata: %s\n\n", m.Seq, b); err != nil {
				return
			}
			after = m.Seq
		}
		flusher.Flush()
		if len(msgs) == 200 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-poll.C:
		case <-keepAlive.C:
			if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
				return
			}
		}
	}
}
