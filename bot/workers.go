package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// downloadSlotWait is how long a worker waits for a free download before
// it puts the message back (flows.ErrFetchBusy).
const downloadSlotWait = 100 * time.Millisecond

// Workers hand stored inbound messages to flows: N goroutines, each taking
// the next message whose chat is free, so chats run in parallel and each
// chat's messages strictly in order.
type Workers struct {
	svc      *flows.Service
	channels map[string]Channel
	n        int
	// downloads holds a slot per file download under way. Downloads may
	// take long (a slow network; a WhatsApp file asked again from the
	// sender's phone waits up to 30 s), so two workers are always left
	// for messages without one.
	downloads chan struct{}
	poll      time.Duration
	wake      chan struct{}
	onDone    func()
	log       *slog.Logger
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
	return &Workers{svc: svc, channels: m, n: n, downloads: make(chan struct{}, max(1, n-2)), poll: 250 * time.Millisecond,
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

// files is what the workers fetch files with, for flows: each download
// holds a slot until its stream is closed (the bytes flow while the
// conversation stores them, after Fetch returned).
type files struct{ w *Workers }

// Fetch implements flows.FileFetcher.
func (f files) Fetch(ctx context.Context, in flows.Inbound) (flows.Fetched, error) {
	w := f.w
	ch, ok := w.channels[in.Channel]
	if !ok {
		return flows.Fetched{}, errors.New("bot: no channel " + in.Channel + " to fetch a file from")
	}
	// In a burst a slot frees within milliseconds: wait a little for one
	// before putting the message back, which costs a transaction.
	wait := time.NewTimer(downloadSlotWait)
	defer wait.Stop()
	select {
	case w.downloads <- struct{}{}:
	case <-wait.C:
		return flows.Fetched{}, flows.ErrFetchBusy
	case <-ctx.Done():
		return flows.Fetched{}, ctx.Err()
	}
	release := sync.OnceFunc(func() { <-w.downloads })
	got, err := ch.Fetch(ctx, in)
	if err != nil || got.Body == nil {
		release()
		return got, err
	}
	got.Body = &slotBody{ReadCloser: got.Body, release: release}
	return got, nil
}

// FilesElsewhere implements flows.FileRouter: the channels whose files
// another process must download (see FileHolder).
func (f files) FilesElsewhere(ctx context.Context) []string {
	var out []string
	for name, ch := range f.w.channels {
		if h, ok := ch.(FileHolder); ok && h.FilesElsewhere(ctx) {
			out = append(out, name)
		}
	}
	return out
}

// Discard implements flows.FileFetcher.
func (f files) Discard(ctx context.Context, tx *store.Tx, in flows.Inbound) error {
	if d, ok := f.w.channels[in.Channel].(FileDiscarder); ok {
		return d.Discard(ctx, tx, in)
	}
	return nil
}

// slotBody is a download's stream that gives its slot back when closed.
type slotBody struct {
	io.ReadCloser
	release func()
}

func (b *slotBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
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
		err := w.svc.HandleNext(ctx, files{w})
		switch {
		case err == nil:
			w.onDone()
			w.Wake() // another worker may take the next chat
			continue
		case errors.Is(err, flows.ErrPostponed):
			continue // its file waits for a free download; take the next
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
