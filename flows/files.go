package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lapor-id/lapor/store"
)

// Fetched is a file a FileFetcher opened: a stream that the conversation
// writes into the blob store as it reads it (never holding the file whole),
// or a blob that holds the bytes already (a web chat upload), which is
// referred to, not copied.
type Fetched struct {
	Body io.ReadCloser // the bytes; the conversation closes it
	Size int64         // Body's length if the platform says it (0: unknown); a longer stream is cut at the limit anyway
	Blob int64         // instead of Body: the stored blob with the bytes
}

// FetchedBytes is a Fetched of bytes already in memory (a platform library
// that returns whole files, tests).
func FetchedBytes(b []byte) Fetched {
	return Fetched{Body: io.NopCloser(bytes.NewReader(b)), Size: int64(len(b))}
}

// FileFetcher opens the files inbound messages point at, on their
// platforms. Fetch's ErrFileTooBig is final; ErrFetchBusy puts the message
// back for a moment (FetchBusyWait) without counting an attempt; other
// errors, and a stream that fails midway, are retried.
type FileFetcher interface {
	Fetch(ctx context.Context, in Inbound) (Fetched, error)
	// Discard is told, in the handling's transaction, of a file message
	// whose file the conversation did not keep (refused, not wanted at this
	// step, over the limit of files…), so that a channel that stored the
	// bytes on receipt (the web chat) deletes them.
	Discard(ctx context.Context, tx *store.Tx, in Inbound) error
}

// FileRouter is a FileFetcher that cannot download the files of some
// channels in this process now (a replica without the WhatsApp
// connection, while another process has it): FilesElsewhere names them,
// and messages with their files are left to the process that can, instead
// of being taken and failing (or being put back) here.
type FileRouter interface {
	FilesElsewhere(ctx context.Context) []string
}

// FetchFunc is a FileFetcher for platforms that store nothing on receipt:
// Discard has nothing to delete.
type FetchFunc func(ctx context.Context, in Inbound) (Fetched, error)

// Fetch implements FileFetcher.
func (f FetchFunc) Fetch(ctx context.Context, in Inbound) (Fetched, error) { return f(ctx, in) }

// Discard implements FileFetcher.
func (FetchFunc) Discard(context.Context, *store.Tx, Inbound) error { return nil }

// incoming is the file of the message being handled: how to fetch it, and
// the blob this handling wrote for it, which must not outlive the handling
// unless an attachment keeps it.
type incoming struct {
	fetch   FileFetcher
	written int64
	refused bool // the file was fetched and refused (a program, too big…)
}

// settle leaves nothing of a file message's file that the conversation did
// not keep: neither the bytes this handling wrote, nor what the channel
// stored on receipt. It runs in the handling's transaction, after the
// conversation has decided. In a group (a desk's web room) a file that is
// only not evidence — officers talking — stays part of the group's
// history, as it would on Telegram; one the conversation refused does not.
func (f *incoming) settle(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound) error {
	if !msg.Kind.IsFile() || msg.File == nil {
		return nil
	}
	kept, err := tx.InboxKeptFile(ctx, in.ID)
	if err != nil || kept {
		return err
	}
	if f.written != 0 {
		if _, err := tx.DeleteBlob(ctx, f.written); err != nil {
			return err
		}
	}
	if f.fetch == nil || ((in.IsGroup || msg.IsGroup) && !f.refused) {
		return nil
	}
	return f.fetch.Discard(ctx, tx, msg)
}

// evidence is a fetched file, stored, or why it was not taken.
type evidence struct {
	blob    int64  // the stored bytes
	size    int64  // their length
	problem string // "toobig", "badtype", "mismatch", "failed"
	detail  string
	actual  string // for "mismatch": what the bytes are
}

// sniffLen is how much of a file's start the checks read: content sniffing
// looks at no more.
const sniffLen = 512

// fetchEvidence fetches a message's file into the blob store within the
// limits: not too big, not a program (by name, declared type or first
// bytes), not something other than its name says. The checks of the first
// bytes run before anything is stored; the size limit while it is. A
// transient download failure is an error (the message is retried) until
// the last attempt, which reports "failed" so the sender can be asked to
// resend.
func (s *Service) fetchEvidence(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound, files *incoming, lang Lang) (e evidence, err error) {
	defer func() {
		if e.problem != "" && files != nil {
			files.refused = true
		}
	}()
	f := msg.File
	if f == nil {
		return evidence{problem: "failed"}, nil
	}
	if f.Size > s.cfg.MaxFileBytes {
		return evidence{problem: "toobig", detail: FormatSize(lang, f.Size)}, nil
	}
	if bad, why := dangerousFile(f.Name, f.MIME, nil); bad {
		return evidence{problem: "badtype", detail: why}, nil
	}
	if files == nil || files.fetch == nil {
		return evidence{}, errors.New("no file fetcher for channel " + in.Channel)
	}
	got, err := files.fetch.Fetch(ctx, msg)
	if err != nil {
		return s.fetchFailed(in, f, err, lang)
	}
	if got.Blob != 0 {
		if got.Body != nil {
			got.Body.Close()
		}
		return s.storedEvidence(ctx, tx, in, f, got.Blob, lang)
	}
	if got.Body == nil {
		return evidence{}, errors.New("the file fetcher of channel " + in.Channel + " returned no file")
	}
	defer got.Body.Close()
	if got.Size > s.cfg.MaxFileBytes {
		return evidence{problem: "toobig", detail: FormatSize(lang, got.Size)}, nil
	}
	src := &sourceReader{r: got.Body}
	head, err := readHead(src)
	if err != nil {
		return s.fetchFailed(in, f, err, lang)
	}
	if e, refused := checkHead(f.Name, f.MIME, head); refused {
		return e, nil
	}
	blob, err := tx.WriteBlob(ctx, io.MultiReader(bytes.NewReader(head), src), s.cfg.MaxFileBytes)
	switch {
	case errors.Is(err, store.ErrTooBig):
		return evidence{problem: "toobig", detail: s.overSize(lang, f.Size)}, nil
	case src.err != nil:
		return s.fetchFailed(in, f, src.err, lang)
	case err != nil:
		return evidence{}, err
	}
	files.written = blob.ID
	return evidence{blob: blob.ID, size: blob.Size}, nil
}

// storedEvidence checks a file whose bytes a channel stored on receipt.
func (s *Service) storedEvidence(ctx context.Context, tx *store.Tx, in store.Inbound, f *FileRef, id int64, lang Lang) (evidence, error) {
	b, err := tx.BlobInfo(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.log.Warn("a received file's bytes are gone; the sender is asked to resend it", "channel", in.Channel, "inbox_id", in.ID)
		return evidence{problem: "failed"}, nil
	}
	if err != nil {
		return evidence{}, err
	}
	if b.Size > s.cfg.MaxFileBytes {
		return evidence{problem: "toobig", detail: FormatSize(lang, b.Size)}, nil
	}
	r, err := tx.OpenBlob(ctx, id)
	if err != nil {
		return evidence{}, err
	}
	head, err := readHead(r)
	if err != nil {
		return evidence{}, err
	}
	if e, refused := checkHead(f.Name, f.MIME, head); refused {
		return e, nil
	}
	return evidence{blob: id, size: b.Size}, nil
}

// checkHead refuses a file by its first bytes: a program, or content that
// contradicts its name.
func checkHead(name, mime string, head []byte) (evidence, bool) {
	if bad, why := dangerousFile(name, mime, head); bad {
		return evidence{problem: "badtype", detail: why}, true
	}
	if claimed, actual, lie := fileTypeLie(name, head); lie {
		return evidence{problem: "mismatch", detail: claimed, actual: actual}, true
	}
	return evidence{}, false
}

// fetchFailed decides what a failed download means.
func (s *Service) fetchFailed(in store.Inbound, f *FileRef, err error, lang Lang) (evidence, error) {
	switch {
	case errors.Is(err, ErrFileTooBig):
		return evidence{problem: "toobig", detail: s.overSize(lang, f.Size)}, nil
	case errors.Is(err, ErrFetchBusy):
		return evidence{}, err // not a failure, even on the last attempt
	case in.Attempts+1 >= s.cfg.MaxAttempts:
		s.log.Warn("file could not be fetched; the sender is asked to resend it",
			"channel", in.Channel, "inbox_id", in.ID, "err", err)
		return evidence{problem: "failed"}, nil
	}
	return evidence{}, fmt.Errorf("fetch file: %w", err)
}

// overSize describes the size of a file found too big while it streamed:
// what the platform said, or "more than the limit" when it said nothing
// (or too little).
func (s *Service) overSize(lang Lang, declared int64) string {
	if declared > s.cfg.MaxFileBytes {
		return FormatSize(lang, declared)
	}
	return "> " + FormatSize(lang, s.cfg.MaxFileBytes)
}

// sourceReader keeps the error of the platform's stream, to tell a failed
// download (retried) from a failed write to the store.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// readHead reads the first sniffLen bytes of r (fewer if r ends). A stream
// that fails, or is cut short (io.ErrUnexpectedEOF), is an error.
func readHead(r io.Reader) ([]byte, error) {
	head := make([]byte, 0, sniffLen)
	for len(head) < sniffLen {
		n, err := r.Read(head[len(head):sniffLen])
		head = head[:len(head)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return head, err
		}
	}
	return head, nil
}
