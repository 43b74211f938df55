package bot

import (
	"context"
	"sync"
	"time"
)

// holdCheck is how often a dispatcher reads its channel's account pause
// from the database: another replica may have recorded one.
const holdCheck = 5 * time.Second

// hold is a dispatcher's view of its channel's account pause: a platform
// that limits or restricts the whole account (WhatsApp's 429 and 463, the
// reach-out timelock) must not be sent to from any chat, by any replica,
// until it ends. The pause is recorded in the database (a replica that
// takes the connection over honours it) and mirrored here.
type hold struct {
	mu      sync.Mutex
	until   time.Time // the pause in force, as far as this process knows
	checked time.Time // when the database was last read
	told    time.Time // the channel's own pause (AccountPause) last recorded
}

// heldUntil is when the channel's account may send again; it refreshes
// the pause from the channel and the database as needed.
func (d *Dispatcher) heldUntil(ctx context.Context) time.Time {
	now := d.o.Now()
	if ap, ok := d.ch.(AccountPause); ok {
		until, reason := ap.AccountPause()
		d.hold.mu.Lock()
		changed := !until.Equal(d.hold.told)
		d.hold.mu.Unlock()
		if changed {
			var err error
			if !until.After(now) {
				err = d.db.LiftChannelPause(ctx, d.ch.Name(), now)
				d.o.Log.Warn("the platform lifted the account's restriction", "channel", d.ch.Name())
			} else {
				var recorded bool
				recorded, err = d.db.PauseChannel(ctx, d.ch.Name(), until, reason)
				d.o.Log.Warn("the platform restricts the account; holding every message back", "channel", d.ch.Name(),
					"until", until, "reason", reason)
				if recorded {
					d.paused(ctx, now, until, reason)
				}
			}
			if err == nil {
				d.hold.mu.Lock()
				d.hold.told, d.hold.checked = until, time.Time{}
				if !until.After(now) {
					d.hold.until = time.Time{}
				}
				d.hold.mu.Unlock()
			}
		}
	}
	d.hold.mu.Lock()
	stale := now.Sub(d.hold.checked) >= holdCheck
	d.hold.mu.Unlock()
	if stale {
		until, _, err := d.db.ChannelPause(ctx, d.ch.Name())
		if err == nil {
			d.hold.mu.Lock()
			d.hold.checked = now
			if until.After(d.hold.until) || d.hold.until.Before(now) {
				d.hold.until = until
			}
			d.hold.mu.Unlock()
		}
	}
	return d.holdNow()
}

// holdNow is the pause this process knows of, without asking anyone.
func (d *Dispatcher) holdNow() time.Time {
	d.hold.mu.Lock()
	defer d.hold.mu.Unlock()
	return d.hold.until
}

// holdAccount pauses the whole account until until (a send was refused
// for the account's sake), here and for every replica.
func (d *Dispatcher) holdAccount(ctx context.Context, until time.Time, reason string) {
	d.hold.mu.Lock()
	if until.After(d.hold.until) {
		d.hold.until = until
	}
	d.hold.mu.Unlock()
	recorded, err := d.db.PauseChannel(context.WithoutCancel(ctx), d.ch.Name(), until, reason)
	d.record(ctx, err)
	if recorded {
		d.paused(ctx, d.o.Now(), until, reason)
	}
}

// PauseNotice is the shortest account pause the admins are told of: a
// rate limit's half minute passes unnoticed, a restriction for hours does
// not.
const PauseNotice = 10 * time.Minute

// paused tells OnPause of a pause this process recorded, when it is long
// enough to matter.
func (d *Dispatcher) paused(ctx context.Context, now, until time.Time, reason string) {
	if d.o.OnPause != nil && until.Sub(now) >= PauseNotice {
		d.o.OnPause(context.WithoutCancel(ctx), until, reason)
	}
}
