package edge

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A client gets max requests in any 60 s, not max per clock minute: 30 at
// the end of one minute and 30 more at the start of the next get only the
// first 30 through, give or take one (whole clock minutes let all 60
// pass). The window then slides: as the busy minute slides out, its share
// of the limit comes free again, and after two quiet minutes all of it.
func TestRateSlides(t *testing.T) {
	clock := time.Date(2026, 12, 7, 10, 0, 58, 0, time.UTC)
	r := NewRate(func() time.Time { return clock })
	allowed := func(n int) (ok int) {
		for range n {
			if r.Allow("a", 30) {
				ok++
			}
		}
		return ok
	}
	if ok := allowed(30); ok != 30 {
		t.Fatalf("the first 30: %d allowed", ok)
	}
	if r.Allow("b", 30) != true {
		t.Fatal("another client was refused")
	}
	clock = clock.Add(4 * time.Second) // 10:01:02
	// The previous minute still weighs 58/60: 29 of its 30 count.
	if ok := allowed(30); ok > 1 {
		t.Fatalf("30 more 4 s later, across the minute: %d allowed, want at most 1", ok)
	}
	if n := r.Count("a"); n < 55 || n > 60 {
		t.Fatalf("Count = %d, want the 60 asked for in the last minute (less the part of the earlier minute that slid out)", n)
	}
	// Refused requests count as well: a client that keeps asking stays
	// refused.
	clock = clock.Add(30 * time.Second) // 10:01:32: 10:00 weighs 28/60
	if ok := allowed(30); ok != 0 {
		t.Fatalf("30 more 30 s later: %d allowed; the 60 asked for since 10:01 count", ok)
	}
	clock = clock.Add(73 * time.Second) // 10:02:45: the 60 of 10:01 weigh 15/60
	if ok := allowed(30); ok < 14 || ok > 16 {
		t.Fatalf("at 10:02:45: %d allowed, want about 15", ok)
	}
	clock = clock.Add(2 * time.Minute)
	if ok := allowed(30); ok != 30 {
		t.Fatalf("after two quiet minutes: %d allowed, want all 30", ok)
	}
}

// PerClient refuses a client over its limit with 429, Retry-After and a
// reason, while other clients go on.
func TestPerClient(t *testing.T) {
	clock := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	h := PerClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		Proxies{}, 3, NewRate(func() time.Time { return clock }))
	get := func(addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/open311/v2/requests.json", nil)
		req.RemoteAddr = addr + ":4000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	for i := range 3 {
		if w := get("203.0.113.7"); w.Code != 200 {
			t.Fatalf("request %d: %d", i+1, w.Code)
		}
	}
	w := get("203.0.113.7")
	if w.Code != 429 || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "Terlalu banyak permintaan") {
		t.Fatalf("4th request: %d %q %q", w.Code, w.Header().Get("Retry-After"), w.Body.String())
	}
	if w := get("203.0.113.8"); w.Code != 200 {
		t.Fatalf("another client: %d", w.Code)
	}
}
