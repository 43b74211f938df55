package edge

import (
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"
)

// Rate counts requests per key (a client's address, a session) over the
// last minute, as a sliding window: the current minute's count plus the
// previous minute's, weighted by how much of it is still within the last
// 60 s. Unlike whole clock minutes, a burst at the end of one minute and
// another at the start of the next cannot get twice the limit. Memory is
// bounded by the keys seen in two minutes.
type Rate struct {
	now func() time.Time

	mu        sync.Mutex
	minute    int64          // the current clock minute (Unix seconds / 60)
	cur, prev map[string]int // counts of this minute and the one before
}

// NewRate returns an empty counter reading the clock now (time.Now when nil).
func NewRate(now func() time.Time) *Rate {
	if now == nil {
		now = time.Now
	}
	return &Rate{now: now, cur: map[string]int{}, prev: map[string]int{}}
}

// roll moves to the minute of t and returns how much of the previous
// minute's count still falls within the last 60 s.
func (r *Rate) roll(t time.Time) float64 {
	m := t.Unix() / 60
	switch {
	case m == r.minute:
	case m == r.minute+1:
		r.prev, r.cur, r.minute = r.cur, map[string]int{}, m
	default:
		r.prev, r.cur, r.minute = map[string]int{}, map[string]int{}, m
	}
	into := float64(t.UnixNano()-m*60*int64(time.Second)) / float64(time.Minute)
	return 1 - into
}

// count is key's requests over the last minute.
func (r *Rate) count(key string, t time.Time) float64 {
	w := r.roll(t)
	return float64(r.prev[key])*w + float64(r.cur[key])
}

// Count says how many requests key made in the last minute (rounded up).
func (r *Rate) Count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return int(math.Ceil(r.count(key, r.now())))
}

// Allow counts one request of key and reports whether it is within max
// in the last minute. A refused request counts too, so a client that keeps
// asking stays refused until it slows down.
func (r *Rate) Allow(key string, max int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.count(key, r.now())
	r.cur[key]++
	return n+1 <= float64(max)
}

// PerClient answers 429 to a client (by Proxies.ClientKey) that asks for
// more than perMinute requests of h in the last minute, with Retry-After
// and the reason in Bahasa Indonesia and English.
func PerClient(h http.Handler, p Proxies, perMinute int, r *Rate) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !r.Allow(p.ClientKey(req), perMinute) {
			w.Header().Set("Retry-After", "60")
			http.Error(w, fmt.Sprintf("Terlalu banyak permintaan (lebih dari %d per menit); coba lagi sebentar lagi. / Too many requests (over %d a minute); try again shortly.", perMinute, perMinute), http.StatusTooManyRequests)
			return
		}
		h.ServeHTTP(w, req)
	})
}
