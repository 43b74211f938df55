package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

// webPlatform plays the shared transcripts in the web chat of a lapor
// serve, through the HTTP API and the event stream the page's script
// (bot/webchat/static/chat.js) uses: every person is one browser tab
// showing the chat page, with its own session. The web has no group chats:
// a desk is a web room, which an officer's browser shows once it has
// signed in with a link (an officer invitation or a room code), and from
// then on that browser is the officer's only place. So on the web a
// transcript's group step happens in the room of the group's desk, and an
// officer's private-chat step in their room too.
type webPlatform struct {
	t    *testing.T
	base string    // scheme and host of the web chat
	db   *store.DB // only to look up the id a browser is known by
	// firstAdmin is the sign-in link of the first super admin, from the
	// command line (the web's `lapor admin add`).
	firstAdmin string

	tabs  map[int]*webTab  // by person
	rooms map[int]webGroup // by group
}

// webGroup is the room that stands for a group: its title, and the tab
// that reads it.
type webGroup struct {
	title  string
	reader *webTab
}

func newWebPlatform(t *testing.T, base, dbURL string) *webPlatform {
	db, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return &webPlatform{t: t, base: base, db: db, tabs: map[int]*webTab{}, rooms: map[int]webGroup{}}
}

func (p *webPlatform) name() string { return "web" }

// userID is the id the service knows the person's browser by: its
// session's own chat, which /saya would show. It is read from the store,
// so that learning it sends nothing a message limit would count.
func (p *webPlatform) userID(person int) string { return p.tab(person).id }

// tab is the person's browser tab, opened on first use.
func (p *webPlatform) tab(person int) *webTab {
	if w, ok := p.tabs[person]; ok {
		return w
	}
	// Each person on a loopback address of their own (127.0.1.N).
	w := openWebTabFrom(p.t, p.base, fmt.Sprintf("person %d", person), &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(person))})
	u, _ := url.Parse(p.base)
	var token string
	for _, c := range w.client.Jar.Cookies(u) {
		if c.Name == "lapor_chat" {
			token = c.Value
		}
	}
	sum := sha256.Sum256([]byte(token))
	s, err := p.db.WebSessionByToken(context.Background(), sum[:])
	if err != nil {
		p.t.Fatalf("web: the session of person %d's browser: %v", person, err)
	}
	w.id = s.ChatID
	p.tabs[person] = w
	return w
}

// actor is the tab in which person acts on chat: their own chat (or, for
// an officer, their room), or the room of a group's desk, which must be
// the one their browser shows.
func (p *webPlatform) actor(chat, person int) *webTab {
	p.t.Helper()
	w := p.tab(person)
	if chat >= 0 {
		if chat != person {
			p.t.Fatalf("web: person %d cannot write in person %d's chat", person, chat)
		}
		return w
	}
	if g := p.group(chat); w.room != g.title {
		p.t.Fatalf("web: person %d's browser shows %q, not group %d's room %q", person, w.room, chat, g.title)
	}
	return w
}

// group is the room that stands for a group chat.
func (p *webPlatform) group(chat int) webGroup {
	p.t.Helper()
	g, ok := p.rooms[chat]
	if !ok {
		p.t.Fatalf("web: group %d has no room (setupDesks did not make one)", chat)
	}
	if g.reader.room != g.title {
		p.t.Fatalf("web: the browser reading group %d shows %q, not its room %q", chat, g.reader.room, g.title)
	}
	return g
}

// reader is the tab that shows chat's messages.
func (p *webPlatform) reader(chat int) *webTab {
	if chat >= 0 {
		return p.tab(chat)
	}
	return p.group(chat).reader
}

func (p *webPlatform) text(chat, person int, s string) { p.actor(chat, person).typeText(s) }

func (p *webPlatform) press(chat, person int, label string) error {
	return p.actor(chat, person).press(label)
}

func (p *webPlatform) photo(chat, person int, data []byte, caption string) {
	p.actor(chat, person).attach("foto.jpg", data, caption)
}

func (p *webPlatform) expect(chat int, want string) (string, error) {
	return p.reader(chat).expect(want)
}

// Steps of desksTranscript, as the web reads them.
var (
	deskAddOfficer = regexp.MustCompile(`^/petugas tambah \{u(\d+)\} (.+)$`)
	deskGroupCode  = regexp.MustCompile(`^/kode_grup (.+)$`)
	deskRegister   = regexp.MustCompile(`^/daftar_grup \{code\}$`)
	webLink        = regexp.MustCompile(`https?://\S+/\?masuk=[A-Za-z0-9-]+`)
)

// setupDesks gives each step of desksTranscript its meaning on the web,
// so that the desks a transcript adds there exist here too:
//   - the first super admin opens the sign-in link of the command line
//     and is in the super admin desk's room;
//   - "/petugas tambah {uN} <role> [agency] <name>" (an officer added by
//     a numeric id) is an invitation, "/petugas undang <role> [agency]
//     <name>", whose web link person N opens: their browser becomes the
//     officer and shows their desk's room, and the inviting chat reads who
//     joined (which must contain the step's want);
//   - "/kode_grup <desk>" then "/daftar_grup {code}" in group g by person
//     N (registering a group as a desk) is the room N's browser shows; a
//     person in no room yet is given a room code (/kode_ruang <desk>) by
//     whoever asked for the group code, and opens its link.
//
// A step of another kind has no meaning here yet and fails the test.
func (p *webPlatform) setupDesks(t *testing.T, seen map[string]string) {
	t.Helper()
	if p.firstAdmin == "" {
		t.Fatal("web: no sign-in link for the first super admin")
	}
	p.tab(pSuper).open(p.firstAdmin)
	codeBy, codeDesk := 0, "" // who asked for the newest group code, for which desk
	for i, s := range desksTranscript() {
		switch {
		case deskAddOfficer.MatchString(s.say):
			m := deskAddOfficer.FindStringSubmatch(s.say)
			var person int
			fmt.Sscan(m[1], &person)
			by := p.actor(s.chat, s.person)
			issued := by.sayAndExpect("/petugas undang "+m[2], "Undangan petugas")
			link := webLink.FindString(issued)
			if link == "" {
				t.Fatalf("web desk step %d: the invitation has no web link:\n%s", i, issued)
			}
			p.tab(person).open(link)
			joined, err := by.expect("bergabung")
			if err != nil {
				t.Fatalf("web desk step %d: %v", i, err)
			}
			if !strings.Contains(joined, s.want) || !strings.Contains(joined, p.userID(person)) {
				t.Fatalf("web desk step %d: the inviting chat read %q, without %q and person %d's id", i, joined, s.want, person)
			}
			if p.tab(person).room == "" {
				t.Fatalf("web desk step %d: person %d's browser shows no room after the invitation", i, person)
			}
		case deskGroupCode.MatchString(s.say):
			codeBy, codeDesk = s.person, deskGroupCode.FindStringSubmatch(s.say)[1]
		case deskRegister.MatchString(s.say) && codeDesk != "":
			w := p.tab(s.person)
			if w.room == "" {
				issued := p.actor(codeBy, codeBy).sayAndExpect("/kode_ruang "+codeDesk, "Kode masuk ruang web")
				w.open(webLink.FindString(issued))
			}
			for g, other := range p.rooms {
				if other.title == w.room {
					t.Fatalf("web desk step %d: groups %d and %d would be the same room %q", i, g, s.chat, w.room)
				}
			}
			p.rooms[s.chat] = webGroup{title: w.room, reader: w}
			codeDesk = ""
		default:
			t.Fatalf("web desk step %d (%q): no meaning on the web yet; teach webPlatform.setupDesks", i, s.say)
		}
	}
}

// webTab is one browser tab showing the chat page: a session (cookie and
// CSRF token), the page's event stream, and what the page shows.
type webTab struct {
	t      *testing.T
	who    string
	base   string
	client *http.Client

	csrf string
	room string // the desk room this browser shows ("" for its own chat)
	id   string // the user id the service knows this browser by

	mu      sync.Mutex
	events  []webLine     // every line the stream brought, redraws included, in order
	shown   []*webLine    // the page's lines in seq order, redrawn in place
	cursor  int           // events read by expect
	changed chan struct{} // closed and replaced whenever the stream brings something
	reload  bool          // the stream said the page must reload
	failed  error         // the stream broke
	// patience is how long an action waits for the page to show what it
	// needs (default 10 s).
	patience time.Duration
	cancel   context.CancelFunc
	done     chan struct{}
}

// webLine is one line of the chat as the event stream sends it.
type webLine struct {
	Seq     int64  `json:"seq"`
	From    string `json:"from"`
	Text    string `json:"text"`
	Buttons [][]struct {
		Label string `json:"label"`
		Data  string `json:"data"`
	} `json:"buttons"`
	Replaces int64 `json:"replaces"`
	answered bool  // a citizen's choices already used
}

func openWebTab(t *testing.T, base, who string) *webTab { return openWebTabFrom(t, base, who, nil) }

// openWebTabFrom opens a tab whose connections come from the local address
// from (nil: any), as from a person's own device: the web chat's limit per
// client address then counts each person's messages apart.
func openWebTabFrom(t *testing.T, base, who string, from net.Addr) *webTab {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	if from != nil {
		client.Transport = &http.Transport{DialContext: (&net.Dialer{LocalAddr: from}).DialContext}
	}
	w := &webTab{t: t, who: who, base: base, client: client}
	t.Cleanup(w.closeStream)
	w.load()
	return w
}

// do sends one request of the page's script: same origin, the CSRF token,
// JSON accepted.
func (w *webTab) do(method, path, contentType string, body io.Reader) (int, string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html") // the page itself
	if method == "POST" {
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Origin", w.base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if w.csrf != "" {
			req.Header.Set("X-CSRF-Token", w.csrf)
		}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatalf("web %s: %s %s: %v", w.who, method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func (w *webTab) postJSON(path string, body any) (int, string) {
	w.t.Helper()
	var r io.Reader
	ct := ""
	if body != nil {
		b, _ := json.Marshal(body)
		r, ct = bytes.NewReader(b), "application/json"
	}
	return w.do("POST", path, ct, r)
}

// load opens the page: the page itself, its session, and its event
// stream from the start of the chat (a reload does the same).
func (w *webTab) load() {
	w.t.Helper()
	w.closeStream()
	if code, _ := w.do("GET", "/", "", nil); code != 200 {
		w.t.Fatalf("web %s: the page: %d", w.who, code)
	}
	w.session()
	w.mu.Lock()
	w.events, w.shown, w.cursor, w.reload, w.failed = nil, nil, 0, false, nil
	w.changed = make(chan struct{})
	w.mu.Unlock()
	w.connect()
}

// session is the page's POST /api/session: the session (made on the
// first visit), its CSRF token, and the room it shows.
func (w *webTab) session() {
	w.t.Helper()
	code, body := w.postJSON("/api/session", nil)
	var s struct{ CSRF, Room string }
	if err := json.Unmarshal([]byte(body), &s); code != 200 || err != nil || s.CSRF == "" {
		w.t.Fatalf("web %s: session: %d %s", w.who, code, body)
	}
	w.csrf, w.room = s.CSRF, s.Room
}

// connect opens the event stream (EventSource) and follows it.
func (w *webTab) connect() {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", w.base+"/api/events?after=0", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := w.client.Do(req)
	if err != nil {
		cancel()
		w.t.Fatalf("web %s: event stream: %v", w.who, err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		w.t.Fatalf("web %s: event stream: %d %s", w.who, resp.StatusCode, b)
	}
	done := make(chan struct{})
	w.cancel, w.done = cancel, done
	go w.follow(ctx, resp.Body, done, w.room != "")
}

func (w *webTab) closeStream() {
	if w.cancel != nil {
		w.cancel()
		<-w.done
		w.cancel, w.done = nil, nil
	}
}

// follow reads server-sent events until the stream ends.
func (w *webTab) follow(ctx context.Context, body io.ReadCloser, done chan struct{}, inRoom bool) {
	defer close(done)
	defer body.Close()
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	event, data := "", ""
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			w.dispatch(event, data, inRoom)
			event, data = "", ""
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			event = value
		case "data":
			if data != "" {
				data += "\n"
			}
			data += value
		}
	}
	if ctx.Err() != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.reload {
		w.failed = fmt.Errorf("web %s: the event stream ended: %v", w.who, sc.Err())
	}
	w.notifyLocked()
}

// dispatch is what the page does with one event.
func (w *webTab) dispatch(event, data string, inRoom bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.notifyLocked()
	switch event {
	case "reload":
		w.reload = true
		return
	case "message", "":
	default:
		return
	}
	var m webLine
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		w.failed = fmt.Errorf("web %s: an event the page cannot read: %q", w.who, data)
		return
	}
	for _, old := range w.shown {
		if old.Seq == m.Seq {
			return // the page shows a line once
		}
	}
	w.events = append(w.events, m)
	if m.Replaces != 0 {
		// A card redrawn in place: no new line, and its buttons are
		// new ones.
		for _, old := range w.shown {
			if old.Seq == m.Replaces {
				old.Text, old.Buttons, old.answered = m.Text, m.Buttons, false
			}
		}
		return
	}
	line := m
	at := len(w.shown)
	for at > 0 && w.shown[at-1].Seq > m.Seq {
		at--
	}
	w.shown = append(w.shown[:at], append([]*webLine{&line}, w.shown[at:]...)...)
	if line.From == "me" && !inRoom {
		// The citizen's answer uses the choices it repeats (noteAnswer).
		if newest := w.newestChoicesLocked(); newest != nil && newest.Seq < line.Seq {
			for _, label := range newest.labels() {
				if label == strings.TrimSpace(line.Text) {
					newest.answered = true
				}
			}
		}
	}
}

func (w *webTab) notifyLocked() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// wait runs check under the lock each time the stream brings something,
// until it returns true, for up to w.patience.
func (w *webTab) wait(what string, check func() bool) error {
	patience := w.patience
	if patience == 0 {
		patience = 10 * time.Second
	}
	timeout := time.NewTimer(patience)
	defer timeout.Stop()
	for {
		w.mu.Lock()
		if check() {
			w.mu.Unlock()
			return nil
		}
		reload, failed, changed := w.reload, w.failed, w.changed
		w.mu.Unlock()
		switch {
		case failed != nil:
			return fmt.Errorf("%s: %w", what, failed)
		case reload:
			w.load() // what the page does
			continue
		}
		select {
		case <-changed:
		case <-timeout.C:
			return fmt.Errorf("web %s: %s within %s; the page shows:\n%s", w.who, what, patience, w.screen())
		}
	}
}

// screen is the page's last lines, for failure messages.
func (w *webTab) screen() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	for _, l := range w.shown[max(0, len(w.shown)-6):] {
		fmt.Fprintf(&b, "  [%s] %q %v\n", l.From, l.Text, l.labels())
	}
	return b.String()
}

// labels are the line's buttons' labels.
func (l *webLine) labels() []string {
	var out []string
	for _, row := range l.Buttons {
		for _, b := range row {
			out = append(out, b.Label)
		}
	}
	return out
}

// expect waits for the bot's next line containing want (a card redrawn
// in place counts, as an edited message does on Telegram).
func (w *webTab) expect(want string) (string, error) {
	var found string
	err := w.wait(fmt.Sprintf("no bot message with %q", want), func() bool {
		for ; w.cursor < len(w.events); w.cursor++ {
			if m := w.events[w.cursor]; m.From == "bot" && strings.Contains(m.Text, want) {
				found = m.Text
				w.cursor++
				return true
			}
		}
		return false
	})
	return found, err
}

func (w *webTab) sayAndExpect(text, want string) string {
	w.t.Helper()
	w.typeText(text)
	got, err := w.expect(want)
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

var typedSignIn = regexp.MustCompile(`(?i)^/masuk\s+(\S+)\s*$`)

// typeText sends what was typed in the text box. In a room the page lets
// the officer reply to a bot message, and a prompt asks them to: typed text
// there answers the room's newest bot message, as on a Telegram group.
func (w *webTab) typeText(s string) {
	w.t.Helper()
	s = strings.TrimSpace(s)
	if s == "" {
		return // the page sends nothing
	}
	if m := typedSignIn.FindStringSubmatch(s); m != nil {
		w.signIn(m[1])
		return
	}
	body := map[string]any{"text": s}
	if w.room != "" && !strings.HasPrefix(s, "/") {
		w.mu.Lock()
		for i := len(w.shown) - 1; i >= 0; i-- {
			if l := w.shown[i]; l.From == "bot" && l.Text != "" {
				body["reply_to"] = l.Seq
				break
			}
		}
		w.mu.Unlock()
	}
	if code, out := w.postJSON("/api/messages", body); code != 202 {
		w.t.Fatalf("web %s: sending %q: %s", w.who, s, refusal(code, out))
	}
}

// newestChoicesLocked is the newest line with buttons.
func (w *webTab) newestChoicesLocked() *webLine {
	for i := len(w.shown) - 1; i >= 0; i-- {
		if l := w.shown[i]; l.From == "bot" && len(l.labels()) > 0 {
			return l
		}
	}
	return nil
}

// press presses the button labelled label that the page has enabled: in a
// citizen's chat only the newest choices until one is used, in a room
// every card's buttons (the newest card first).
func (w *webTab) press(label string) error {
	var line *webLine
	var data string
	find := func(l *webLine) bool {
		for _, row := range l.Buttons {
			for _, b := range row {
				if b.Label == label {
					line, data = l, b.Data
					if data == "" {
						data = b.Label
					}
					return true
				}
			}
		}
		return false
	}
	err := w.wait(fmt.Sprintf("no enabled button %q", label), func() bool {
		if w.room == "" {
			newest := w.newestChoicesLocked()
			return newest != nil && !newest.answered && find(newest)
		}
		for i := len(w.shown) - 1; i >= 0; i-- {
			if w.shown[i].From == "bot" && find(w.shown[i]) {
				return true
			}
		}
		return false
	})
	if err != nil {
		return err
	}
	if code, out := w.postJSON("/api/messages", map[string]string{"button": data, "label": label}); code != 202 {
		return fmt.Errorf("web %s: pressing %q: %s", w.who, label, refusal(code, out))
	}
	if w.room == "" {
		w.mu.Lock()
		line.answered = true
		w.mu.Unlock()
	}
	return nil
}

// attach sends a file the way the page does: a multipart form with the
// caption (the text box) first, then the file with its name and type.
func (w *webTab) attach(name string, data []byte, caption string) {
	w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if caption = strings.TrimSpace(caption); caption != "" {
		mw.WriteField("caption", caption)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", http.DetectContentType(data))
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.Close()
	if code, out := w.do("POST", "/api/upload", mw.FormDataContentType(), &buf); code != 202 {
		w.t.Fatalf("web %s: uploading %s: %s", w.who, name, refusal(code, out))
	}
}

// refusal explains a refused request. A 429 is the browser's message
// limit, which is LAPOR_FLOOD_PER_MINUTE's, the flood limit of the other
// channels' private chats too.
func refusal(code int, body string) string {
	if code == http.StatusTooManyRequests {
		return fmt.Sprintf("%d %s (one browser sent more than LAPOR_FLOOD_PER_MINUTE messages in a minute: "+
			"if the shared transcripts grew past it, raise it on all three platforms)", code, body)
	}
	return fmt.Sprintf("%d %s", code, body)
}

// open opens a sign-in link in this tab: the page loads, takes the code
// from its address, and signs in.
func (w *webTab) open(link string) {
	w.t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("masuk") == "" || !strings.HasPrefix(link, w.base+"/") {
		w.t.Fatalf("web %s: not a sign-in link of this web chat: %q", w.who, link)
	}
	w.closeStream()
	if code, _ := w.do("GET", "/?"+u.RawQuery, "", nil); code != 200 {
		w.t.Fatalf("web %s: opening %s: %d", w.who, link, code)
	}
	w.session()
	w.signIn(u.Query().Get("masuk"))
}

// signIn enters a desk's room with a code, then reloads the page as the
// page does. A browser already in another room would ask first (409); the
// transcripts never switch rooms, so that fails.
func (w *webTab) signIn(code string) {
	w.t.Helper()
	status, body := w.postJSON("/api/signin", map[string]string{"code": code})
	if status != 200 {
		w.t.Fatalf("web %s: sign-in: %d %s", w.who, status, body)
	}
	w.load()
	if w.room == "" {
		w.t.Fatalf("web %s: signed in, but the page shows no room", w.who)
	}
}

// The shared transcripts (parity_test.go) in the web chat: citizens in
// their browser, officers in their desks' web rooms.
func TestSharedTranscriptsOnWeb(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	env["LAPOR_FLOOD_PER_MINUTE"] = transcriptFlood
	startInProcess(t, env)
	p := newWebPlatform(t, "http://"+env["LAPOR_HTTP_ADDR"], env["LAPOR_DATABASE_URL"])
	waitForWeb(t, p.base)
	p.firstAdmin = p.base + "/?masuk=" + roomCode(t, env, "--desk", "super_admin", "--name", "Sari")
	playAll(t, p)

	// Where a text names a control of the chat apps, the web names the
	// page's own: a pin is shared with the page's location button, not
	// with 📎, which attaches files there.
	w := p.tab(pCitizen)
	if _, page := w.do("GET", "/", "", nil); !strings.Contains(page, ">Kirim lokasi saya<") {
		t.Fatal("the page has no button Kirim lokasi saya")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	named := false
	for _, m := range w.events {
		if strings.Contains(m.Text, "📎 →") {
			t.Errorf("the web chat names the chat apps' 📎 menu: %q", m.Text)
		}
		named = named || strings.Contains(m.Text, "Kirim lokasi saya")
	}
	if !named {
		t.Error("the web chat never named its location button to the citizen")
	}
}

// A browser may send what a private chat may (LAPOR_FLOOD_PER_MINUTE):
// raising the limit for a long transcript raises it on every channel.
func TestWebChatFollowsTheFloodLimit(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	env["LAPOR_FLOOD_PER_MINUTE"] = "3"
	startInProcess(t, env)
	p := newWebPlatform(t, "http://"+env["LAPOR_HTTP_ADDR"], env["LAPOR_DATABASE_URL"])
	waitForWeb(t, p.base)
	w := p.tab(pCitizen)
	for i := 1; i <= 4; i++ {
		code, body := w.postJSON("/api/messages", map[string]string{"text": fmt.Sprintf("pesan %d", i)})
		switch {
		case i <= 3 && code != 202:
			t.Fatalf("message %d of 3 allowed: %d %s", i, code, body)
		case i == 4 && (code != 429 || !strings.Contains(body, "Terlalu banyak pesan")):
			t.Fatalf("message 4 with a limit of 3: %d %s", code, body)
		}
	}
}

// waitForWeb waits until a lapor serve just started answers at base.
func waitForWeb(t *testing.T, base string) {
	t.Helper()
	if err := eventually(func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	}, "lapor never served its web chat"); err != nil {
		t.Fatal(err)
	}
}

// The web platform presses only what the page lets a citizen press: the
// newest choices, once. Pressing anything else would hide a difference
// between the channels that a citizen in a browser meets.
func TestWebPlatformPressesOnlyEnabledChoices(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	startInProcess(t, env)
	p := newWebPlatform(t, "http://"+env["LAPOR_HTTP_ADDR"], env["LAPOR_DATABASE_URL"])
	waitForWeb(t, p.base)
	w := p.tab(pCitizen)
	w.typeText("/start")
	ok := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	expect := func(want string) {
		t.Helper()
		_, err := w.expect(want)
		ok(err)
	}
	expect("Selamat datang")
	ok(w.press("📝 Buat laporan"))
	expect("Jenis laporan")
	w.patience = 300 * time.Millisecond
	if err := w.press("❓ Bantuan"); err == nil || !strings.Contains(err.Error(), "no enabled button") {
		t.Fatalf("a button of older choices was pressed: %v", err)
	}
	w.patience = 0
	ok(w.press("Pengaduan"))
	expect("Uraian")
	w.patience = 300 * time.Millisecond
	if err := w.press("Aspirasi"); err == nil {
		t.Fatal("used choices were pressed again")
	}
}
