package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/lapor-id/lapor/flows"
)

// Workers hand stored inbound messages to flows: N goroutines, each taking
// the next message whose chat is free, so chats run in parallel and each
// chat's messages strictly in order.
type Workers struct {
	svc      *flows.Service
	channels map[string]Channel
	n        int
	poll     time.Duration
	wake     chan struct{}
	onDone   func()
	log      *slog.Logger
}

// NewWorkers returns n workers. onHandled runs after each handled message
// (to wake the dispatchers).
func NewWorkers(svc *flows.Service, channels []Channel, n int, onHandled func(), log *slog.Logger) *Workers {
	m := map[string]Channel{}
	for _, c := range channels {
		m[c.Name()] = c
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if onHandled == nil {
		onHandled = func() {}
	}
	return &Workers{svc: svc, channels: m, n: n, poll: 250 * time.Millisecond,
		wake: make(chan struct{}, 1), onDone: onHandled, log: log}
}

// AddChannel registers a channel whose files the workers may fetch. Call
// it before Run.
func (w *Workers) AddChannel(ch Channel) { w.channels[ch.Name()] = ch }

// Wake tells the workers new messages are stored.
func (w *Workers) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *Workers) fetch(ctx context.Context, in flows.Inbound) ([]byte, error) {
	ch, ok := w.channels[in.Channel]
	if !ok {
		return nil, errors.New("bot: no channel " + in.Channel + " to fetch a file from")
	}
	return ch.Fetch(ctx, in)
}

// Run works until ctx ends.
func (w *Workers) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := 0; i < w.n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.loop(ctx)
		}()
	}
	wg.Wait()
	return nil
}

func (w *Workers) loop(ctx context.Context) {
	tick := time.NewTicker(w.poll)
	defer tick.Stop()
	for ctx.Err() == nil {
		err := w.svc.HandleNext(ctx, w.fetch)
		switch {
		case err == nil:
			w.onDone()
			w.Wake() // another worker may take the next chat
			continue
		case errors.Is(err, flows.ErrIdle):
		case ctx.Err() != nil:
			return
		default:
			// The message is retried with back-off or closed with an
			// apology by flows; here it is only logged.
			w.log.Warn("handling an inbound message failed", "err", err)
			w.onDone()
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}
