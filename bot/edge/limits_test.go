package edge

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func serve(t *testing.T, h http.Handler, l Limits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, capped := NewServer(ln, h, l)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(capped) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-done
	})
	return ln.Addr().String()
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })

// idle opens a connection from ip and leaves it idle after one request.
func idle(t *testing.T, addr, ip string) net.Conn {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return c
}

func isClosed(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// At the cap, the connection idle the longest makes room; an address at
// its share gets a new connection only by giving up an idle one of its
// own, and is refused when none is idle.
func TestConnectionCap(t *testing.T) {
	addr := serve(t, ok, Limits{MaxConns: 10, ConnsPerAddress: 4, IdleTimeout: time.Minute})
	var conns []net.Conn
	for i := 0; i < 40; i++ {
		conns = append(conns, idle(t, addr, []string{"127.7.0.1", "127.7.0.2", "127.7.0.3", "127.7.0.4", "127.7.0.5"}[i%5]))
	}
	open := 0
	for _, c := range conns {
		if !isClosed(c, 100*time.Millisecond) {
			open++
		}
	}
	if open > 10 || open < 8 {
		t.Fatalf("%d of 40 idle connections open; cap 10", open)
	}

	// Four busy connections of one address (their heads unfinished): a
	// fifth from it is closed at once.
	for i := 0; i < 4; i++ {
		c, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.7.1.1")}}).Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _ = io.WriteString(c, "GET / HTTP/1.1\r\n")
	}
	time.Sleep(100 * time.Millisecond)
	fifth, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.7.1.1")}}).Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer fifth.Close()
	if !isClosed(fifth, time.Second) {
		t.Fatal("a fifth connection of an address with four busy ones was kept")
	}
}

// A trusted proxy carries everyone: it is not held to one address's share.
func TestConnectionCapSparesTrustedProxies(t *testing.T) {
	p, _ := ParseProxies("127.7.2.1/32")
	addr := serve(t, ok, Limits{MaxConns: 50, ConnsPerAddress: 2, Proxies: p})
	var conns []net.Conn
	for i := 0; i < 6; i++ {
		c, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.7.2.1")}}).Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _ = io.WriteString(c, "GET / HTTP/1.1\r\n")
		conns = append(conns, c)
	}
	for i, c := range conns {
		if isClosed(c, 200*time.Millisecond) {
			t.Fatalf("the proxy's connection %d was closed", i+1)
		}
	}
}

// A body may take Timeout plus what MinRate allows for its bytes: a slow
// steady one is read whole, a trickle is cut; the answer to a long upload
// still gets its time.
func TestMinimumRate(t *testing.T) {
	var mu sync.Mutex
	var got []int
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, len(b))
		mu.Unlock()
		if err != nil {
			http.Error(w, "cut", http.StatusRequestTimeout)
			return
		}
		_, _ = io.WriteString(w, strings.Repeat("x", 1000))
	}), Limits{Timeout: 500 * time.Millisecond, MinRate: 10_000})

	// 30,000 bytes at 20,000/s: 1.5 s, three times Timeout.
	body := &paced{n: 30_000, chunk: 2_000, every: 100 * time.Millisecond}
	resp, err := http.Post("http://"+addr+"/", "application/octet-stream", body)
	if err != nil {
		t.Fatalf("slow steady body: %v", err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(out) != 1000 {
		t.Fatalf("slow steady body: %d, %d bytes back", resp.StatusCode, len(out))
	}

	// 10 bytes every 300 ms: cut after about Timeout.
	start := time.Now()
	trickle := &paced{n: 1000, chunk: 10, every: 300 * time.Millisecond}
	resp, err = http.Post("http://"+addr+"/", "application/octet-stream", trickle)
	if err == nil {
		resp.Body.Close()
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("a trickle was read for %s", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != 30_000 || got[1] >= 1000 {
		t.Fatalf("bodies read: %v", got)
	}
}

type paced struct {
	n, chunk int
	every    time.Duration
	sent     int
}

func (p *paced) Read(b []byte) (int, error) {
	if p.sent >= p.n {
		return 0, io.EOF
	}
	time.Sleep(p.every)
	n := min(p.chunk, len(b), p.n-p.sent)
	for i := range n {
		b[i] = 'a'
	}
	p.sent += n
	return n, nil
}

// A stream outlives Timeout as long as the client takes its writes, and
// the server's shutdown ends it.
func TestStream(t *testing.T) {
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Stream(w)
		for i := 0; ; i++ {
			if _, err := io.WriteString(w, "tick\n"); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}), Limits{Timeout: 300 * time.Millisecond})
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	start := time.Now()
	for n := 0; n < 15; n++ {
		if !sc.Scan() {
			t.Fatalf("the stream ended after %s (%d lines): %v", time.Since(start), n, sc.Err())
		}
	}
}
