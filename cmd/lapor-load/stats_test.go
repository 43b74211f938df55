package main

import (
	"testing"
	"time"
)

func ms(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, v := range n {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	sorted := ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	for _, c := range []struct {
		p    float64
		want int
	}{{50, 5}, {90, 9}, {95, 10}, {99, 10}, {100, 10}, {10, 1}, {11, 2}, {0, 1}, {0.1, 1}} {
		if got := Percentile(sorted, c.p); got != time.Duration(c.want)*time.Millisecond {
			t.Errorf("p%v = %v, want %dms", c.p, got, c.want)
		}
	}
	if got := Percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing = %v, want 0", got)
	}
	if got := Percentile(ms(7), 1); got != 7*time.Millisecond {
		t.Errorf("p1 of one value = %v", got)
	}
}

func TestPercentileOfThousand(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 1000; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	s := Summarize(d)
	if s.P50 != 500*time.Millisecond || s.P95 != 950*time.Millisecond || s.P99 != 990*time.Millisecond || s.Max != time.Second {
		t.Fatalf("summary = %+v", s)
	}
	if s.Mean != 500500*time.Microsecond || s.Count != 1000 {
		t.Fatalf("mean %v count %d", s.Mean, s.Count)
	}
}

func TestSummarizeDoesNotReorderItsInput(t *testing.T) {
	d := ms(30, 10, 20)
	s := Summarize(d)
	if d[0] != 30*time.Millisecond || s.P50 != 20*time.Millisecond || s.Max != 30*time.Millisecond {
		t.Fatalf("input %v, summary %+v", d, s)
	}
	if (Summarize(nil) != Summary{}) {
		t.Fatal("summary of nothing is not zero")
	}
}

func TestRecorderWindow(t *testing.T) {
	r := NewRecorder()
	start := time.Now()
	r.SetWindow(start, start.Add(time.Second))
	r.Answered("citizen", "", start.Add(-time.Millisecond), time.Millisecond)     // before
	r.Answered("citizen", "", start, 2*time.Millisecond)                          // in
	r.Answered("citizen", "", start.Add(999*time.Millisecond), -time.Millisecond) // in, clamped to 0
	r.Answered("citizen", "", start.Add(time.Second), time.Millisecond)           // after
	lat, _, _, _, _ := r.Snapshot()
	if got := lat["citizen"]; len(got) != 2 || got[0] != 2*time.Millisecond || got[1] != 0 {
		t.Fatalf("latencies in window = %v", got)
	}
}
