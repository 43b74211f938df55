// Package bot connects flows to the chat platforms. Its sub-packages
// (bot/telegram, later bot/whatsapp and bot/webchat) translate a platform's
// updates into flows.Inbound messages and flows.Outbound messages into
// platform calls; nothing about complaints lives there. This package holds
// what every channel shares: the inbox that stores received messages before
// they are acknowledged, the workers that hand them to flows one chat at a
// time, and the outbox dispatcher that paces and delivers what flows decided
// to say.
package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// Channel is one chat platform as the dispatcher and the workers see it.
type Channel interface {
	// Name is the channel's name in stored rows ("telegram").
	Name() string
	// Fetch opens the file an inbound message points at: a stream of its
	// bytes, which the conversation writes into the blob store as it reads
	// (and closes), or the blob that holds them already. A stream longer
	// than the platform allows fails with flows.ErrFileTooBig.
	Fetch(ctx context.Context, in flows.Inbound) (flows.Fetched, error)
	// Split cuts a message into the parts the platform accepts (text and
	// caption limits). It must be deterministic: a resumed delivery sends
	// the parts not yet sent.
	Split(msg flows.Outbound, file *File) []Part
	// Send delivers one part. Errors should be *SendError where the platform
	// said something specific (rate limit, blocked, refused).
	Send(ctx context.Context, chatID string, p Part) error
	// Pacing is the platform's sending limits.
	Pacing() Pacing
	// IsGroup reports whether a chat id names a group (paced separately).
	IsGroup(chatID string) bool
}

// FileDiscarder is a Channel that stores the files it receives before the
// conversation sees them (the web chat): Discard deletes one the
// conversation did not keep, in the handling's transaction.
type FileDiscarder interface {
	Discard(ctx context.Context, tx *store.Tx, in flows.Inbound) error
}

// FileHolder is a Channel only one process can download files from (the
// one holding the WhatsApp connection). FilesElsewhere is true while
// another process can and this one cannot: the workers then leave
// messages with files of the channel to it. It is asked before every
// claim, so it must be cheap (cached).
type FileHolder interface {
	FilesElsewhere(ctx context.Context) bool
}

// File is a stored file to send. A channel reads its bytes as a stream
// with Open, or whole with Bytes, which counts them against the process's
// FileMemory until the send ends.
type File struct {
	Kind string // flows.Kind of the attachment: photo, document, ...
	Name string
	MIME string
	Size int64 // the length of the bytes
	// Blob is the stored blob of the bytes, 0 for bytes made in memory: a
	// channel that keeps the files it shows (the web chat) refers to it
	// instead of copying.
	Blob int64
	// Data holds the bytes when they are in memory (a cleaned image, a
	// file Bytes read); otherwise Open reads them from the blob.
	Data []byte

	open func(context.Context) (io.ReadCloser, error)
	mem  *FileMemory
	held int64 // bytes of mem this file holds
}

// Len is the length of the file's bytes.
func (f *File) Len() int64 {
	if f.Data != nil || f.open == nil {
		return int64(len(f.Data))
	}
	return f.Size
}

// Open returns the file's bytes as a stream, from their start; each call
// reads them again (a retried send).
func (f *File) Open(ctx context.Context) (io.ReadCloser, error) {
	if f.Data != nil || f.open == nil {
		return io.NopCloser(bytes.NewReader(f.Data)), nil
	}
	return f.open(ctx)
}

// Bytes returns the whole file, for a platform that needs it in memory
// (WhatsApp encrypts before it uploads). It waits for room in the
// process's FileMemory, held until the dispatcher's send ends, so however
// many messages are in flight their whole files together stay within it.
func (f *File) Bytes(ctx context.Context) ([]byte, error) {
	if f.Data != nil || f.open == nil {
		return f.Data, nil
	}
	if err := f.reserve(ctx, f.Size); err != nil {
		return nil, err
	}
	r, err := f.open(ctx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data := make([]byte, 0, f.Size)
	buf := bytes.NewBuffer(data)
	if _, err := buf.ReadFrom(io.LimitReader(r, f.Size+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) != f.Size {
		return nil, fmt.Errorf("bot: file %q has %d bytes, not %d", f.Name, buf.Len(), f.Size)
	}
	f.Data = buf.Bytes()
	return f.Data, nil
}

// reserve takes n bytes of the memory budget for the file, once: a file
// never waits for more while holding some, so sends cannot wait for each
// other in a circle.
func (f *File) reserve(ctx context.Context, n int64) error {
	if f.mem == nil || f.held > 0 {
		return nil
	}
	got, err := f.mem.acquire(ctx, n)
	f.held = got
	return err
}

// release gives the file's share of the budget back (the send ended).
func (f *File) release() {
	if f != nil && f.mem != nil && f.held > 0 {
		f.mem.release(f.held)
		f.held = 0
	}
}

// FileMemory is a budget of file bytes held in memory at once by sends
// that need whole files (metadata stripping, WhatsApp's upload). One is
// shared by every dispatcher of the process, so 64 messages in flight
// cannot hold 64 files of 20 MB. A file larger than the whole budget
// waits for all of it.
type FileMemory struct {
	sem  *semaphore.Weighted
	size int64
}

// NewFileMemory returns a budget of size bytes.
func NewFileMemory(size int64) *FileMemory {
	return &FileMemory{sem: semaphore.NewWeighted(size), size: size}
}

// defaultFileMemory is the process's budget when dispatchers are given none.
var defaultFileMemory = NewFileMemory(DefaultFileMemory)

// DefaultFileMemory is the default budget: three files of 20 MB at once.
const DefaultFileMemory = 64 << 20

func (m *FileMemory) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(n, m.size)
	if n <= 0 {
		return 0, nil
	}
	if err := m.sem.Acquire(ctx, n); err != nil {
		return 0, err
	}
	return n, nil
}

func (m *FileMemory) release(n int64) { m.sem.Release(n) }

// Part is one platform message.
type Part struct {
	// Key is stable across retries of the same part ("<outbox id>.<part>"):
	// channels that choose message ids derive them from it, so a retry
	// reuses the id and the platform can drop the duplicate.
	Key     string
	Text    string
	Caption bool // Text is the caption of File
	File    *File
	Buttons [][]flows.Button
	ReplyTo string
	// ForceReply asks the member replied to to answer this part by a reply
	// (flows.Outbound.ForceReply); channels without it ignore it.
	ForceReply bool
}

// Received is one update a channel received, translated.
type Received struct {
	ExternalID string // the platform's id of the update, unique per channel
	Message    flows.Inbound
}

// SendError says how a failed send should be treated.
type SendError struct {
	Err        error
	RetryAfter time.Duration // the platform asked to wait (429)
	Blocked    bool          // the chat refuses the bot for good
	Permanent  bool          // the platform will never accept this message
	// Account: RetryAfter holds back the whole account, every chat, on
	// every replica (WhatsApp's limits and restrictions are per number).
	Account bool
}

// AccountPause is a Channel whose platform can hold the whole account back
// by telling, not only by refusing a send (WhatsApp's reach-out timelock
// event). The dispatcher sends nothing on the channel before until; when
// until changes it records the change for every replica: a later time
// holds the account until then, a time not after now lifts the pause
// (whatever caused it), zero means the platform said nothing.
type AccountPause interface {
	AccountPause() (until time.Time, reason string)
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// Inbox stores what channels receive.
type Inbox struct {
	db   *store.DB
	wake func()
}

// NewInbox returns an Inbox that calls wake after each stored batch.
func NewInbox(db *store.DB, wake func()) *Inbox {
	if wake == nil {
		wake = func() {}
	}
	return &Inbox{db: db, wake: wake}
}

// Store keeps a batch of received updates durably; a channel acknowledges
// them to its platform only after Store returns nil. Updates stored before
// are skipped. It returns how many were new.
func (i *Inbox) Store(ctx context.Context, channel string, batch []Received) (int, error) {
	return i.StoreWith(ctx, channel, batch, nil)
}

// StoreWith is Store that also runs also in the same transaction (see
// store.DB.StoreInboundWith).
func (i *Inbox) StoreWith(ctx context.Context, channel string, batch []Received, also func(*store.Tx) error) (int, error) {
	rows := make([]store.Inbound, 0, len(batch))
	for _, r := range batch {
		r.Message.Channel = channel
		r.Message.Clean()
		r.ExternalID = strings.ReplaceAll(strings.ToValidUTF8(r.ExternalID, "?"), "\x00", "?")
		payload, err := json.Marshal(r.Message)
		if err != nil {
			return 0, fmt.Errorf("bot: encode inbound: %w", err)
		}
		rows = append(rows, store.Inbound{Channel: channel, ExternalID: r.ExternalID, ChatID: r.Message.ChatID,
			IsGroup: r.Message.IsGroup, Payload: payload, ReceivedAt: r.Message.At})
	}
	n, err := i.db.StoreInboundWith(ctx, rows, also)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		i.wake()
	}
	return n, nil
}

// errorKind classifies a send error for the dispatcher.
func errorKind(err error) (retryAfter time.Duration, blocked, permanent, account bool) {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter, se.Blocked, se.Permanent, se.Account
	}
	return 0, false, false, false
}
