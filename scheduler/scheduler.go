// Package scheduler runs lapor's periodic jobs on robfig/cron: today the
// idle-draft reminder; deadline sweeps, digests and recaps come with the
// deadline engine. Jobs are state-based and idempotent ("which items are due
// and not yet handled"), so a missed tick or a restart catches up without
// sending anything twice, and several replicas may run them at once.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is one periodic task.
type Job struct {
	Name string
	Spec string // cron spec in the scheduler's time zone, or "@every 10m"
	Run  func(ctx context.Context) error
}

// Lock is the leadership of one process among replicas.
type Lock interface {
	Held(ctx context.Context) error // nil while the lock is still ours
	Release()
}

// Elect tries to become the leader; a nil Lock without error means another
// process leads.
type Elect func(ctx context.Context, key string) (Lock, error)

// Scheduler runs jobs until its context ends, on the leader only.
type Scheduler struct {
	loc   *time.Location
	log   *slog.Logger
	elect Elect
	jobs  []Job
	// RetryEvery is how often a follower tries to become the leader, and
	// how often the leader checks it still is.
	RetryEvery time.Duration
	// Leading, when set, is told when this process starts (true) and stops
	// (false) leading, for the metrics. Set it before Run.
	Leading func(bool)
	// Ran, when set, is told of every run of a job: how long it took and
	// its error (a panic is one). Set it before Run.
	Ran func(job string, took time.Duration, err error)
}

// New returns a scheduler whose specs are read in loc (Asia/Jakarta). With
// elect nil every process runs the jobs (they are idempotent anyway).
func New(loc *time.Location, log *slog.Logger, elect Elect) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{loc: loc, log: log, elect: elect, RetryEvery: 10 * time.Second}
}

// Add registers a job; a bad spec is an error at start-up, not at 3 a.m.
func (s *Scheduler) Add(j Job) error {
	if _, err := cron.ParseStandard(j.Spec); err != nil {
		return fmt.Errorf("scheduler: job %s: bad spec %q: %w", j.Name, j.Spec, err)
	}
	s.jobs = append(s.jobs, j)
	return nil
}

// Run blocks until ctx ends: it becomes the leader when it can, runs the
// jobs while it leads, and steps down if the lock is lost. A job never
// overlaps itself; a job that panics is logged and runs at its next tick.
func (s *Scheduler) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		var lock Lock
		if s.elect != nil {
			var err error
			lock, err = s.elect(ctx, "lapor-scheduler")
			if err != nil && ctx.Err() == nil {
				s.log.Warn("scheduler election failed", "err", err)
			}
			if lock == nil {
				if !sleep(ctx, s.RetryEvery) {
					return nil
				}
				continue
			}
			s.log.Info("this process leads the scheduler")
		}
		if err := s.lead(ctx, lock); err != nil {
			return err
		}
	}
	return nil
}

// lead runs the cron jobs until ctx ends or the lock is lost.
func (s *Scheduler) lead(ctx context.Context, lock Lock) error {
	c := cron.New(cron.WithLocation(s.loc))
	for _, j := range s.jobs {
		var running sync.Mutex
		if _, err := c.AddFunc(j.Spec, func() {
			if !running.TryLock() {
				return
			}
			defer running.Unlock()
			start := time.Now()
			var err error
			defer func() {
				if p := recover(); p != nil {
					s.log.Error("job panicked", "job", j.Name, "panic", p)
					err = fmt.Errorf("panic: %v", p)
				}
				if s.Ran != nil && ctx.Err() == nil {
					s.Ran(j.Name, time.Since(start), err)
				}
			}()
			if err = j.Run(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("job failed", "job", j.Name, "err", err)
				return
			}
			s.log.Debug("job done", "job", j.Name, "took", time.Since(start))
		}); err != nil {
			return err
		}
	}
	c.Start()
	if s.Leading != nil {
		s.Leading(true)
	}
	defer func() {
		<-c.Stop().Done() // waits for running jobs
		if s.Leading != nil {
			s.Leading(false)
		}
		if lock != nil {
			lock.Release()
		}
	}()
	for {
		if !sleep(ctx, s.RetryEvery) {
			return nil
		}
		if lock != nil {
			if err := lock.Held(ctx); err != nil {
				s.log.Warn("scheduler leadership lost; stepping down", "err", err)
				return nil
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
