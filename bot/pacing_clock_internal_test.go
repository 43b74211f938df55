package bot

import (
	"context"
	"testing"
	"time"
)

// The pacer waits on the clock it is given: a dispatcher whose clock is
// months ahead of the system's (a test that let working days pass) waits
// the gap between two messages, not the months.
func TestPacerWaitsOnItsOwnClock(t *testing.T) {
	ahead := 90 * 24 * time.Hour
	now := func() time.Time { return time.Now().Add(ahead) }
	pc := newPacer(Pacing{PerChat: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	for i := 0; i < 3; i++ {
		if _, ok, err := pc.wait(ctx, "chat", false, now, now().Add(time.Minute)); !ok || err != nil {
			t.Fatalf("message %d: ok %v, err %v after %s", i, ok, err, time.Since(start))
		}
	}
	if took := time.Since(start); took < 100*time.Millisecond || took > 2*time.Second {
		t.Fatalf("three messages to one chat took %s, want about 100 ms", took)
	}
}
