package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"
)

// browser is a web chat user: a cookie jar, the CSRF token and the event
// stream.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
	csrf   string
	mu     sync.Mutex
	got    []webMsg
	seen   int
	cancel context.CancelFunc
	done   chan struct{}
}

type webMsg struct {
	Seq     int64  `json:"seq"`
	From    string `json:"from"`
	Text    string `json:"text"`
	Buttons [][]struct {
		Label string `json:"label"`
		Data  string `json:"data"`
	} `json:"buttons"`
	Attachment *struct {
		URL string `json:"url"`
	} `json:"attachment"`
	Replaces int64 `json:"replaces"` // the seq of the line (a card) this one redraws
}

func newBrowser(t *testing.T, addr string, jar http.CookieJar) *browser {
	if jar == nil {
		jar, _ = cookiejar.New(nil)
	}
	return newBrowserWith(t, "http://"+addr, &http.Client{Jar: jar, Timeout: 30 * time.Second})
}

// newBrowserWith is a browser at base (scheme and host) whose requests go
// through client (its own source address, a proxy's certificate, …).
func newBrowserWith(t *testing.T, base string, client *http.Client) *browser {
	if client.Jar == nil {
		client.Jar, _ = cookiejar.New(nil)
	}
	b := &browser{t: t, base: base, client: client}
	var s struct{ CSRF string }
	if err := eventually(func() bool {
		resp, err := b.client.Post(b.base+"/api/session", "application/json", nil)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&s) == nil
	}, "no web chat session"); err != nil {
		t.Fatal(err)
	}
	b.csrf = s.CSRF
	b.listen()
	t.Cleanup(b.close)
	return b
}

// listen follows the event stream from the start of the chat.
func (b *browser) listen() {
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan struct{})
	req, _ := http.NewRequestWithContext(ctx, "GET", b.base+"/api/events?after=0", nil)
	go func() {
		defer close(b.done)
		client := &http.Client{Jar: b.client.Jar, Transport: b.client.Transport}
		resp, err := client.Do(req)
		if err != nil {
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var m webMsg
				if json.Unmarshal([]byte(data), &m) == nil {
					b.mu.Lock()
					b.got = append(b.got, m)
					b.mu.Unlock()
				}
			}
		}
	}()
}

func (b *browser) close() {
	b.cancel()
	<-b.done
}

func (b *browser) post(path string, body any) (int, string) {
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", b.base+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf)
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// expect waits for the bot's next message containing want.
func (b *browser) expect(want string) webMsg {
	b.t.Helper()
	var found webMsg
	err := eventually(func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		for ; b.seen < len(b.got); b.seen++ {
			// A line that redraws a card is no new message (the page
			// changes the card in place).
			if m := b.got[b.seen]; m.From == "bot" && m.Replaces == 0 && strings.Contains(m.Text, want) {
				found = m
				b.seen++
				return true
			}
		}
		return false
	}, "web chat: no bot message with "+want)
	if err != nil {
		b.t.Fatal(err)
	}
	return found
}

func (b *browser) say(text, want string) webMsg {
	b.t.Helper()
	if code, body := b.post("/api/messages", map[string]string{"text": text}); code != 202 {
		b.t.Fatalf("send %q: %d %s", text, code, body)
	}
	return b.expect(want)
}

func (b *browser) press(data, want string) webMsg {
	b.t.Helper()
	if code, body := b.post("/api/messages", map[string]string{"button": data, "label": data}); code != 202 {
		b.t.Fatalf("press %q: %d %s", data, code, body)
	}
	return b.expect(want)
}

func (b *browser) upload(name string, data []byte) (int, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", b.base+"/api/upload", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.csrf)
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func webEnv(t *testing.T, dbURL string) map[string]string {
	return map[string]string{"LAPOR_DATABASE_URL": dbURL, "LAPOR_HTTP_ADDR": freeAddr(t), "LAPOR_LOG_LEVEL": "warn",
		"LAPOR_OUTBOX_LEASE": "3s"}
}

// A citizen files a complaint with a photo in the web chat; the
// conversation survives a reload and a server restart.
func TestWebChatFilesAComplaintAndSurvivesRestart(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	_, stop := startInProcess(t, env)
	b := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	b.say("/start", "Selamat datang")
	b.press("menu:new", "Jenis laporan")
	b.press("type:pengaduan", "Uraian")
	b.say("Trotoar di depan pasar Magetan rusak dan berlubang sejak bulan lalu.", "Dicatat")
	b.press("what:next", "Kapan")
	b.press("when:today", "Di mana")
	b.say("Jl. Pahlawan, Magetan", "pilih kecamatan lain")
	b.press("kec:35.20.06", "Bukti")
	if code, body := b.upload("trotoar.jpg", jpegWithGPS(t)); code != 202 {
		t.Fatalf("upload: %d %s", code, body)
	}
	b.expect("Bukti ke-1 diterima")
	b.press("ev:done", "Sembunyikan")
	b.press("anon:no", "nama Anda")
	b.say("Siti Rahayu", "telepon atau alamat e-mail")
	b.say("0812-3456-7890", "Rahasiakan")
	b.press("conf:yes", "Ringkasan")
	done := b.press("sum:send", "Nomor laporan")
	id := anyTrackingID.FindString(done.Text)

	// A reload: a new stream from the start shows the whole conversation.
	jar := b.client.Jar
	b.close()
	stop()
	startInProcess(t, env) // a server restart on the same database
	again := newBrowser(t, env["LAPOR_HTTP_ADDR"], jar)
	again.expect("Selamat datang")
	again.expect(id)
	again.mu.Lock()
	var mine int
	for _, m := range again.got {
		if m.From == "me" {
			mine++
		}
	}
	again.mu.Unlock()
	if mine < 10 {
		t.Fatalf("the reloaded chat shows %d of the citizen's messages", mine)
	}
	again.say("/status "+id, "Status: Belum Terverifikasi")
}

// The safety points: a forged cross-site POST, a guessed file URL of
// another session, an oversized upload, and the security headers.
func TestWebChatSafety(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	env["LAPOR_MAX_FILE_MB"] = "1"
	startInProcess(t, env)
	alice := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	mallory := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)

	// Forged: no token (what a cross-site form can send), a wrong token,
	// and the right token from a foreign origin.
	for _, c := range []struct {
		token, origin string
	}{{"", ""}, {"wrong", ""}, {alice.csrf, "https://evil.example"}} {
		req, _ := http.NewRequest("POST", alice.base+"/api/messages", strings.NewReader(`{"text":"halo"}`))
		req.Header.Set("Content-Type", "application/json")
		if c.token != "" {
			req.Header.Set("X-CSRF-Token", c.token)
		}
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		resp, err := alice.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 403 || !strings.Contains(string(body), "tidak berasal dari halaman chat ini") {
			t.Errorf("forged POST %+v: %d %s", c, resp.StatusCode, body)
		}
	}

	// Alice sends a photo in the evidence step; Mallory guesses its URL.
	alice.say("/start", "Selamat datang")
	alice.press("menu:new", "Jenis laporan")
	alice.press("type:pengaduan", "Uraian")
	if code, _ := alice.upload("rumah.jpg", jpegWithGPS(t)); code != 202 {
		t.Fatalf("upload refused: %d", code)
	}
	alice.expect("Bukti ke-1 diterima")
	var url string
	alice.mu.Lock()
	for _, m := range alice.got {
		if m.Attachment != nil && m.Attachment.URL != "" {
			url = m.Attachment.URL
		}
	}
	alice.mu.Unlock()
	if url == "" {
		t.Fatal("alice's photo has no URL in her chat")
	}
	if resp, err := alice.client.Get(alice.base + url); err != nil || resp.StatusCode != 200 {
		t.Fatalf("alice cannot open her own photo: %v", err)
	}
	for i := 1; i <= 5; i++ {
		guess := fmt.Sprintf("%s/api/files/%d", mallory.base, i)
		resp, err := mallory.client.Get(guess)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("mallory read %s: %d", guess, resp.StatusCode)
		}
	}

	// 2 MB with a 1 MB limit: a clear message.
	code, body := alice.upload("video.mp4", bytes.Repeat([]byte("x"), 2<<20))
	if code != 413 || !strings.Contains(body, "Berkas terlalu besar") {
		t.Errorf("oversized upload: %d %s", code, body)
	}

	resp, err := alice.client.Get(alice.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers missing: %v", resp.Header)
	}
	for _, ck := range alice.client.Jar.Cookies(resp.Request.URL) {
		_ = ck // the jar hides HttpOnly; checked below on a fresh response
	}
	fresh, err := http.Post(alice.base+"/api/session", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Body.Close()
	setCookie := fresh.Header.Get("Set-Cookie")
	if !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=") {
		t.Errorf("session cookie %q is not HttpOnly with SameSite", setCookie)
	}
}
