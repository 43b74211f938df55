package flows

import (
	"errors"
	"strings"
	"time"
)

// Handled is what became of one claimed inbound message, told to
// Config.OnHandled for the service's metrics.
type Handled struct {
	Channel string
	// Outcome is the kind of the recorded outcome ("handled", "refused",
	// "noted", ...: the word before the colon of store's outcome), or what
	// happened instead: "retried" (it failed and waits for another try),
	// "failed" (it failed for the last time and the chat got an apology),
	// "postponed" (its file waits for a free download).
	Outcome string
	// Took is the handling's wall time, from before the claim to after the
	// commit (or the retry's bookkeeping).
	Took time.Duration
}

// observe tells Config.OnHandled what HandleNext did with the message it
// claimed (none: nothing is told).
func (s *Service) observe(start time.Time, claimed **retryable, err *error) {
	r := *claimed
	if r == nil {
		return
	}
	h := Handled{Channel: r.channel, Took: time.Since(start)}
	switch {
	case *err == nil:
		h.Outcome, _, _ = strings.Cut(r.outcome, ":")
	case errors.Is(*err, ErrPostponed):
		h.Outcome = "postponed"
	case r.attempts+1 < s.cfg.MaxAttempts:
		h.Outcome = "retried"
	default:
		h.Outcome = "failed"
	}
	s.cfg.OnHandled(h)
}
