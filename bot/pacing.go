package bot

import (
	"context"
	"sync"
	"time"
)

// Pacing is a platform's sending limits. Zero means no limit.
type Pacing struct {
	PerChat           time.Duration // minimum gap between two messages to one chat
	PerGroupPerMinute int           // messages to one group in any 60 seconds
	Global            time.Duration // minimum gap between any two messages
}

// pacer spaces sends so the platform's limits are never hit, instead of
// hitting them and backing off. A slot is taken at the moment of sending,
// never booked ahead: goroutines that wake late together (a GC pause, a busy
// CPU) would otherwise send a booked-ahead burst all at once.
type pacer struct {
	p          Pacing
	mu         sync.Mutex
	chatNext   map[string]time.Time
	groupSent  map[string][]time.Time
	globalNext time.Time
}

func newPacer(p Pacing) *pacer {
	return &pacer{p: p, chatNext: map[string]time.Time{}, groupSent: map[string][]time.Time{}}
}

// earliestLocked is the first moment a message to chat may go.
func (pc *pacer) earliestLocked(chat string, group bool, now time.Time) time.Time {
	at := now
	if t := pc.chatNext[chat]; t.After(at) {
		at = t
	}
	if t := pc.globalNext; t.After(at) {
		at = t
	}
	if group && pc.p.PerGroupPerMinute > 0 {
		sent := pc.groupSent[chat]
		for len(sent) > 0 && !sent[0].After(now.Add(-time.Minute)) {
			sent = sent[1:]
		}
		pc.groupSent[chat] = sent
		if len(sent) >= pc.p.PerGroupPerMinute {
			// The oldest send in the window must leave it first.
			if t := sent[len(sent)-pc.p.PerGroupPerMinute].Add(time.Minute + time.Millisecond); t.After(at) {
				at = t
			}
		}
	}
	return at
}

// wait blocks until a message to chat may be sent and takes that slot. It
// gives up, taking nothing, if the slot is later than notAfter, and returns
// the slot it would have needed.
func (pc *pacer) wait(ctx context.Context, chat string, group bool, now func() time.Time, notAfter time.Time) (time.Time, bool, error) {
	for {
		pc.mu.Lock()
		t := now()
		at := pc.earliestLocked(chat, group, t)
		if !at.After(t) {
			pc.chatNext[chat] = t.Add(pc.p.PerChat)
			pc.globalNext = t.Add(pc.p.Global)
			if group && pc.p.PerGroupPerMinute > 0 {
				pc.groupSent[chat] = append(pc.groupSent[chat], t)
			}
			pc.mu.Unlock()
			return t, true, nil
		}
		pc.mu.Unlock()
		if at.After(notAfter) {
			return at, false, nil
		}
		// How long to wait is read on the clock the times came from,
		// which need not be the system's (a test's moved clock).
		if err := sleepFor(ctx, at.Sub(t)); err != nil {
			return at, false, err
		}
	}
}

// pause holds a chat until t (the platform asked us to wait).
func (pc *pacer) pause(chat string, until time.Time) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if until.After(pc.chatNext[chat]) {
		pc.chatNext[chat] = until
	}
}

// forget drops what the pacer remembers of idle chats, so memory stays
// bounded by the chats active in the last minute.
func (pc *pacer) forget(now time.Time) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for c, t := range pc.chatNext {
		if t.Before(now.Add(-time.Minute)) {
			delete(pc.chatNext, c)
			delete(pc.groupSent, c)
		}
	}
}

// sleepFor waits d or until ctx ends.
func sleepFor(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
