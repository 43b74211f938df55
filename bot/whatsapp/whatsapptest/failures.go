package whatsapptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
)

// failures is what goes wrong on WhatsApp's side, as whatsmeow reports it.
type failures struct {
	mu        sync.Mutex
	next      []error          // the next sends fail with these, in order
	chats     map[string]error // every send to the chat fails with it
	rate      float64          // share of sends that fail transiently
	rng       *rand.Rand
	attempts  int              // sends tried
	failed    int              // sends failed
	downloads []error          // the next downloads fail with these
	streams   map[string]int64 // direct path → length of a generated file
	served    int64            // bytes written into download files
	slow      time.Duration    // how long a download takes
}

// The errors whatsmeow returns for WhatsApp's refusals (send.go, group.go,
// errors.go of the pinned whatsmeow).
var (
	// ErrRateLimited is a 429 rate-overlimit answer to the device-list
	// query a send makes.
	ErrRateLimited = fmt.Errorf("failed to get device list: %w", whatsmeow.ErrIQRateOverLimit)
	// ErrTimelock is the 463 a send gets while the account's reach-out
	// timelock is on.
	ErrTimelock = fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463)
	// ErrServer429 is a 429 in the answer to the message itself.
	ErrServer429 = fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 429)
	// ErrNotInGroup is a send to a group the account was removed from.
	ErrNotInGroup = fmt.Errorf("failed to get group members: %w", whatsmeow.ErrNotInGroup)
	// ErrTimedOut is a send whose acknowledgement never came: it may have
	// been delivered.
	ErrTimedOut = whatsmeow.ErrMessageTimedOut
)

// FailNextSends makes the next sends fail with errs, one each, in order.
func (f *Fake) FailNextSends(errs ...error) {
	f.fail.mu.Lock()
	defer f.fail.mu.Unlock()
	f.fail.next = append(f.fail.next, errs...)
}

// FailSendsTo makes every send to chat fail with err (nil: succeed again).
func (f *Fake) FailSendsTo(chat string, err error) {
	f.fail.mu.Lock()
	defer f.fail.mu.Unlock()
	if f.fail.chats == nil {
		f.fail.chats = map[string]error{}
	}
	if err == nil {
		delete(f.fail.chats, chat)
		return
	}
	f.fail.chats[chat] = err
}

// FailSendsRandomly makes a share (0..1) of sends fail transiently,
// reproducibly from seed: a third find the socket closed, a third time out
// undelivered, a third time out after the message arrived.
func (f *Fake) FailSendsRandomly(share float64, seed uint64) {
	f.fail.mu.Lock()
	defer f.fail.mu.Unlock()
	f.fail.rate, f.fail.rng = share, rand.New(rand.NewPCG(seed, seed^0x5eed))
}

// SendCounts is how many sends were tried and how many failed.
func (f *Fake) SendCounts() (attempts, failed int) {
	f.fail.mu.Lock()
	defer f.fail.mu.Unlock()
	return f.fail.attempts, f.fail.failed
}

// sendFails decides whether a send to to fails, and how; delivered is
// true for a timeout whose message arrived all the same (the answer was
// lost, not the message: whatsmeow cannot tell, and a resend with the same
// id is what makes it harmless).
func (f *Fake) sendFails(to types.JID) (delivered bool, err error) {
	f.fail.mu.Lock()
	defer f.fail.mu.Unlock()
	f.fail.attempts++
	switch {
	case len(f.fail.next) > 0:
		err, f.fail.next = f.fail.next[0], f.fail.next[1:]
	case f.fail.chats[to.String()] != nil:
		err = f.fail.chats[to.String()]
	case f.fail.rng != nil && f.fail.rng.Float64() < f.fail.rate:
		switch f.fail.rng.IntN(3) {
		case 0:
			err = whatsmeow.ErrNotConnected
		case 1:
			err = ErrTimedOut
		default:
			err, delivered = ErrTimedOut, true
		}
	}
	if err != nil {
		f.fail.failed++
	}
	return delivered, err
}

// seenLocked reports whether chat already has a message with s's id: a
// message sent again with its id (a retry after a timeout) shows once, as
// on the phone. f.mu is held.
func (f *Fake) seenLocked(s Sent) bool {
	if s.ID == "" {
		return false
	}
	for _, old := range f.sent[s.Chat] {
		if old.ID == s.ID {
			return true
		}
	}
	return false
}

// FailNextDownloads makes the next downloads fail with errs, in order
// (whatsmeow.ErrMediaDownloadFailedWith410 for an expired file, a
// network error for a dropped connection).
func (f *Fake) FailNextDownloads(errs ...error) {
	f.fail.mu.Lock()
	defer f.fail.mu.Unlock()
	f.fail.downloads = append(f.fail.downloads, errs...)
}

// SlowDownloads makes every download take d, as a download over a real
// network does.
func (f *Fake) SlowDownloads(d time.Duration) {
	f.fail.mu.Lock()
	defer f.fail.mu.Unlock()
	f.fail.slow = d
}

// Served is how many bytes downloads have written into files.
func (f *Fake) Served() int64 {
	f.fail.mu.Lock()
	defer f.fail.mu.Unlock()
	return f.fail.served
}

// LyingDocument is a document from sender in chat that declares declared
// bytes and whose file on the media server has actual bytes (generated as
// it is served, so a test can ask for gigabytes): what a crafted message
// does to make a bot that trusts the declared size download too much.
func (f *Fake) LyingDocument(chat, sender string, declared, actual int64) any {
	f.mu.Lock()
	f.n++
	path := fmt.Sprintf("/v/in/%d", f.n)
	f.mu.Unlock()
	f.fail.mu.Lock()
	if f.fail.streams == nil {
		f.fail.streams = map[string]int64{}
	}
	f.fail.streams[path] = actual
	f.fail.mu.Unlock()
	key := make([]byte, 32)
	return f.event(chat, sender, &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		FileName: proto.String("laporan.pdf"), Mimetype: proto.String("application/pdf"), DirectPath: proto.String(path),
		URL: proto.String("https://media.invalid" + path), MediaKey: key, FileSHA256: key, FileEncSHA256: key,
		FileLength: proto.Uint64(uint64(declared)),
	}})
}

// DownloadToFile serves a file by its direct path into file
// (whatsapp.Client), as whatsmeow does: it copies the response body into
// the file in 32 KiB writes and stops at the first write that fails; it
// leaves the file's offset at its end. An unknown path is an expired file
// (410).
func (f *Fake) DownloadToFile(ctx context.Context, m whatsmeow.DownloadableMessage, file whatsmeow.File) error {
	f.fail.mu.Lock()
	var err error
	if len(f.fail.downloads) > 0 {
		err, f.fail.downloads = f.fail.downloads[0], f.fail.downloads[1:]
	}
	size, stream := f.fail.streams[m.GetDirectPath()]
	slow := f.fail.slow
	f.fail.mu.Unlock()
	if slow > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(slow):
		}
	}
	if err != nil {
		return err
	}
	var body io.Reader
	if stream {
		body = io.LimitReader(pattern{}, size)
	} else {
		f.mu.Lock()
		b, ok := f.media[m.GetDirectPath()]
		f.mu.Unlock()
		if !ok {
			return whatsmeow.ErrMediaDownloadFailedWith410
		}
		body = bytes.NewReader(b)
	}
	buf := make([]byte, 32<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := body.Read(buf)
		if n > 0 {
			w, werr := file.Write(buf[:n])
			f.fail.mu.Lock()
			f.fail.served += int64(w)
			f.fail.mu.Unlock()
			if werr != nil {
				return fmt.Errorf("failed to download media from last host: %w", werr)
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// pattern is an endless stream of bytes.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	return len(p), nil
}
