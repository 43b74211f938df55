package telegramtest

import "time"

// gcra is a token bucket written as the generic cell rate algorithm: instead
// of a token count it keeps the theoretical arrival time (tat) of the next
// message, so all arithmetic is in exact durations. A nil *gcra allows
// everything.
type gcra struct {
	interval  time.Duration // time to earn one token: 1/rate
	tolerance time.Duration // (burst-1) * interval
	tat       time.Time
}

// newGCRA returns a bucket of the given rate (tokens per second) and
// burst, or nil (no limit) for a rate <= 0.
func newGCRA(rate float64, burst int) *gcra {
	if rate <= 0 {
		return nil
	}
	interval := time.Duration(float64(time.Second) / rate)
	return &gcra{interval: interval, tolerance: time.Duration(max(burst, 1)-1) * interval}
}

// wait is how long until the bucket accepts a message; 0 if it does now.
func (g *gcra) wait(now time.Time) time.Duration {
	if g == nil {
		return 0
	}
	return max(g.tatAt(now).Sub(now)-g.tolerance, 0)
}

// take spends a token; call it only after wait returned 0.
func (g *gcra) take(now time.Time) {
	if g != nil {
		g.tat = g.tatAt(now).Add(g.interval)
	}
}

func (g *gcra) tatAt(now time.Time) time.Time {
	if g.tat.Before(now) {
		return now
	}
	return g.tat
}

// window allows at most limit messages in any rolling span. A nil *window
// allows everything.
type window struct {
	limit int
	span  time.Duration
	times []time.Time // accepted messages within the span, oldest first
}

func newWindow(limit int, span time.Duration) *window {
	if limit <= 0 {
		return nil
	}
	return &window{limit: limit, span: span}
}

func (w *window) wait(now time.Time) time.Duration {
	if w == nil {
		return 0
	}
	w.forget(now)
	if len(w.times) < w.limit {
		return 0
	}
	return w.times[0].Add(w.span).Sub(now)
}

func (w *window) take(now time.Time) {
	if w != nil {
		w.times = append(w.times, now)
	}
}

// forget drops messages that left the span.
func (w *window) forget(now time.Time) {
	n := 0
	for n < len(w.times) && !w.times[n].Add(w.span).After(now) {
		n++
	}
	w.times = w.times[n:]
}

// admitLocked applies flood control to one message into c: either every
// limit accepts it and it is counted everywhere, or none counts it and the
// caller gets 429 with retry_after = whole seconds until all limits accept.
func (s *Server) admitLocked(c *chatState) *apiError {
	now := s.now()
	wait := max(c.bucket.wait(now), c.window.wait(now), s.global.wait(now))
	if wait > 0 {
		s.stats.RateLimited++
		return tooManyRequests(retryAfter(wait))
	}
	c.bucket.take(now)
	c.window.take(now)
	s.global.take(now)
	return nil
}

// retryAfter rounds a wait up to whole seconds, at least 1, as Telegram's
// retry_after.
func retryAfter(wait time.Duration) int {
	return max(int((wait+time.Second-1)/time.Second), 1)
}
