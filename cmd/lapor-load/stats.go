package main

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest value such that at least p% of the
// values are less than or equal to it. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// Summary describes a set of latencies.
type Summary struct {
	Count int           `json:"count"`
	P50   time.Duration `json:"p50_ns"`
	P95   time.Duration `json:"p95_ns"`
	P99   time.Duration `json:"p99_ns"`
	Max   time.Duration `json:"max_ns"`
	Mean  time.Duration `json:"mean_ns"`
}

// Summarize sorts a copy of ds and summarizes it.
func Summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Summary{Count: len(s), P50: Percentile(s, 50), P95: Percentile(s, 95), P99: Percentile(s, 99),
		Max: s[len(s)-1], Mean: sum / time.Duration(len(s))}
}

// Recorder collects what the simulated people saw, safe for concurrent use.
type Recorder struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration // by actor kind: citizen, officer
	steps     map[string][]time.Duration // by actor kind and step, for the breakdown
	errors    map[string]int             // by cause
	lag       []time.Duration            // how late the open loop handed out each message
	sent      int                        // messages the load sent
	updates   []int                      // update ids the load created, for the inbox check
	window    [2]time.Time               // only steps started in the window count for latency
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{latencies: map[string][]time.Duration{}, steps: map[string][]time.Duration{}, errors: map[string]int{}}
}

// SetWindow restricts latencies to steps sent from start to end.
func (r *Recorder) SetWindow(start, end time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.window = [2]time.Time{start, end}
}

// Sent counts one inbound message and its update id.
func (r *Recorder) Sent(updateID int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent++
	r.updates = append(r.updates, updateID)
}

// Answered records the latency of a step sent at the given time; step
// names it for the per-step breakdown ("" for none).
func (r *Recorder) Answered(kind, step string, sentAt time.Time, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w := r.window; !w[0].IsZero() && (sentAt.Before(w[0]) || !sentAt.Before(w[1])) {
		return
	}
	r.latencies[kind] = append(r.latencies[kind], max(d, 0))
	if step != "" {
		r.steps[kind+" "+step] = append(r.steps[kind+" "+step], max(d, 0))
	}
}

// Steps summarizes the latencies of each step.
func (r *Recorder) Steps() map[string]Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]Summary{}
	for k, v := range r.steps {
		out[k] = Summarize(v)
	}
	return out
}

// Error counts a failure by cause.
func (r *Recorder) Error(cause string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors[cause]++
}

// Lag records how late the open loop handed out one message.
func (r *Recorder) Lag(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lag = append(r.lag, d)
}

// Snapshot returns copies of what was recorded.
func (r *Recorder) Snapshot() (lat map[string][]time.Duration, errs map[string]int, lag []time.Duration, sent int, updates []int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	lat = map[string][]time.Duration{}
	for k, v := range r.latencies {
		lat[k] = slices.Clone(v)
	}
	errs = map[string]int{}
	for k, v := range r.errors {
		errs[k] = v
	}
	return lat, errs, slices.Clone(r.lag), r.sent, slices.Clone(r.updates)
}
