package flows_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
)

// OnHandled is told of every claimed message: its channel and what became
// of it (handled, refused by the flood limit, postponed for a download
// slot, retried after a failure, failed for good); ErrIdle tells nothing.
func TestOnHandledTellsWhatBecameOfEachMessage(t *testing.T) {
	h := newHarness(t)
	h.intakeToEvidence("100")
	h.now = h.now.Add(2 * time.Minute) // the intake's messages are out of the flood limit's minute
	var mu sync.Mutex
	var told []flows.Handled
	cfg := flows.DefaultConfig()
	cfg.FloodPerMinute = 6
	cfg.MaxAttempts = 2
	cfg.RetryBase = time.Nanosecond
	cfg.OnHandled = func(x flows.Handled) { mu.Lock(); told = append(told, x); mu.Unlock() }
	h.svc = flows.New(h.db, cfg, calendar.Default(), region.Default(), func() time.Time { return h.now }, nil)
	outcomes := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for _, x := range told {
			if x.Channel != "test" || x.Took <= 0 {
				t.Errorf("told %+v: want channel test and the time it took", x)
			}
			out = append(out, x.Outcome)
		}
		told = nil
		return out
	}
	want := func(what string, w ...string) {
		t.Helper()
		got := outcomes()
		if len(got) != len(w) {
			t.Fatalf("%s: told %v, want %v", what, got, w)
		}
		for i := range w {
			if got[i] != w[i] {
				t.Fatalf("%s: told %v, want %v", what, got, w)
			}
		}
	}
	if err := h.svc.HandleNext(h.ctx, h.fetch); err != flows.ErrIdle {
		t.Fatalf("nothing to do: %v", err)
	}
	want("idle")

	h.send("100", flows.Inbound{Kind: flows.KindText, Text: "halo"})
	want("a message", "handled")

	// A file that waits for a download slot, then one whose download
	// breaks the handling twice (the second time for good).
	busy := flows.FetchFunc(func(context.Context, flows.Inbound) (flows.Fetched, error) {
		return flows.Fetched{}, flows.ErrFetchBusy
	})
	h.fetch = busy
	h.post("100", flows.Inbound{Kind: flows.KindPhoto, File: &flows.FileRef{ID: "a", Name: "a.jpg", MIME: "image/jpeg"}})
	want("a download slot is busy", "postponed")
	h.fetch = flows.FetchFunc(func(context.Context, flows.Inbound) (flows.Fetched, error) { panic("the disk is gone") })
	h.now = h.now.Add(time.Second)
	for range 2 {
		err := h.svc.HandleNext(h.ctx, h.fetch)
		if err == nil {
			t.Fatal("a panicking download handled")
		}
		h.now = h.now.Add(time.Second)
	}
	want("a broken download", "retried", "failed")

	// The flood limit refuses the seventh message of a minute.
	h.now = h.now.Add(2 * time.Minute)
	for range 7 {
		h.post("100", flows.Inbound{Kind: flows.KindText, Text: "halo"})
	}
	got := outcomes()
	if len(got) != 7 || got[5] != "handled" || got[6] != "refused" {
		t.Fatalf("a flood: told %v, want six handled then refused", got)
	}
}
