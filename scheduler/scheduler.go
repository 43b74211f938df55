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

// Scheduler runs jobs until its context ends.
type Scheduler struct {
	c    *cron.Cron
	log  *slog.Logger
	jobs []Job
}

// New returns a scheduler whose specs are read in loc (Asia/Jakarta).
func New(loc *time.Location, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{c: cron.New(cron.WithLocation(loc)), log: log}
}

// Add registers a job; a bad spec is an error at start-up, not at 3 a.m.
func (s *Scheduler) Add(j Job) error {
	if _, err := cron.ParseStandard(j.Spec); err != nil {
		return fmt.Errorf("scheduler: job %s: bad spec %q: %w", j.Name, j.Spec, err)
	}
	s.jobs = append(s.jobs, j)
	return nil
}

// Run starts the jobs and blocks until ctx ends and running jobs finish.
// A job never overlaps itself; a job that panics is logged and runs again
// at its next tick.
func (s *Scheduler) Run(ctx context.Context) error {
	for _, j := range s.jobs {
		var running sync.Mutex
		_, err := s.c.AddFunc(j.Spec, func() {
			if !running.TryLock() {
				return
			}
			defer running.Unlock()
			defer func() {
				if p := recover(); p != nil {
					s.log.Error("job panicked", "job", j.Name, "panic", p)
				}
			}()
			start := time.Now()
			if err := j.Run(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("job failed", "job", j.Name, "err", err)
				return
			}
			s.log.Debug("job done", "job", j.Name, "took", time.Since(start))
		})
		if err != nil {
			return err
		}
	}
	s.c.Start()
	<-ctx.Done()
	<-s.c.Stop().Done() // waits for running jobs
	return nil
}
