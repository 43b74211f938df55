package scheduler_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/scheduler"
)

// RunNow runs a job at once, whether or not the scheduler runs, and never
// beside the job's own tick: it waits for a run in progress to end.
func TestRunNowWaitsForTheRunInProgress(t *testing.T) {
	s := scheduler.New(calendar.Local(), nil, nil)
	s.RetryEvery = 50 * time.Millisecond
	var inside, most, runs atomic.Int32
	started := make(chan struct{}, 10)
	if err := s.Add(scheduler.Job{Name: "sweep", Spec: "@every 1s", Run: func(context.Context) error {
		n := inside.Add(1)
		defer inside.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		runs.Add(1)
		started <- struct{}{}
		time.Sleep(300 * time.Millisecond)
		return nil
	}}); err != nil {
		t.Fatal(err)
	}

	// Not running: the job runs in the caller.
	if err := s.RunNow(context.Background(), "sweep"); err != nil {
		t.Fatal(err)
	}
	if runs.Load() != 1 {
		t.Fatalf("RunNow returned after %d runs, want 1", runs.Load())
	}
	<-started

	// Running: the tick's run is in progress when RunNow asks.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	select {
	case <-started: // the first tick
	case <-time.After(3 * time.Second):
		t.Fatal("the job never ticked")
	}
	if err := s.RunNow(context.Background(), "sweep"); err != nil {
		t.Fatal(err)
	}
	if most.Load() != 1 {
		t.Fatalf("%d runs of the job overlapped", most.Load())
	}
	if runs.Load() < 3 {
		t.Fatalf("RunNow returned before its own run: %d runs", runs.Load())
	}
}

func TestRunNowReportsTheJobsFailure(t *testing.T) {
	s := scheduler.New(calendar.Local(), nil, nil)
	for name, run := range map[string]func(context.Context) error{
		"fails":  func(context.Context) error { return context.DeadlineExceeded },
		"panics": func(context.Context) error { panic("boom") },
	} {
		if err := s.Add(scheduler.Job{Name: name, Spec: "@every 1h", Run: run}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RunNow(context.Background(), "fails"); err != context.DeadlineExceeded {
		t.Errorf("a failing job: %v", err)
	}
	if err := s.RunNow(context.Background(), "panics"); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("a panicking job: %v", err)
	}
	if err := s.RunNow(context.Background(), "nothing"); err == nil {
		t.Error("an unknown job ran")
	}
}
