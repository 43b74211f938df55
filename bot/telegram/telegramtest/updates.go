package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// firstUpdateID is the id of the first update. Telegram's ids are large and
// never start at 0 or 1, which catches bots that confuse ids with indexes.
const firstUpdateID = 10_000

type queuedUpdate struct {
	id  int
	raw json.RawMessage
}

// longPoll is the getUpdates request in progress; a newer request kicks it.
type longPoll struct {
	kicked  chan struct{}
	waiting bool // blocked in a long poll, not just being answered
}

// enqueueLocked queues u under the next update id and wakes pollers.
func (s *Server) enqueueLocked(u wireUpdate) int {
	u.UpdateID = s.nextUpdateID
	s.pushLocked(u.UpdateID, snapshot(u))
	return u.UpdateID
}

func (s *Server) pushLocked(id int, raw json.RawMessage) {
	s.nextUpdateID++
	s.queue = append(s.queue, queuedUpdate{id: id, raw: raw})
	if s.history == nil {
		s.history = map[int]json.RawMessage{}
	}
	s.history[id] = raw
	s.broadcastLocked()
}

// Redeliver queues an update again under its original id, as Telegram does
// when a bot's confirmation was lost (the bot restarted before its next
// getUpdates moved the offset). A bot polling with an offset above the id
// never sees it; a restarted bot polling from offset 0 does. It returns
// false for an id never issued.
func (s *Server) Redeliver(updateID int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.history[updateID]
	if !ok {
		return false
	}
	i := 0
	for i < len(s.queue) && s.queue[i].id < updateID {
		i++
	}
	if i < len(s.queue) && s.queue[i].id == updateID {
		return true // still unconfirmed: it will be delivered again anyway
	}
	s.queue = append(s.queue[:i], append([]queuedUpdate{{id: updateID, raw: raw}}, s.queue[i:]...)...)
	s.broadcastLocked()
	return true
}

// AddRawUpdate queues an arbitrary update object, for update kinds the
// helpers do not build. Its update_id is set (or replaced) by the server.
// It panics if raw is not a JSON object.
func (s *Server) AddRawUpdate(raw json.RawMessage) int {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		panic(fmt.Sprintf("telegramtest: AddRawUpdate needs a JSON object: %s", raw))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdateID
	fields["update_id"] = snapshot(id)
	s.pushLocked(id, snapshot(fields))
	return id
}

// Pending is the number of updates the bot has not confirmed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// WaitPolling blocks until a getUpdates long poll is waiting for updates,
// which tells a test that the bot's poller is running.
func (s *Server) WaitPolling(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.poll == nil || !s.poll.waiting {
		if err := s.waitChange(ctx); err != nil {
			return err
		}
	}
	return nil
}

// getUpdates implements Telegram's getUpdates: updates with an id below
// offset are confirmed and dropped for good (a negative offset keeps only
// the last -offset updates); the others are returned, up to limit, on every
// call until confirmed. With timeout > 0 and nothing to return the call
// waits for an update, the timeout, the client going away or Close.
//
// Like Telegram, a getUpdates call arriving while another one is in
// progress terminates the older one with 409 Conflict; the newer one is
// served normally.
func (s *Server) getUpdates(rq *request) (any, *apiError) {
	limit := rq.number("limit")
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout := time.Duration(max(rq.number("timeout"), 0)) * time.Second

	s.mu.Lock()
	s.stats.GetUpdatesCalls++
	s.confirmLocked(rq.number("offset"))
	me := s.takeOverPollLocked()
	defer s.releasePoll(me)

	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	for {
		batch := s.batchLocked(limit)
		if len(batch) > 0 || timeout == 0 {
			s.mu.Unlock()
			return batch, nil
		}
		if !me.waiting {
			me.waiting = true
			s.broadcastLocked()
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-me.kicked:
			return nil, errConflict
		case <-expired:
			return batch, nil
		case <-rq.ctx.Done():
			return batch, nil // the client is gone; nobody reads this
		case <-s.closing:
			return batch, nil
		}
		s.mu.Lock()
	}
}

func (s *Server) confirmLocked(offset int) {
	drop := 0
	switch {
	case offset > 0:
		for drop < len(s.queue) && s.queue[drop].id < offset {
			drop++
		}
	case offset < 0:
		drop = max(len(s.queue)+offset, 0)
	}
	if drop > 0 {
		s.queue = append([]queuedUpdate(nil), s.queue[drop:]...)
	}
}

// batchLocked returns the first limit queued updates, never nil so that
// an empty answer encodes as [].
func (s *Server) batchLocked(limit int) []json.RawMessage {
	batch := []json.RawMessage{}
	for _, u := range s.queue[:min(limit, len(s.queue))] {
		batch = append(batch, u.raw)
	}
	return batch
}

func (s *Server) takeOverPollLocked() *longPoll {
	if s.poll != nil {
		close(s.poll.kicked)
	}
	s.poll = &longPoll{kicked: make(chan struct{})}
	return s.poll
}

func (s *Server) releasePoll(p *longPoll) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.poll == p {
		s.poll = nil
	}
}
