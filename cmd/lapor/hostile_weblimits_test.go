package main

// The web chat on the open internet: slow and idle clients, revoked
// officers, reverse proxies, sessions, and what a file or a sign-in link
// can do in a browser. The cases that need the HTTP limits shortened run
// in their own group (web-limits); the others join the web group.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

func init() {
	hostileCatalogues = append(hostileCatalogues, func() []hostileRow { return hostileRows(webLimitsHostileCases()) })
}

// webLimitsEnv shortens the HTTP limits so that the cases see them act
// within seconds: a request has 2 s (and what 64 KB/s allows for a long
// body), an idle connection 2 s, the process 60 connections and one
// address 20; a web session unused for 4 s is deleted. 127.0.0.250 is a
// trusted reverse proxy, and people reach the chat at https://lapor.magetan.test.
func webLimitsEnv(t *testing.T) map[string]string {
	env := webEnv(t, pg.NewDatabase(t))
	for k, v := range map[string]string{
		"LAPOR_MAX_FILE_MB":            "1",
		"LAPOR_HTTP_TIMEOUT":           "2s",
		"LAPOR_HTTP_IDLE_TIMEOUT":      "2s",
		"LAPOR_HTTP_MIN_RATE":          "65536",
		"LAPOR_HTTP_MAX_CONNS":         "60",
		"LAPOR_HTTP_CONNS_PER_ADDRESS": "20",
		"LAPOR_TRUSTED_PROXIES":        "127.0.0.250/32",
		"LAPOR_PUBLIC_URL":             "https://lapor.magetan.test",
		"LAPOR_WEB_SESSION_IDLE":       "4s",
	} {
		env[k] = v
	}
	return env
}

func TestHostileWebLimits(t *testing.T) {
	t.Parallel()
	env := webLimitsEnv(t)
	logs, _ := startInProcess(t, env)
	db := hmust(store.Open(context.Background(), env["LAPOR_DATABASE_URL"], nil)).of(t)
	t.Cleanup(db.Close)
	w := &webHostile{env: env, db: db, logs: logs}
	hwait(t, "the service listens", func() bool { return hreadyOK(env["LAPOR_HTTP_ADDR"]) })
	runHostile(t, w, w.healthy, webLimitsHostileCases())
}

// ------------------------------------------------------------ helpers

// clientFrom is an HTTP client whose connections come from the loopback
// address ip (all of 127.0.0.0/8 is the loopback on Linux), so that a case
// is an address of its own.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second}}
}

// browserFrom is a browser whose requests come from ip.
func (w *webHostile) browserFrom(t *testing.T, ip string) *browser {
	return newBrowserWith(t, "http://"+w.env["LAPOR_HTTP_ADDR"], clientFrom(ip))
}

// dialFrom opens a TCP connection to the service from ip.
func (w *webHostile) dialFrom(t *testing.T, ip string) net.Conn {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", w.env["LAPOR_HTTP_ADDR"])
	if err != nil {
		t.Fatalf("dial from %s: %v", ip, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// idleConn opens a connection from ip, asks for /healthz on it and leaves
// it open: an idle keep-alive connection. It reports false when the
// service closed the connection instead of answering.
func (w *webHostile) idleConn(t *testing.T, ip string) (net.Conn, bool) {
	c := w.dialFrom(t, ip)
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: lapor\r\n\r\n"); err != nil {
		return c, false
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return c, false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_ = c.SetDeadline(time.Time{})
	return c, resp.StatusCode == 200
}

// closedWithin reports whether the service closes c (or answers and then
// closes it) within d.
func closedWithin(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 4096)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
}

// readyWithin checks /readyz answers 200 within d.
func (w *webHostile) readyWithin(t *testing.T, d time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: d}
	resp, err := client.Get("http://" + w.env["LAPOR_HTTP_ADDR"] + "/readyz")
	if err != nil {
		t.Fatalf("/readyz did not answer within %s: %v", d, err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz: %d", resp.StatusCode)
	}
}

// openStream opens an event stream with client's cookies; the caller
// closes the answer's body.
func openStream(t *testing.T, base string, client *http.Client) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/events?after=0", nil)
	c := &http.Client{Jar: client.Jar, Transport: client.Transport}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	if resp.StatusCode != 200 {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp, ""
}

// post sends a JSON body with the browser's token and extra headers.
func (b *browser) postWith(path string, body any, headers map[string]string) (int, string) {
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", b.base+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf)
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// sessionToken is the browser's session cookie.
func (b *browser) sessionToken() string {
	u, _ := url.Parse(b.base)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "lapor_chat" {
			return c.Value
		}
	}
	return ""
}

// chatID is the browser's own chat, as stored.
func (w *webHostile) chatID(t *testing.T, b *browser) string {
	t.Helper()
	sum := sha256.Sum256([]byte(b.sessionToken()))
	s, err := w.db.WebSessionByToken(context.Background(), sum[:])
	if err != nil {
		t.Fatalf("the browser's session: %v", err)
	}
	return s.ChatID
}

// throttled hands out data at about rate bytes per second.
type throttled struct {
	data  []byte
	rate  int
	start time.Time
	sent  int
}

func (r *throttled) Read(p []byte) (int, error) {
	if r.sent == len(r.data) {
		return 0, io.EOF
	}
	if r.start.IsZero() {
		r.start = time.Now()
	}
	chunk := min(len(p), r.rate/8, len(r.data)-r.sent)
	due := r.start.Add(time.Duration(float64(r.sent+chunk) / float64(r.rate) * float64(time.Second)))
	time.Sleep(time.Until(due))
	n := copy(p, r.data[r.sent:r.sent+chunk])
	r.sent += n
	return n, nil
}

// multipartFile is an upload body of one file.
func multipartFile(name, contentType string, data []byte) (body []byte, formType string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename=%q`, name)}
	h["Content-Type"] = []string{contentType}
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// trickle sends a request's head and then its body 10 bytes every 500 ms
// on a raw connection; it returns how long the service let it go on.
func (w *webHostile) trickle(t *testing.T, b *browser, ip, path, contentType string, length int) time.Duration {
	t.Helper()
	c := w.dialFrom(t, ip)
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nX-CSRF-Token: %s\r\nCookie: lapor_chat=%s\r\n\r\n",
		path, w.env["LAPOR_HTTP_ADDR"], contentType, length, b.csrf, b.sessionToken())
	start := time.Now()
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		closedWithin(c, 20*time.Second)
	}()
	for sent := 0; sent < length; sent += 10 {
		select {
		case <-closed:
			return time.Since(start)
		case <-time.After(500 * time.Millisecond):
		}
		if _, err := io.WriteString(c, strings.Repeat("x", 10)); err != nil {
			<-closed
			return time.Since(start)
		}
		if time.Since(start) > 15*time.Second {
			break
		}
	}
	<-closed
	return time.Since(start)
}

// viaProxy sends a request as the trusted proxy 127.0.0.250 does: from
// that address, with the headers the proxy adds.
func (w *webHostile) viaProxy(t *testing.T, jar http.CookieJar, method, path, body string, headers map[string]string) (int, string) {
	t.Helper()
	client := clientFrom("127.0.0.250")
	client.Jar = jar
	req, _ := http.NewRequest(method, "http://"+w.env["LAPOR_HTTP_ADDR"]+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// proxied is a citizen behind the trusted proxy, at address client.
type proxied struct {
	w      *webHostile
	jar    http.CookieJar
	csrf   string
	client string // the address the proxy saw
}

func (w *webHostile) behindProxy(t *testing.T, client string) *proxied {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	p := &proxied{w: w, jar: jar, client: client}
	code, body := w.viaProxy(t, jar, "POST", "/api/session", "", map[string]string{"X-Forwarded-For": client})
	var s struct{ CSRF string }
	if code != 200 || json.Unmarshal([]byte(body), &s) != nil || s.CSRF == "" {
		t.Fatalf("session behind the proxy: %d %s", code, body)
	}
	p.csrf = s.CSRF
	return p
}

// post sends body to path through the proxy; forged is what the citizen
// put in X-Forwarded-For themselves (the proxy appends their address).
func (p *proxied) post(t *testing.T, path, body, forged string) (int, string) {
	xff := p.client
	if forged != "" {
		xff = forged + ", " + p.client
	}
	return p.w.viaProxy(t, p.jar, "POST", path, body, map[string]string{"X-Forwarded-For": xff, "X-CSRF-Token": p.csrf})
}

// ------------------------------------------------------------ cases

func webLimitsHostileCases() []hostileCase[*webHostile] {
	type E = *webHostile
	return []hostileCase[E]{
		{id: "H80", channel: "web-limits", name: "idle keep-alive connections",
			input:  "200 connections from 10 addresses, each asks for /healthz once and then stays open saying nothing (LAPOR_HTTP_IDLE_TIMEOUT=2s)",
			expect: "/readyz answers 200 while they are held; the service closes every one of them within 5 s",
			run: func(t *testing.T, w E) {
				var conns []net.Conn
				for a := 1; a <= 10; a++ {
					for i := 0; i < 20; i++ {
						if c, ok := w.idleConn(t, fmt.Sprintf("127.80.0.%d", a)); ok {
							conns = append(conns, c)
						}
					}
				}
				w.readyWithin(t, 2*time.Second)
				deadline := time.Now().Add(5 * time.Second)
				for i, c := range conns {
					if !closedWithin(c, time.Until(deadline)) {
						t.Fatalf("idle connection %d of %d still open after 5 s", i+1, len(conns))
					}
				}
			}},
		{id: "H81", channel: "web-limits", name: "a thousand idle connections",
			input:  "1,000 keep-alive connections from 50 addresses, opened one after another, each idle after one /healthz (LAPOR_HTTP_MAX_CONNS=60)",
			expect: "at most 60 stay open (the idle ones are closed to make room; no \"too many open files\"); /readyz answers 200 within 2 s right after",
			run: func(t *testing.T, w E) {
				var conns []net.Conn
				for i := 0; i < 1000; i++ {
					c, _ := w.idleConn(t, fmt.Sprintf("127.81.0.%d", 1+i%50))
					conns = append(conns, c)
				}
				// Checked side by side: a read whose deadline passed while
				// the goroutine waited to run reports a timeout even on a
				// closed connection.
				var open atomic.Int32
				var wg sync.WaitGroup
				for _, c := range conns {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if !closedWithin(c, 300*time.Millisecond) {
							open.Add(1)
						}
					}()
				}
				wg.Wait()
				if n := open.Load(); n > 60 {
					t.Fatalf("%d of 1000 idle connections are open; the cap is 60", n)
				}
				w.readyWithin(t, 2*time.Second)
				if strings.Contains(w.logs.String(), "too many open files") {
					t.Fatal("the service ran out of file descriptors")
				}
				for _, c := range conns {
					c.Close()
				}
			}},
		{id: "H82", channel: "web-limits", name: "headers trickled (slowloris)",
			input:  "20 connections from one address each send a request's head one byte every 300 ms, never finishing it; then a 21st connection from that address (LAPOR_HTTP_TIMEOUT=2s, LAPOR_HTTP_CONNS_PER_ADDRESS=20)",
			expect: "the 21st is closed at once; each of the 20 is closed within 4 s; /readyz answers 200 meanwhile",
			run: func(t *testing.T, w E) {
				var wg sync.WaitGroup
				lasted := make([]time.Duration, 20)
				stop := make(chan struct{})
				defer close(stop)
				for i := range lasted {
					c := w.dialFrom(t, "127.82.0.1")
					wg.Add(1)
					go func() {
						defer wg.Done()
						start := time.Now()
						closed := make(chan struct{})
						go func() { defer close(closed); closedWithin(c, 15*time.Second) }()
						head := "GET /healthz HTTP/1.1\r\nHost: lapor\r\nX-Padding: " + strings.Repeat("a", 200)
						for j := 0; ; j++ {
							select {
							case <-closed:
								lasted[i] = time.Since(start)
								return
							case <-stop:
								return
							case <-time.After(300 * time.Millisecond):
							}
							if _, err := c.Write([]byte{head[j%len(head)]}); err != nil {
								<-closed
								lasted[i] = time.Since(start)
								return
							}
						}
					}()
				}
				time.Sleep(300 * time.Millisecond)
				extra := w.dialFrom(t, "127.82.0.1")
				_, _ = io.WriteString(extra, "GET /healthz HTTP/1.1\r\nHost: lapor\r\n\r\n")
				if !closedWithin(extra, time.Second) {
					t.Error("a 21st connection from the same address was kept open")
				}
				w.readyWithin(t, 2*time.Second)
				wg.Wait()
				for i, d := range lasted {
					if d == 0 || d > 4*time.Second {
						t.Fatalf("trickling connection %d lasted %s", i, d)
					}
				}
			}},
		{id: "H83", channel: "web-limits", name: "request bodies trickled",
			input:  "a message (Content-Length 1000) and an upload (Content-Length 100000) whose bodies come 10 bytes every 500 ms; then an honest 1 MB upload at 128 KB/s, 8 s in all (LAPOR_HTTP_TIMEOUT=2s, LAPOR_HTTP_MIN_RATE=65536)",
			expect: "each trickle is cut within 4 s; the slow but steady upload is taken (202, \"Bukti ke-1 diterima\")",
			run: func(t *testing.T, w E) {
				b := w.browserFrom(t, "127.83.0.1")
				toDescription(b)
				if d := w.trickle(t, b, "127.83.0.1", "/api/messages", "application/json", 1000); d > 4*time.Second {
					t.Errorf("a trickled message body was read for %s", d)
				}
				if d := w.trickle(t, b, "127.83.0.1", "/api/upload", "multipart/form-data; boundary=x", 100000); d > 4*time.Second {
					t.Errorf("a trickled upload was read for %s", d)
				}
				photo := jpegWithGPS(t)
				data := append(append([]byte{}, photo...), bytes.Repeat([]byte{0}, 1000_000-len(photo))...)
				body, formType := multipartFile("jalan.jpg", "image/jpeg", data)
				req, _ := http.NewRequest("POST", b.base+"/api/upload", &throttled{data: body, rate: 128 << 10})
				req.ContentLength = int64(len(body))
				req.Header.Set("Content-Type", formType)
				req.Header.Set("X-CSRF-Token", b.csrf)
				start := time.Now()
				resp, err := b.client.Do(req)
				if err != nil {
					t.Fatalf("slow upload: %v after %s", err, time.Since(start))
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 202 {
					t.Fatalf("slow upload: %d %s after %s", resp.StatusCode, out, time.Since(start))
				}
				b.expect("Bukti ke-1 diterima")
			}},
		{id: "H84", channel: "web-limits", name: "too many event streams",
			input:  "one session opens 5 event streams; then more sessions of the same address open streams until it holds 11; then another address opens one (LAPOR_HTTP_CONNS_PER_ADDRESS=20)",
			expect: "the session's 5th stream and the address's 11th are refused: 429 \"Terlalu banyak jendela chat\"; the other address's stream opens",
			run: func(t *testing.T, w E) {
				ip := "127.84.0.1"
				first := w.browserFrom(t, ip) // its page holds one stream
				first.say("/start", "Selamat datang")
				for i := 2; i <= 4; i++ {
					if resp, body := openStream(t, first.base, first.client); resp.StatusCode != 200 {
						t.Fatalf("stream %d of a session: %d %s", i, resp.StatusCode, body)
					}
				}
				resp, body := openStream(t, first.base, first.client)
				wantStatus(t, "5th stream of a session", resp.StatusCode, body, 429, "Terlalu banyak jendela chat")
				held := 4
				for held < 10 {
					b := w.browserFrom(t, ip)
					b.say("/start", "Selamat datang")
					held++
					for j := 0; j < 2 && held < 10; j++ {
						if resp, body := openStream(t, b.base, b.client); resp.StatusCode != 200 {
							t.Fatalf("stream %d of the address: %d %s", held+1, resp.StatusCode, body)
						}
						held++
					}
				}
				more := newBrowserWith(t, first.base, clientFrom(ip))
				resp, body = openStream(t, more.base, more.client)
				wantStatus(t, "11th stream of an address", resp.StatusCode, body, 429, "Terlalu banyak jendela chat")
				other := w.browserFrom(t, "127.84.0.2")
				if resp, body := openStream(t, other.base, other.client); resp.StatusCode != 200 {
					t.Fatalf("another address's stream: %d %s", resp.StatusCode, body)
				}
			}},
		{id: "H88", channel: "web-limits", name: "forged X-Forwarded-Proto from a client",
			input:  "POST /api/session over plain HTTP straight from a client (not a trusted proxy) with X-Forwarded-Proto: https, then with Forwarded: proto=https",
			expect: "the cookie is neither Secure nor SameSite=None: only LAPOR_TRUSTED_PROXIES are believed",
			run: func(t *testing.T, w E) {
				for _, hdr := range []map[string]string{{"X-Forwarded-Proto": "https"}, {"Forwarded": "for=198.51.100.7;proto=https"}} {
					_, _, h := w.raw(t, nil, "POST", "/api/session", "", nil, hdr)
					ck := h.Get("Set-Cookie")
					if ck == "" || strings.Contains(ck, "Secure") || strings.Contains(ck, "SameSite=None") {
						t.Fatalf("%v: Set-Cookie %q", hdr, ck)
					}
				}
			}},
		{id: "H89", channel: "web-limits", name: "citizens behind the trusted proxy",
			input:  "through the proxy 127.0.0.250 (trusted), citizen A (X-Forwarded-For 203.0.113.7) sends 5 wrong sign-in codes, each time forging a different address in front of the proxy's; A then floods 125 messages from 5 sessions; citizen B (203.0.113.8) signs in with a right code and sends a message",
			expect: "A's 6th code is refused 429 \"Terlalu banyak\" whatever A forges, and A's messages past 120 a minute get 429; B signs in (200) and sends (202): each citizen has their own limits",
			run: func(t *testing.T, w E) {
				freshMinute()
				a := w.behindProxy(t, "203.0.113.7")
				for i := 0; i < 5; i++ {
					code, body := a.post(t, "/api/signin", `{"code":"AAAAAAA`+string(rune('A'+i))+`"}`, fmt.Sprintf("198.51.100.%d", i+1))
					wantStatus(t, "wrong code", code, body, 403, "Kode masuk tidak berlaku")
				}
				code, body := a.post(t, "/api/signin", `{"code":"AAAAAAAZ"}`, "198.51.100.99")
				wantStatus(t, "6th code", code, body, 429, "Terlalu banyak")
				b := w.behindProxy(t, "203.0.113.8")
				valid := roomCode(t, w.env, "--desk", "ombudsman")
				code, body = b.post(t, "/api/signin", `{"code":"`+valid+`"}`, "")
				wantStatus(t, "B's right code", code, body, 200, "Ombudsman")

				limited := false
				for s := 0; s < 5 && !limited; s++ {
					as := w.behindProxy(t, "203.0.113.7")
					for i := 0; i < 25; i++ {
						code, body := as.post(t, "/api/messages", `{"text":"/bantuan"}`, fmt.Sprintf("192.0.2.%d", s*25+i))
						if code == 429 {
							limited = true
							break
						}
						if code != 202 {
							t.Fatalf("A's message: %d %s", code, body)
						}
					}
				}
				if !limited {
					t.Fatal("125 messages of one citizen behind the proxy were all taken")
				}
				code, body = b.post(t, "/api/messages", `{"text":"/bantuan"}`, "")
				wantStatus(t, "B's message", code, body, 202, "ok")
			}},
		{id: "H90", channel: "web-limits", name: "Origin through a proxy that rewrites Host",
			input:  "with LAPOR_PUBLIC_URL=https://lapor.magetan.test, messages whose Host is the service's own address (as a proxy rewrites it) with Origin https://lapor.magetan.test, https://evil.example, and http://lapor.magetan.test",
			expect: "the public URL's origin is taken (202); the others get 403 \"tidak berasal dari halaman chat ini\"",
			run: func(t *testing.T, w E) {
				b := w.browserFrom(t, "127.90.0.1")
				code, body := b.postWith("/api/messages", map[string]string{"text": "/start"}, map[string]string{"Origin": "https://lapor.magetan.test"})
				wantStatus(t, "public origin", code, body, 202, "ok")
				for _, o := range []string{"https://evil.example", "http://lapor.magetan.test"} {
					code, body := b.postWith("/api/messages", map[string]string{"text": "/start"}, map[string]string{"Origin": o})
					wantStatus(t, o, code, body, 403, "tidak berasal dari halaman chat ini")
				}
			}},
		{id: "H91", channel: "web-limits", name: "session flood",
			input:  "one address asks POST /api/session 100 times without a cookie; then another address asks once",
			expect: "30 sessions are made, then 429 \"Terlalu banyak sesi chat baru\"; the other address gets its session (200)",
			run: func(t *testing.T, w E) {
				freshMinute()
				made, refused := 0, 0
				client := clientFrom("127.91.0.1")
				for i := 0; i < 100; i++ {
					resp, err := client.Post("http://"+w.env["LAPOR_HTTP_ADDR"]+"/api/session", "application/json", nil)
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					client.Jar, _ = cookiejar.New(nil)
					switch {
					case resp.StatusCode == 200:
						made++
					case resp.StatusCode == 429 && strings.Contains(string(body), "Terlalu banyak sesi chat baru"):
						refused++
					default:
						t.Fatalf("session %d: %d %s", i+1, resp.StatusCode, body)
					}
				}
				if made != 30 || refused != 70 {
					t.Fatalf("%d sessions made and %d refused for one address in a minute; want 30 and 70", made, refused)
				}
				w.browserFrom(t, "127.91.0.2")
			}},
		{id: "H105", channel: "web-limits", name: "open data flood",
			input:  "one address asks GET /open311/v2/requests.json 130 times in a row; then another address asks once; then citizen A behind the trusted proxy 127.0.0.250 (X-Forwarded-For 203.0.113.9) asks 130 times, and citizen B (203.0.113.10) once",
			expect: "each client's first 120 get 200 and the rest 429 \"Terlalu banyak permintaan\" with Retry-After; the other address and citizen B get 200: the limit is per client, through the proxy too",
			run: func(t *testing.T, w E) {
				freshMinute()
				url := "http://" + w.env["LAPOR_HTTP_ADDR"] + "/open311/v2/requests.json"
				get := func(client *http.Client, forwarded string) (int, string, string) {
					req, _ := http.NewRequest("GET", url, nil)
					if forwarded != "" {
						req.Header.Set("X-Forwarded-For", forwarded)
					}
					resp, err := client.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					body, _ := io.ReadAll(resp.Body)
					return resp.StatusCode, resp.Header.Get("Retry-After"), string(body)
				}
				flood := func(client *http.Client, forwarded string) {
					ok, refused := 0, 0
					for i := range 130 {
						code, retry, body := get(client, forwarded)
						switch {
						case code == 200:
							ok++
						case code == 429 && retry != "" && strings.Contains(body, "Terlalu banyak permintaan"):
							refused++
						default:
							t.Fatalf("request %d: %d %q %s", i+1, code, retry, body)
						}
					}
					if ok != 120 || refused != 10 {
						t.Fatalf("%d answered and %d refused of 130 from one client; want 120 and 10", ok, refused)
					}
				}
				flood(clientFrom("127.105.0.1"), "")
				if code, _, body := get(clientFrom("127.105.0.2"), ""); code != 200 {
					t.Fatalf("another address: %d %s", code, body)
				}
				proxy := clientFrom("127.0.0.250")
				flood(proxy, "203.0.113.9")
				if code, _, body := get(proxy, "203.0.113.10"); code != 200 {
					t.Fatalf("citizen B behind the proxy: %d %s", code, body)
				}
			}},
		{id: "H92", channel: "web-limits", name: "idle sessions",
			input:  "a session that sent a text and a photo but filed no report, and a session whose report is open, both left unused (LAPOR_WEB_SESSION_IDLE=4s)",
			expect: "within 15 s the first is deleted with its transcript and files (its cookie then gets 401 \"Sesi chat tidak ditemukan\"); the one with the open report stays, transcript and all",
			run: func(t *testing.T, w E) {
				ctx := context.Background()
				idle := w.browserFrom(t, "127.92.0.1")
				toDescription(idle)
				if code, body := idle.upload("lubang.jpg", jpegWithGPS(t)); code != 202 {
					t.Fatalf("upload: %d %s", code, body)
				}
				idle.expect("Bukti ke-1 diterima")
				idleChat := w.chatID(t, idle)
				filer := w.browserFrom(t, "127.92.0.2")
				fileWebReport(t, filer, jpegWithGPS(t))
				filerChat := w.chatID(t, filer)
				idle.close()
				filer.close()
				filerLeft := time.Now()
				idleToken := sha256.Sum256([]byte(idle.sessionToken()))
				hwait(t, "the idle session deleted", func() bool {
					_, err := w.db.WebSessionByToken(ctx, idleToken[:])
					m, f, err2 := w.db.WebChatSize(ctx, idleChat)
					return errors.Is(err, store.ErrNotFound) && err2 == nil && m == 0 && f == 0
				})
				if time.Since(filerLeft) > 15*time.Second {
					t.Fatalf("the idle session was deleted only after %s", time.Since(filerLeft))
				}
				code, body := w.postRaw(t, idle, "/api/messages", `{"text":"halo"}`)
				wantStatus(t, "the deleted session's cookie", code, body, 401, "Sesi chat tidak ditemukan")
				// Past the idle time of the filer's session too, and two runs
				// of the job.
				time.Sleep(time.Until(filerLeft.Add(7 * time.Second)))
				m, f, err := w.db.WebChatSize(ctx, filerChat)
				if err != nil || m < 10 || f == 0 {
					t.Fatalf("the chat with an open report: %d messages, %d files, %v", m, f, err)
				}
				if got := w.chatID(t, filer); got != filerChat {
					t.Fatalf("the session with an open report changed chat: %s", got)
				}
			}},
	}
}

// ------------------------------------------------------------ web group

// webRoomCases are the web group's cases about officers' rooms and files.
func webRoomCases() []hostileCase[*webHostile] {
	type E = *webHostile
	return []hostileCase[E]{
		{id: "H85", channel: "web", name: "removed officer's open stream",
			input:  "agency officer Rina follows her desk's room; the super admin removes her (/petugas hapus); right after, another officer of the desk writes in the room",
			expect: "Rina's stream ends within 3 s and never shows the line written after her removal",
			run: func(t *testing.T, w E) {
				w.removedOfficer(t, w.env, 3*time.Second)
			}},
		{id: "H86", channel: "web", name: "officer removed on another replica",
			input:  "as H85, but the removal and the new line go through a second lapor serve on the same database, while Rina's stream is on the first",
			expect: "Rina's stream ends within 5 s and never shows the line written after her removal",
			run: func(t *testing.T, w E) {
				other := webEnv(t, w.env["LAPOR_DATABASE_URL"])
				startInProcess(t, other)
				w.removedOfficer(t, other, 5*time.Second)
			}},
		{id: "H87", channel: "web", name: "sign-out with an open stream",
			input:  "an officer follows her room in two streams, then POST /api/signout; another officer then writes in the room",
			expect: "both streams end within 1 s and neither shows the new line",
			run: func(t *testing.T, w E) {
				rina := officer(t, w.env, "--desk", "regency_admin", "--name", "Rina H87")
				dodi := officer(t, w.env, "--desk", "regency_admin", "--name", "Dodi H87")
				streams := []*roomStream{followRoom(t, rina), followRoom(t, rina)}
				if code, body := rina.post("/api/signout", map[string]any{}); code != 202 {
					t.Fatalf("sign-out: %d %s", code, body)
				}
				for i, s := range streams {
					if !s.endedWithin(time.Second) {
						t.Fatalf("stream %d still open 1 s after sign-out", i+1)
					}
				}
				roomLine(t, dodi, "Catatan H87 setelah keluar")
				for i, s := range streams {
					if s.saw("Catatan H87") {
						t.Fatalf("stream %d showed a line written after sign-out", i+1)
					}
				}
			}},
		{id: "H93", channel: "web", name: "SVG under other type spellings",
			input:  "uploads of an SVG with a script declared image/svg+xml; charset=utf-16le, image/SVG+xml, and image/png; then GET of each file's URL",
			expect: "every one is served as application/octet-stream with Content-Disposition attachment: inline only for JPEG, PNG, GIF and WebP whose bytes are that type",
			run: func(t *testing.T, w E) {
				b := w.browser(t)
				toDescription(b)
				// UTF-16 without a byte-order mark: the bytes sniff as binary,
				// so the declared type is what the upload keeps.
				svg := utf16LE(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`)
				for i, ct := range []string{"image/svg+xml; charset=utf-16le", "image/SVG+xml", "image/png"} {
					if code, body := uploadAs(t, b, fmt.Sprintf("gambar%d.svg", i), ct, svg); code != 202 {
						t.Fatalf("upload %s: %d %s", ct, code, body)
					}
					b.expect(fmt.Sprintf("Bukti ke-%d diterima", i+1))
					up := lastUpload(t, b)
					code, _, h := w.raw(t, b, "GET", up.Attachment.URL, "", nil, nil)
					if code != 200 || h.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
						t.Fatalf("%s served as %d %q %q", ct, code, h.Get("Content-Type"), h.Get("Content-Disposition"))
					}
				}
			}},
		{id: "H94", channel: "web", name: "sign-in link in a browser already in a room",
			input:  "a browser signed in to the regency admin's room opens a sign-in link of an agency room (POST /api/signin without \"switch\"), then confirms (\"switch\": true)",
			expect: "409 \"sudah masuk ke ruang\" and the code is not used; with the confirmation 200, now in the agency's room",
			run: func(t *testing.T, w E) {
				b := officer(t, w.env, "--desk", "regency_admin", "--name", "Budi H94")
				code := roomCode(t, w.env, "--desk", "agency", "--agency", "DPUPR", "--name", "Budi H94")
				status, body := b.post("/api/signin", map[string]any{"code": code})
				wantStatus(t, "unconfirmed switch", status, body, 409, "sudah masuk ke ruang")
				status, body = b.post("/api/session", nil)
				if status != 200 || !strings.Contains(body, "Admin") {
					t.Fatalf("the browser left its room: %d %s", status, body)
				}
				status, body = b.post("/api/signin", map[string]any{"code": code, "switch": true})
				wantStatus(t, "confirmed switch", status, body, 200, "Pekerjaan Umum")
			}},
	}
}

// roomStream follows a browser's event stream and records its data lines.
type roomStream struct {
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

func followRoom(t *testing.T, b *browser) *roomStream {
	t.Helper()
	resp, body := openStream(t, b.base, b.client)
	if resp.StatusCode != 200 {
		t.Fatalf("stream: %d %s", resp.StatusCode, body)
	}
	s := &roomStream{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			s.mu.Lock()
			s.lines = append(s.lines, sc.Text())
			s.mu.Unlock()
		}
	}()
	return s
}

func (s *roomStream) endedWithin(d time.Duration) bool {
	select {
	case <-s.done:
		return true
	case <-time.After(d):
		return false
	}
}

func (s *roomStream) saw(text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.lines {
		if strings.Contains(l, text) {
			return true
		}
	}
	return false
}

var webOfficerID = regexp.MustCompile(`web (\S+) — [^\n]*\(([^)\n]*)\)`)

// removedOfficer: Rina follows her room on this service; the super admin
// and another officer work through env's service (this one or another
// replica).
func (w *webHostile) removedOfficer(t *testing.T, env map[string]string, within time.Duration) {
	t.Helper()
	tag := fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000)
	rina := officer(t, w.env, "--desk", "agency", "--agency", "DPUPR", "--name", "Rina "+tag)
	super := officer(t, env, "--desk", "super_admin", "--name", "Sari "+tag)
	dodi := officer(t, env, "--desk", "agency", "--agency", "DPUPR", "--name", "Dodi "+tag)
	stream := followRoom(t, rina)
	roomLine(t, dodi, "Sebelum "+tag)
	if err := eventually(func() bool { return stream.saw("Sebelum " + tag) }, "Rina's stream shows the room"); err != nil {
		t.Fatal(err)
	}
	list := super.say("/petugas", "Rina "+tag)
	var id string
	for _, m := range webOfficerID.FindAllStringSubmatch(list.Text, -1) {
		if m[2] == "Rina "+tag {
			id = m[1]
		}
	}
	if id == "" {
		t.Fatalf("no web officer Rina %s in %q", tag, list.Text)
	}
	super.say("/petugas hapus "+id, id)
	removed := time.Now()
	roomLine(t, dodi, "Sesudah "+tag)
	if !stream.endedWithin(within - time.Since(removed)) {
		t.Fatalf("the removed officer's stream is still open %s after the removal", time.Since(removed))
	}
	if stream.saw("Sesudah " + tag) {
		t.Fatal("the removed officer's stream showed a line written after the removal")
	}
}

// roomLine writes text in an officer's room (no answer is awaited: the
// bot does not answer chatter between officers).
func roomLine(t *testing.T, b *browser, text string) {
	t.Helper()
	if code, body := b.post("/api/messages", map[string]string{"text": text}); code != 202 {
		t.Fatalf("room line %q: %d %s", text, code, body)
	}
}

// freshMinute waits, when less than 20 s of the clock's minute are left,
// for the next one: the per-minute limits count over a sliding minute
// (edge.Rate), which weighs the previous clock minute's count by the part
// of it still in the window; a case that counts to a limit exactly stays
// within one clock minute, so that estimate does not enter.
func freshMinute() {
	if now := time.Now(); now.Second() >= 40 {
		time.Sleep(now.Truncate(time.Minute).Add(time.Minute + 200*time.Millisecond).Sub(now))
	}
}

// utf16LE is s in UTF-16, little-endian, without a byte-order mark.
func utf16LE(s string) []byte {
	var out []byte
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}
