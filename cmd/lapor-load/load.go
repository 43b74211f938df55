package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// OpenLoop hands out messages at rate for duration: message i is due at
// start + i/rate and goes to a citizen who is not waiting for an answer.
// When every citizen is waiting, the message goes out as soon as one is
// free and the delay is recorded as lag; messages still not handed out
// when the duration is over are counted as missed (the service did not
// keep up, or there are too few citizens for the rate). It returns when
// every message handed out was answered or given up on.
//
// The hooks may be nil.
type Hooks struct {
	Filed   func(tracking string) // a citizen got a tracking number
	OnStart func(start time.Time) // before the first message goes out
	OnEnd   func(end time.Time)   // when the last message went out, before waiting for answers
	// Again says whether a citizen who finished a step takes more; the
	// loop then runs until every citizen is done instead of for duration
	// (the duration only sets the pace; the run still ends at three times it).
	Again func(*Citizen) bool
}

func OpenLoop(ctx context.Context, rate float64, duration time.Duration, citizens []*Citizen, rec *Recorder, h Hooks) (start, end time.Time, missed int) {
	ready := make(chan *Citizen, len(citizens))
	for _, c := range citizens {
		ready <- c
	}
	interval := time.Duration(float64(time.Second) / rate)
	total := int(duration / interval)
	var wg sync.WaitGroup
	var outstanding atomic.Int64
	start = time.Now()
	rec.SetWindow(start, start.Add(duration))
	// Without Again the load stops at duration; with it, a service that
	// cannot keep up still ends the run at three times the planned time.
	stop := start.Add(duration)
	if h.Again != nil {
		stop = start.Add(3 * duration)
	}
	handOut, cancel := context.WithDeadline(ctx, stop)
	defer cancel()
	if h.OnStart != nil {
		h.OnStart(start)
	}
	finish := func() time.Time {
		end := time.Now()
		if h.OnEnd != nil {
			h.OnEnd(end)
		}
		wg.Wait()
		return end
	}
	n := 0
	for n < total {
		due := min(int(time.Since(start)/interval)+1, total)
		for ; n < due; n++ {
			c := take(handOut, ready, &outstanding)
			if c == nil { // the time is over, or every citizen is done
				return start, finish(), total - n
			}
			rec.Lag(time.Since(start.Add(time.Duration(n) * interval)))
			wg.Add(1)
			outstanding.Add(1)
			go func() {
				defer wg.Done()
				defer outstanding.Add(-1)
				if id, _ := c.Step(ctx); id != "" && h.Filed != nil {
					h.Filed(id)
				}
				if h.Again == nil || h.Again(c) {
					ready <- c
				}
			}()
		}
		select {
		case <-handOut.Done():
		case <-time.After(min(interval, time.Millisecond)):
		}
	}
	return start, finish(), 0
}

// take returns the next free citizen, or nil when ctx ends or no citizen
// will be free again (none waiting for an answer and none free).
func take(ctx context.Context, ready chan *Citizen, outstanding *atomic.Int64) *Citizen {
	select {
	case c := <-ready:
		return c
	default:
	}
	check := time.NewTicker(50 * time.Millisecond)
	defer check.Stop()
	for {
		select {
		case c := <-ready:
			return c
		case <-ctx.Done():
			return nil
		case <-check.C:
			if outstanding.Load() == 0 && len(ready) == 0 {
				return nil
			}
		}
	}
}
