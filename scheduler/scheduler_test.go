package scheduler_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/scheduler"
	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgtest"
)

var pg *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

func elect(db *store.DB) scheduler.Elect {
	return func(ctx context.Context, key string) (scheduler.Lock, error) {
		l, err := db.TryLeader(ctx, key)
		if l == nil {
			return nil, err
		}
		return l, nil
	}
}

// Two processes on one database: only the leader runs the jobs; when it
// stops, the other takes over.
func TestOnlyTheLeaderRunsJobs(t *testing.T) {
	url := pg.NewDatabase(t)
	var runs [2]atomic.Int32
	var cancels [2]context.CancelFunc
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		db, err := store.Open(context.Background(), url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		s := scheduler.New(calendar.Local(), nil, elect(db))
		s.RetryEvery = 100 * time.Millisecond
		if err := s.Add(scheduler.Job{Name: "count", Spec: "@every 1s", Run: func(context.Context) error {
			runs[i].Add(1)
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		wg.Add(1)
		go func() { defer wg.Done(); s.Run(ctx) }()
	}
	time.Sleep(3500 * time.Millisecond)
	a, b := runs[0].Load(), runs[1].Load()
	if (a == 0) == (b == 0) {
		t.Fatalf("runs %d and %d: exactly one process must lead", a, b)
	}
	leader := 0
	if b > 0 {
		leader = 1
	}
	cancels[leader]()
	before := runs[1-leader].Load()
	time.Sleep(2500 * time.Millisecond)
	if runs[1-leader].Load() == before {
		t.Fatal("the other process did not take over")
	}
	cancels[1-leader]()
	wg.Wait()
}

func TestBadSpecIsRefused(t *testing.T) {
	s := scheduler.New(calendar.Local(), nil, nil)
	if err := s.Add(scheduler.Job{Name: "x", Spec: "every tuesday", Run: func(context.Context) error { return nil }}); err == nil {
		t.Fatal("a bad cron spec was accepted")
	}
}
