package scheduler_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/scheduler"
)

// The leader tells Leading when it starts and stops leading, and Ran of
// every job's run with its error (a panic is one).
func TestLeadershipAndRunsAreTold(t *testing.T) {
	t.Parallel()
	s := scheduler.New(calendar.Local(), nil, elect(pg.NewDB(t)))
	s.RetryEvery = 100 * time.Millisecond
	var mu sync.Mutex
	var leading []bool
	runs := map[string][]error{}
	s.Leading = func(b bool) { mu.Lock(); leading = append(leading, b); mu.Unlock() }
	s.Ran = func(job string, took time.Duration, err error) {
		mu.Lock()
		runs[job] = append(runs[job], err)
		mu.Unlock()
	}
	failed := errors.New("database gone")
	for _, j := range []scheduler.Job{
		{Name: "sweep", Spec: "@every 1s", Run: func(context.Context) error { return nil }},
		{Name: "broken", Spec: "@every 1s", Run: func(context.Context) error { return failed }},
		{Name: "panics", Spec: "@every 1s", Run: func(context.Context) error { panic("boom") }},
	} {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := min(len(runs["sweep"]), len(runs["broken"]), len(runs["panics"]))
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs told: %v", runs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if runs["sweep"][0] != nil || !errors.Is(runs["broken"][0], failed) || runs["panics"][0] == nil {
		t.Fatalf("runs told: %v", runs)
	}
	if len(leading) != 2 || !leading[0] || leading[1] {
		t.Fatalf("leadership told %v, want [true false]", leading)
	}
}
