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
// hitting them and backing off. Reservations are made under a lock, then
// the caller sleeps until its slot.
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

// reserve books the earliest slot at or after now for a message to chat and
// returns it.
func (pc *pacer) reserve(chat string, group bool, now time.Time) time.Time {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	at := now
	if t := pc.chatNext[chat]; t.After(at) {
		at = t
	}
	if t := pc.globalNext; t.After(at) {
		at = t
	}
	if group && pc.p.PerGroupPerMinute > 0 {
		sent := pc.groupSent[chat]
		for len(sent) > 0 && !sent[0].After(at.Add(-time.Minute)) {
			sent = sent[1:]
		}
		if len(sent) >= pc.p.PerGroupPerMinute {
			// The oldest send in the window must leave it first.
			at = sent[len(sent)-pc.p.PerGroupPerMinute].Add(time.Minute + time.Millisecond)
		}
		pc.groupSent[chat] = append(sent, at)
	}
	pc.chatNext[chat] = at.Add(pc.p.PerChat)
	pc.globalNext = at.Add(pc.p.Global)
	return at
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

// sleepUntil waits until t or until ctx ends.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
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
