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
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

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
	"toolong":  {"Pesan terlalu panjang (lebih dari %s karakter). Bagi menjadi beberapa pesan.", "The message is too long (over %s characters). Split it into several messages."},
	"bad":      {"Permintaan tidak dapat dibaca. Muat ulang halaman lalu coba lagi.", "The request could not be read. Reload the page and try again."},
	"nofile":   {"Pilih berkas yang akan dikirim.", "Choose a file to send."},
	"location": {"Titik lokasi tidak sah.", "That location is not valid."},
	"badcode":  {"Kode masuk tidak berlaku (salah, sudah dipakai, atau kedaluwarsa). Minta kode baru kepada admin LAPOR!.", "The sign-in code is not valid (wrong, used or expired). Ask a LAPOR! admin for a new one."},
	"norooms":  {"Ruang petugas tidak tersedia di layanan ini.", "Officer rooms are not available on this service."},
	"onefile":  {"Kirim satu berkas per pesan.", "Send one file per message."},
	"streams":  {"Terlalu banyak jendela chat terbuka dari browser atau jaringan ini. Tutup jendela chat yang tidak dipakai lalu muat ulang halaman.", "Too many chat windows are open from this browser or network. Close the chat windows you do not use, then reload the page."},
	"sessions": {"Terlalu banyak sesi chat baru dari jaringan Anda dalam satu menit. Tunggu sebentar lalu muat ulang halaman.", "Too many new chat sessions from your network in one minute. Wait a moment, then reload the page."},
	"switch":   {"Browser ini sudah masuk ke ruang %s sebagai %s. Kode masuk ini akan mengganti ruang dan peran Anda di browser ini; kode belum dipakai. Kirim lagi dengan konfirmasi bila memang itu maksud Anda.", "This browser is already signed in to the %s room as %s. This sign-in code would replace your room and role in this browser; it has not been used. Send it again with a confirmation if that is what you mean."},
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
	a, ok := loadAssets(assets)[path.Clean(name)] // assets.go
	if !ok {
		http.NotFound(w, r)
		return
	}
	a.serve(w, r)
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
	hash := hashToken(ck.Value)
	s, err := c.db.WebSessionByToken(r.Context(), hash)
	if err == nil {
		// Keeps the session from expiring while it is used; written at
		// most once per touchEvery.
		if now := c.o.Now(); now.Sub(s.SeenAt) >= c.touchEvery() {
			if err := c.db.TouchWebSession(r.Context(), hash, now); err != nil {
				c.o.Log.Warn("web session use not recorded", "err", err)
			}
			s.SeenAt = now
		}
	}
	return s, err
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
		// The page speaks the language the conversation starts in (the
		// deployment's default); /bahasa switches the conversation.
		lang := c.o.DefaultLang
		if !c.newSessions.Allow("a:"+c.o.Proxies.ClientKey(r), c.o.NewSessionsPerAddress) {
			c.fail(w, lang, http.StatusTooManyRequests, "sessions")
			return
		}
		token := randomToken()
		s = store.WebSession{ChatID: "w" + randomToken()[:20], CSRF: randomToken(), Lang: lang}
		if err := c.db.CreateWebSession(r.Context(), hashToken(token), s, c.o.Now()); err != nil {
			c.o.Log.Error("web session not stored", "err", err)
			c.fail(w, lang, http.StatusServiceUnavailable, "busy")
			return
		}
		c.setCookie(w, r, token)
	} else if err != nil {
		c.fail(w, c.o.DefaultLang, http.StatusServiceUnavailable, "busy")
		return
	} else if ck, err := r.Cookie(cookieName); err == nil {
		// Each page load renews the cookie: a session in use never loses
		// it to the cookie's age.
		c.setCookie(w, r, ck.Value)
	}
	v, err := c.viewOf(r.Context(), s)
	if err != nil {
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	out := map[string]string{"csrf": s.CSRF, "lang": s.Lang}
	if v.room != nil {
		out["room"], out["officer"] = v.room.Title, v.room.Officer
		// The room opens on the desk's work: its queue, above the cards.
		if q, err := c.o.Rooms.RoomQueue(r.Context(), Name, v.room.ChatID); err == nil {
			out["queue"] = q
		} else {
			c.o.Log.Warn("desk queue not shown", "room", v.room.ChatID, "err", err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// setCookie gives the browser its session's cookie.
func (c *Channel) setCookie(w http.ResponseWriter, r *http.Request, token string) {
	ck := &http.Cookie{Name: cookieName, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		MaxAge: 180 * 24 * 3600}
	if c.o.Proxies.Secure(r) {
		// Embedded in a regency's site the page is a third-party frame:
		// only SameSite=None cookies reach it, and those must be Secure.
		// Only a trusted proxy's word (or TLS itself) counts: a client's
		// own X-Forwarded-Proto over plain HTTP is not believed.
		ck.Secure, ck.SameSite = true, http.SameSiteNoneMode
	}
	http.SetCookie(w, ck)
}

// guard checks a state-changing request: a session, its CSRF token, the
// page's own origin (Sec-Fetch-Site, or Origin against Host and the public
// URL), and the rate limits of the session and of the client's address
// (behind a trusted proxy, the citizen's, not the proxy's). It answers
// refusals itself.
func (c *Channel) guard(w http.ResponseWriter, r *http.Request) (view, bool) {
	s, err := c.sessionOf(r)
	if err != nil {
		c.fail(w, c.o.DefaultLang, http.StatusUnauthorized, "session")
		return view{s: s}, false
	}
	token := r.Header.Get("X-CSRF-Token")
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) != 1 || c.origins.Check(r) != nil {
		c.o.Log.Warn("web chat request refused: CSRF check failed", "chat", s.ChatID)
		c.fail(w, s.Lang, http.StatusForbidden, "csrf")
		return view{s: s}, false
	}
	if !c.limits.Allow("s:"+s.ChatID, c.o.PerSession) || !c.limits.Allow("a:"+c.o.Proxies.ClientKey(r), c.o.PerAddress) {
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
	case utf8.RuneCountInString(body.Text) > maxText:
		c.fail(w, s.Lang, http.StatusRequestEntityTooLarge, "toolong", thousands(s.Lang, maxText))
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

// maxText is the most characters a message, or a file's caption, may have.
const maxText = 10000

// upload receives one file, read part by part as it arrives: the file goes
// straight into the blob store (never whole into memory), the caption is
// read within the text limit. Its size is checked here; its type (a program
// disguised as a document) by the conversation, like on every channel. A
// refused upload leaves nothing stored.
func (c *Channel) upload(w http.ResponseWriter, r *http.Request) {
	v, ok := c.guard(w, r)
	if !ok {
		return
	}
	s := v.s
	ctx := r.Context()
	// Deletions run even when the browser went away (its context ends).
	cleanup := context.WithoutCancel(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, c.o.MaxUpload+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		c.fail(w, s.Lang, http.StatusBadRequest, "bad")
		return
	}
	var (
		up         *upload
		caption    string
		hasCaption bool
	)
	refuse := func(code int, key string, args ...any) {
		if up != nil {
			c.dropBlob(cleanup, up.blob.ID)
		}
		c.fail(w, s.Lang, code, key, args...)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if tooBig(err) {
				refuse(http.StatusRequestEntityTooLarge, "toobig", c.o.MaxUpload>>20)
			} else {
				refuse(http.StatusBadRequest, "bad")
			}
			return
		}
		switch part.FormName() {
		case "file":
			if up != nil {
				refuse(http.StatusBadRequest, "onefile")
				return
			}
			if part.FileName() == "" {
				refuse(http.StatusBadRequest, "nofile")
				return
			}
			up, err = c.receiveFile(ctx, part)
			switch {
			case errors.Is(err, store.ErrTooBig) || tooBig(err):
				// Read the rest the body may have (MaxBytesReader bounds it):
				// a browser still sending would miss the answer otherwise.
				_, _ = io.Copy(io.Discard, r.Body)
				refuse(http.StatusRequestEntityTooLarge, "toobig", c.o.MaxUpload>>20)
				return
			case errors.Is(err, errSender) || ctx.Err() != nil: // a broken body, or the browser went away
				refuse(http.StatusBadRequest, "bad")
				return
			case err != nil:
				c.o.Log.Error("web chat upload not stored", "err", err)
				refuse(http.StatusServiceUnavailable, "busy")
				return
			}
		case "caption":
			// Read within the limit of a message: at most 4 bytes a character.
			b, err := io.ReadAll(io.LimitReader(part, 4*maxText+1))
			switch {
			case err != nil && tooBig(err):
				refuse(http.StatusRequestEntityTooLarge, "toobig", c.o.MaxUpload>>20)
				return
			case err != nil || hasCaption:
				refuse(http.StatusBadRequest, "bad")
				return
			case len(b) > 4*maxText || utf8.RuneCount(b) > maxText:
				refuse(http.StatusRequestEntityTooLarge, "toolong", thousands(s.Lang, maxText))
				return
			}
			caption, hasCaption = storable(string(b)), true
		default:
			// The page sends a file and a caption; anything else is not
			// read, let alone kept.
			refuse(http.StatusBadRequest, "bad")
			return
		}
	}
	if up == nil {
		c.fail(w, s.Lang, http.StatusBadRequest, "nofile")
		return
	}
	id, err := c.db.AddWebFile(ctx, store.WebFile{ChatID: v.chat, Name: up.name, MIME: up.mime, BlobID: up.blob.ID}, c.o.Now())
	if err != nil {
		refuse(http.StatusServiceUnavailable, "busy")
		return
	}
	in := flows.Inbound{Kind: up.kind, Text: caption,
		File: &flows.FileRef{ID: strconv.FormatInt(id, 10), Name: up.name, MIME: up.mime, Size: up.blob.Size}}
	echo := wireMessage{Text: caption, Attachment: &wireAttachment{Name: up.name, MIME: up.mime, Kind: string(up.kind)}}
	if err := c.receive(ctx, v, in, echo, id); err != nil {
		if _, derr := c.db.DeleteWebFile(cleanup, v.chat, id); derr != nil {
			c.o.Log.Warn("a refused upload was not deleted; the blob collector will", "err", derr)
		}
		c.fail(w, s.Lang, http.StatusServiceUnavailable, "busy")
		return
	}
	accepted(w)
}

// upload is a file a browser sent, stored.
type upload struct {
	blob store.Blob
	name string
	mime string
	kind flows.Kind
}

// errSender marks a failure to read what the browser sent (it went away,
// or sent a broken body), as opposed to the database's.
var errSender = errors.New("webchat: the upload could not be read")

// senderReader tells the browser's failures from the store's.
type senderReader struct {
	r   io.Reader
	err error
}

func (s *senderReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		s.err = err
	}
	return n, err
}

// receiveFile streams a file part into a new blob of at most MaxUpload
// bytes, sniffing its type from the first bytes on the way.
func (c *Channel) receiveFile(ctx context.Context, part *multipart.Part) (*upload, error) {
	src := &senderReader{r: part}
	head := make([]byte, 0, 512)
	for len(head) < cap(head) {
		n, err := src.Read(head[len(head):cap(head)])
		head = head[:len(head)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, senderErr(err)
		}
	}
	blob, err := c.db.WriteBlob(ctx, io.MultiReader(bytes.NewReader(head), src), c.o.MaxUpload)
	if err != nil {
		if src.err != nil && !errors.Is(err, store.ErrTooBig) {
			return nil, senderErr(src.err)
		}
		return nil, err
	}
	up := &upload{blob: blob, name: storable(path.Base(strings.ReplaceAll(part.FileName(), "\\", "/")))}
	declared := part.Header.Get("Content-Type")
	sniffed := http.DetectContentType(head)
	up.kind = flows.KindDocument
	switch {
	case strings.HasPrefix(sniffed, "image/"):
		up.kind = flows.KindPhoto
	case strings.HasPrefix(sniffed, "video/"):
		up.kind = flows.KindVideo
	case strings.HasPrefix(sniffed, "audio/") || sniffed == "application/ogg":
		up.kind = flows.KindAudio
	}
	up.mime = sniffed
	if sniffed == "application/octet-stream" && declared != "" {
		up.mime = declared // the conversation still checks the first bytes
	}
	return up, nil
}

// senderErr keeps a body over its limit recognisable (tooBig) and marks
// every other read failure as the sender's.
func senderErr(err error) error {
	if tooBig(err) {
		return err
	}
	return fmt.Errorf("%w: %w", errSender, err)
}

func tooBig(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// dropBlob deletes the bytes of an upload that was refused after they were
// stored.
func (c *Channel) dropBlob(ctx context.Context, id int64) {
	if _, err := c.db.DeleteBlob(ctx, id); err != nil {
		c.o.Log.Warn("a refused upload was not deleted; the blob collector will", "blob", id, "err", err)
	}
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
		Code   string `json:"code"`
		Switch bool   `json:"switch"` // the officer confirmed leaving the room the browser is in
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&body); err != nil {
		c.fail(w, s.Lang, http.StatusBadRequest, "bad")
		return
	}
	client := "a:" + c.o.Proxies.ClientKey(r)
	if c.codeFailures.Count(client) >= maxCodeFailures {
		c.fail(w, s.Lang, http.StatusTooManyRequests, "rate")
		return
	}
	if v.room != nil && !body.Switch {
		// A sign-in link opened in a browser that is already a desk's
		// officer would silently change its room and role: the page asks
		// first, and the code stays unused until it does.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": c.text(s.Lang, "switch", v.room.Title, v.room.Officer),
			"switch": true, "room": v.room.Title, "officer": v.room.Officer})
		return
	}
	room, err := c.o.Rooms.EnterRoom(r.Context(), Name, s.ChatID, body.Code)
	if errors.Is(err, flows.ErrBadRoomCode) {
		c.codeFailures.Allow(client, maxCodeFailures)
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
	c.announce(r.Context(), v.chat) // the streams of the chat or room it left end now
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
	c.announce(r.Context(), v.chat) // the session's streams of the room end now
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
	body, err := c.db.OpenBlob(r.Context(), f.BlobID)
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	// The first bytes tell whether the file may be shown inline; the rest
	// streams after them.
	head := make([]byte, 512)
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	head = head[:n]
	ct, disposition := "application/octet-stream", "attachment"
	if t, ok := inlineImage(f.MIME, head); ok {
		ct, disposition = t, "inline" // shown as thumbnails
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "private, max-age=3600")
	// Streamed chunk by chunk; with the length set, a read that fails
	// midway shows as a cut response, not as a whole shorter file.
	w.Header().Set("Content-Length", strconv.FormatInt(body.Size(), 10))
	_, _ = io.Copy(w, io.MultiReader(bytes.NewReader(head), body))
}

// inlineTypes are the only types a file is ever served inline as: raster
// images a browser cannot run. SVG (which carries scripts), HTML and
// everything else are downloads.
var inlineTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// inlineImage says whether a stored file may be shown inline, and as what
// type: its stored type must be one of inlineTypes (compared without
// parameters or case) and its bytes must be that type too.
func inlineImage(stored string, data []byte) (string, bool) {
	mt, _, err := mime.ParseMediaType(stored)
	if err != nil {
		return "", false
	}
	mt = strings.ToLower(mt)
	if !inlineTypes[mt] || http.DetectContentType(data) != mt {
		return "", false
	}
	return mt, true
}
