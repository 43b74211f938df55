package main

import (
	"context"
	"time"
)

// Clock is the time of the service's work: the flows and their sweeps, and
// the outbox that delivers what they send (a message is due at the time it
// was written). Production has none and reads the system clock; an
// end-to-end test gives one (Config.Clock; no environment variable does)
// to let working days pass within a transcript.
type Clock interface {
	Now() time.Time
	// Attach gives the clock, once the service's jobs exist, the function
	// that runs one of them at once (scheduler.RunNow): a clock that has
	// just moved has the deadline sweep see it, instead of waiting for
	// the sweep's tick.
	Attach(runNow func(ctx context.Context, job string) error)
}

// sweepJob is the scheduler's name of the deadline sweep.
const sweepJob = "deadline-sweep"

// now is the service's time: the configured clock's, else the system's.
func (c Config) now() func() time.Time {
	if c.Clock != nil {
		return c.Clock.Now
	}
	return time.Now
}
