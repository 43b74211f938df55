package whatsapp

import (
	"sync"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot"
)

// WhatsApp limits and restricts a number, not a chat: a 429 or a 463
// refused to one chat means the next chat is refused as well, and a
// number that keeps trying while restricted looks like a bulk sender and
// gets banned. So both hold back the whole account (bot.SendError.Account,
// recorded by the dispatcher for every replica), and so does the
// reach-out timelock WhatsApp announces with an event: nothing is sent
// until it ends (or WhatsApp lifts it early). Every message waits in the
// outbox and goes out afterwards; none is lost.

var _ bot.AccountPause = (*Channel)(nil)

// accountPause is the timelock as WhatsApp last announced it.
type accountPause struct {
	mu     sync.Mutex
	until  time.Time
	reason string
}

// AccountPause implements bot.AccountPause: until when WhatsApp's
// reach-out timelock holds the account; zero when WhatsApp said nothing,
// the moment of the lift when it lifted it.
func (ch *Channel) AccountPause() (time.Time, string) {
	ch.pause.mu.Lock()
	defer ch.pause.mu.Unlock()
	return ch.pause.until, ch.pause.reason
}

// timelock records WhatsApp's announcement of a reach-out timelock. An
// active one without an end is held for timelockWait; an inactive one
// lifts the pause.
func (ch *Channel) timelock(e *events.NotifyAccountReachoutTimelock) {
	ch.pause.mu.Lock()
	defer ch.pause.mu.Unlock()
	if !e.IsActive {
		ch.log.Warn("WhatsApp lifted the reach-out timelock; sending resumes")
		ch.pause.until, ch.pause.reason = time.Now(), ""
		return
	}
	until := e.TimeEnforcementEnds.Time
	if until.IsZero() {
		until = time.Now().Add(timelockWait)
	}
	ch.pause.until, ch.pause.reason = until, "reach-out timelock ("+e.EnforcementType+")"
	ch.log.Error("WhatsApp restricts this number (reach-out timelock); every message waits", "until", until,
		"enforcement", e.EnforcementType)
}
