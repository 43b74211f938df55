package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/media"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/store"
)

// DispatcherOptions tunes the outbox dispatcher.
type DispatcherOptions struct {
	Lease time.Duration // how long a claimed message is ours before another replica may retry it
	// Poll is how often to look for due messages without a wake-up: what
	// other replicas write, retries coming due. 100 ms adds at most that to
	// a reply another replica wrote; a look costs a few index pages.
	Poll        time.Duration
	MaxInFlight int           // chats delivered to at once
	MaxBackoff  time.Duration // cap of the back-off after transient errors
	// Active says whether this process may send on the channel now; nil
	// means always. A channel one replica at a time speaks on (Telegram's
	// poller, a WhatsApp number) is delivered by that replica only, so its
	// pacing holds for the whole service.
	Active func() bool
	// FileMemory is the budget of whole files in memory, shared by every
	// dispatcher of the process; nil means the process's default
	// (DefaultFileMemory).
	FileMemory *FileMemory
	// OnPause is told once (by the replica that recorded it) of an account
	// pause of at least PauseNotice: the platform restricts the whole
	// account until until, for reason. nil tells nobody.
	OnPause func(ctx context.Context, until time.Time, reason string)
	// Meter counts deliveries for the metrics (meter.go); nil counts nothing.
	Meter Meter
	Now   func() time.Time
	Log   *slog.Logger
}

func (o *DispatcherOptions) defaults() {
	if o.Lease == 0 {
		o.Lease = 30 * time.Second
	}
	if o.Poll == 0 {
		o.Poll = 100 * time.Millisecond
	}
	if o.MaxInFlight == 0 {
		o.MaxInFlight = 64
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.FileMemory == nil {
		o.FileMemory = defaultFileMemory
	}
	if o.Meter == nil {
		o.Meter = noMeter{}
	}
}

// Dispatcher delivers one channel's outbox: it claims the oldest undelivered
// message of each chat, paces sends to the platform's limits, retries
// transient failures with back-off, waits as long as the platform asks on a
// rate limit, and records chats that refuse the bot instead of retrying them
// forever.
type Dispatcher struct {
	db    *store.DB
	ch    Channel
	o     DispatcherOptions
	pace  *pacer
	wake  chan struct{}
	slots chan struct{}

	mu       sync.Mutex
	inFlight map[int64]bool // messages this process is delivering now

	hold hold // hold.go: the account's pause

	marks *sentMarks // sentmarks.go: deliveries marked sent in batches
}

// NewDispatcher returns a dispatcher for ch.
func NewDispatcher(db *store.DB, ch Channel, o DispatcherOptions) *Dispatcher {
	o.defaults()
	return &Dispatcher{db: db, ch: ch, o: o, pace: newPacer(ch.Pacing()),
		wake: make(chan struct{}, 1), slots: make(chan struct{}, o.MaxInFlight), inFlight: map[int64]bool{},
		marks: newSentMarks(db)}
}

// Wake tells the dispatcher new messages may be waiting.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then waits for deliveries in progress.
func (d *Dispatcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	stopMarks, marksDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(marksDone); d.marks.run(stopMarks) }()
	defer func() { wg.Wait(); close(stopMarks); <-marksDone }()
	tick := time.NewTicker(d.o.Poll)
	defer tick.Stop()
	lastForget := d.o.Now()
	for {
		free := cap(d.slots) - len(d.slots)
		var claimed []store.Outgoing
		if free > 0 && (d.o.Active == nil || d.o.Active()) && !d.heldUntil(ctx).After(d.o.Now()) {
			var err error
			claimed, err = d.db.ClaimOutgoing(ctx, d.ch.Name(), d.o.Now(), d.o.Lease, free)
			if err != nil && ctx.Err() == nil {
				d.o.Log.Warn("outbox claim failed", "channel", d.ch.Name(), "err", err)
			}
		}
		for _, m := range claimed {
			if !d.start(m.ID) {
				// Our own delivery outlived its lease and we claimed it
				// again: never send one message twice at once.
				continue
			}
			d.slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-d.slots; d.finish(m.ID) }()
				d.deliver(ctx, m)
				d.Wake() // the chat's next message may now be claimed
			}()
		}
		if now := d.o.Now(); now.Sub(lastForget) > time.Minute {
			d.pace.forget(now)
			lastForget = now
		}
		if len(claimed) > 0 && len(claimed) == free {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake:
		case <-tick.C:
		}
	}
}

func (d *Dispatcher) start(id int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inFlight[id] {
		return false
	}
	d.inFlight[id] = true
	return true
}

func (d *Dispatcher) finish(id int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inFlight, id)
}

// deliver sends one claimed message, part by part.
func (d *Dispatcher) deliver(ctx context.Context, m store.Outgoing) {
	log := d.o.Log.With("channel", m.Channel, "chat", m.ChatID, "outbox_id", m.ID)
	var msg flows.Outbound
	if err := json.Unmarshal(m.Payload, &msg); err != nil {
		log.Error("undecodable outbox message", "err", err)
		d.record(ctx, d.db.FailOutgoing(ctx, m.ID, d.o.Now(), "undecodable: "+err.Error()))
		d.o.Meter.Delivery(DeliveryFailed)
		return
	}
	if msg.EditCard != 0 {
		d.deliverEdit(ctx, m, msg, log)
		return
	}
	d.replyToCard(ctx, &msg)
	if len(msg.Album) > 0 {
		d.deliverAlbum(ctx, m, msg, log)
		return
	}
	// The lease runs from the claim, so getting the file ready (waiting
	// for the memory of whole files or for the decode gate, cleaning an
	// image) counts against it: a message not ready in time is given back
	// rather than sent after another replica may have claimed it.
	leaseEnd := m.LeaseUntil
	if leaseEnd.IsZero() {
		leaseEnd = d.o.Now().Add(d.o.Lease)
	}
	margin := min(2*time.Second, d.o.Lease/4)
	prep, cancel := context.WithTimeout(ctx, d.o.Lease-margin)
	file, err := d.file(prep, &msg, log)
	cancel()
	switch {
	case err != nil && ctx.Err() == nil && prep.Err() != nil:
		log.Info("file not ready within the lease; the message is given back", "err", err)
		d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, d.o.Now(), "file not ready within the lease"))
		return
	case err != nil:
		d.retry(ctx, m, err, log)
		return
	}
	defer file.release()
	// From here the lease is renewed while we work, so a send slower than
	// a lease is not claimed and sent again by another replica.
	claim := d.renew(ctx, m, log)
	defer claim.stop()
	parts := d.ch.Split(msg, file)
	steps := make([][]Part, len(parts))
	for i := range parts {
		parts[i].Key = fmt.Sprintf("%d.%d", m.ID, i)
		steps[i] = parts[i : i+1]
	}
	d.sendSteps(ctx, m, leaseEnd, claim, steps, func(i int, step []Part) error {
		return d.sendPart(context.WithoutCancel(ctx), m, &msg, step[0], i == len(steps)-1, log)
	}, log)
}

// sendSteps makes the platform calls of one claimed message in order,
// from the first not yet sent: each step is one call (a part of a split
// message, or an album) and is paced as the messages it makes. It stops
// when the lease is lost, the account is paused or the pacing would run
// past the lease (the message is given back), and counts each step sent,
// so a resumed delivery sends the rest.
func (d *Dispatcher) sendSteps(ctx context.Context, m store.Outgoing, leaseEnd time.Time, claim *renewal, steps [][]Part,
	send func(i int, step []Part) error, log *slog.Logger) {
	group := d.ch.IsGroup(m.ChatID)
	for i := m.PartsSent; i < len(steps); i++ {
		if claim.lost.Load() {
			log.Warn("the message's lease was lost (this process stalled); the replica that claimed it sends the rest", "parts_sent", i)
			return
		}
		// The account was paused while this message waited.
		if until := d.holdNow(); until.After(d.o.Now()) {
			d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, until, ""))
			return
		}
		// Do not send after our lease ended: another replica may have
		// claimed the message by then. Release it instead. An album
		// counts as many messages as it has photos.
		for range steps[i] {
			at, ok, err := d.pace.wait(ctx, m.ChatID, group, d.o.Now, leaseEnd.Add(-2*time.Second))
			if err != nil {
				d.release(m)
				return
			}
			if !ok {
				d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, at, ""))
				return
			}
		}
		// A send already begun is finished even when we are stopping (the
		// channel bounds it with its own timeout): cancelling it midway
		// would make the platform deliver it and us send it again.
		if err := send(i, steps[i]); err != nil {
			d.failed(ctx, m, err, log)
			return
		}
		if i+1 < len(steps) {
			d.record(ctx, d.db.MarkPartSent(context.WithoutCancel(ctx), m.ID, i+1))
		}
	}
	d.record(ctx, d.marks.mark(m.ID, d.o.Now()))
	d.o.Meter.Delivery(Delivered)
}

// renewal keeps a claimed message's lease alive while it is delivered.
type renewal struct {
	lost atomic.Bool // another replica has claimed the message since
	stop func()
}

// renew renews m's lease every third of a lease, until stop, the first
// time once less than two thirds of it remain (at once when getting the
// file ready took that long): a message sent within the first third of
// its lease, as most are, costs no renewal. A renewal that finds the claim
// gone marks it lost and stops; one that fails (the database is briefly
// away) is tried again at the next tick, the lease's remaining two thirds
// covering it.
func (d *Dispatcher) renew(ctx context.Context, m store.Outgoing, log *slog.Logger) *renewal {
	r := &renewal{}
	if m.LeaseUntil.IsZero() {
		r.stop = func() {}
		return r
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	r.stop = func() { cancel(); <-done }
	held := m.LeaseUntil
	go func() {
		defer close(done)
		if first := held.Sub(d.o.Now()) - 2*d.o.Lease/3; first > 0 {
			wait := time.NewTimer(first)
			select {
			case <-ctx.Done():
				wait.Stop()
				return
			case <-wait.C:
			}
		}
		tick := time.NewTicker(d.o.Lease / 3)
		defer tick.Stop()
		for {
			until, ok, err := d.db.RenewLease(ctx, m.ID, held, d.o.Now().Add(d.o.Lease))
			switch {
			case err != nil && ctx.Err() == nil:
				log.Warn("renewing a message's lease failed; trying again", "err", err)
			case err == nil && !ok:
				r.lost.Store(true)
				return
			case err == nil:
				held = until
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return r
}

// file is the stored file a message sends, if any, to be read as a stream.
// An image for a desk that must not see its metadata is cleaned first,
// which needs it whole: within the process's FileMemory, which the
// returned file holds until release.
func (d *Dispatcher) file(ctx context.Context, msg *flows.Outbound, log *slog.Logger) (*File, error) {
	switch {
	case msg.DocumentID != 0:
		doc, err := d.db.Document(ctx, msg.DocumentID)
		if err != nil {
			return nil, err
		}
		return d.blobFile(doc.Kind, doc.Name, doc.MIME, doc.BlobID, doc.Size), nil
	case msg.AttachmentID == 0:
		return nil, nil
	}
	a, err := d.db.Attachment(ctx, msg.AttachmentID)
	if err != nil {
		return nil, err
	}
	name := msg.FileName
	if name == "" {
		name = records.NeutralFileName(1, a.MIMEType, a.OriginalName)
	}
	file := d.blobFile(a.Kind, name, a.MIMEType, a.BlobID, a.Size)
	if !msg.StripMetadata {
		return file, nil
	}
	// What the bytes are counts, not what the sender called them: a photo
	// sent as "surat.pdf" still carries its GPS tag.
	image := a.Kind == string(flows.KindPhoto) || strings.HasPrefix(a.MIMEType, "image/")
	if !image {
		head, err := d.head(ctx, file)
		if err != nil {
			return nil, err
		}
		image = strings.HasPrefix(http.DetectContentType(head), "image/")
	}
	if !image {
		return file, nil
	}
	// The original and its cleaned copy are in memory together.
	if err := file.reserve(ctx, 2*a.Size); err != nil {
		return nil, err
	}
	data, err := file.Bytes(ctx)
	if err != nil {
		file.release()
		return nil, err
	}
	clean, mime, err := media.Strip(ctx, a.MIMEType, data)
	switch {
	case err != nil && ctx.Err() != nil:
		file.release()
		return nil, err
	case errors.Is(err, media.ErrTooLarge):
		// Cleaning proves the result decodes, and this one would need more
		// memory than any image may take.
		log.Warn("image withheld: too large to decode", "attachment", a.ID, "err", err)
		file.release()
		msg.Text += " [gambar tidak ditampilkan: ukurannya terlalu besar untuk diperiksa]"
		return nil, nil
	case err != nil:
		// An image that cannot be cleaned is not shown: it may carry the
		// reporter's location.
		log.Warn("image withheld: its metadata cannot be removed", "attachment", a.ID, "err", err)
		file.release()
		msg.Text += " [gambar tidak ditampilkan: metadata tidak dapat dihapus]"
		return nil, nil
	}
	// Only the cleaned copy stays in memory for the send: it keeps its
	// share of the reservation, the rest is given back now.
	keep := min(file.held, int64(len(clean)))
	cleaned := &File{Kind: file.Kind, Name: file.Name, MIME: mime, Size: int64(len(clean)), Data: clean,
		mem: file.mem, held: keep}
	if file.mem != nil && file.held > keep {
		file.mem.release(file.held - keep)
	}
	file.held = 0
	return cleaned, nil
}

// blobFile is a stored blob as a File read from the database on demand.
func (d *Dispatcher) blobFile(kind, name, mime string, blob, size int64) *File {
	return &File{Kind: kind, Name: name, MIME: mime, Size: size, Blob: blob, mem: d.o.FileMemory,
		open: func(ctx context.Context) (io.ReadCloser, error) { return d.db.OpenBlob(ctx, blob) }}
}

// head is a file's first bytes, for content sniffing.
func (d *Dispatcher) head(ctx context.Context, f *File) ([]byte, error) {
	r, err := f.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return head[:n], nil
}

// failed decides what a failed send means for the message.
func (d *Dispatcher) failed(ctx context.Context, m store.Outgoing, err error, log *slog.Logger) {
	retryAfter, blocked, permanent, account := errorKind(err)
	now := d.o.Now()
	switch {
	case account && retryAfter > 0:
		log.Warn("the platform limits the whole account; every chat waits", "retry_after", retryAfter, "err", err)
		d.holdAccount(ctx, now.Add(retryAfter), err.Error())
		d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, now.Add(retryAfter), err.Error()))
		d.o.Meter.RateLimited(true)
		d.o.Meter.Delivery(DeliveryRateLimited)
	case blocked:
		log.Warn("chat refuses the bot; its undelivered messages are failed", "err", err)
		d.record(ctx, d.db.BlockChat(context.WithoutCancel(ctx), m.Channel, m.ChatID, err.Error(), now))
		d.o.Meter.Delivery(DeliveryBlocked)
	case permanent:
		log.Error("platform refused a message for good", "err", err)
		d.record(ctx, d.db.FailOutgoing(context.WithoutCancel(ctx), m.ID, now, err.Error()))
		d.o.Meter.Delivery(DeliveryFailed)
	case retryAfter > 0:
		log.Warn("the platform asked this chat to wait (rate limit, or not in the group)", "retry_after", retryAfter, "err", err)
		d.pace.pause(m.ChatID, now.Add(retryAfter))
		d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, now.Add(retryAfter), err.Error()))
		d.o.Meter.RateLimited(false)
		d.o.Meter.Delivery(DeliveryRateLimited)
	default:
		d.retry(ctx, m, err, log)
	}
}

func (d *Dispatcher) retry(ctx context.Context, m store.Outgoing, err error, log *slog.Logger) {
	backoff := time.Second << min(m.Attempts-1, 16)
	if backoff > d.o.MaxBackoff || backoff <= 0 {
		backoff = d.o.MaxBackoff
	}
	log.Warn("send failed; will retry", "attempt", m.Attempts, "backoff", backoff, "err", err)
	d.record(ctx, d.db.RetryOutgoing(context.WithoutCancel(ctx), m.ID, d.o.Now().Add(backoff), err.Error()))
	d.o.Meter.Delivery(DeliveryRetried)
}

// release gives a message back at shutdown so a restart need not wait for
// the lease to run out.
func (d *Dispatcher) release(m store.Outgoing) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = d.db.RetryOutgoing(ctx, m.ID, d.o.Now(), "")
}

func (d *Dispatcher) record(ctx context.Context, err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		d.o.Log.Error("outbox bookkeeping failed; the message may be sent again", "err", err)
	}
}
