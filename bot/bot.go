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
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

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

// File is a stored attachment to send.
type File struct {
	Kind string // flows.Kind of the attachment: photo, document, ...
	Name string
	MIME string
	Data []byte
}

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
func errorKind(err error) (retryAfter time.Duration, blocked, permanent bool) {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter, se.Blocked, se.Permanent
	}
	return 0, false, false
}
