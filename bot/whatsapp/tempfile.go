package whatsapp

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"go.mau.fi/whatsmeow"
)

// errTooBig stops a download that would grow past the limit.
var errTooBig = errors.New("whatsapp: the file is larger than the limit")

// mediaOverhead is what encryption adds to a file on WhatsApp's media
// servers: up to one AES block of padding and a 10-byte MAC. whatsmeow
// writes the encrypted file first and decrypts it in place.
const mediaOverhead = 16 + 10

// tempFile is a download's temporary file. bounded is what whatsmeow
// writes to; once done, it is read from the start as the download's
// stream, and Close removes it.
type tempFile struct {
	*os.File
	limit int64 // the largest decrypted file
	size  int64 // the decrypted file's length, once done

	mu       sync.Mutex
	tooBig   bool // a write went past the limit: every later write fails too
	closeErr error
	closed   bool
}

func newTempFile(dir string, limit int64) (*tempFile, error) {
	f, err := os.CreateTemp(dir, "lapor-wa-*")
	if err != nil {
		return nil, err
	}
	// Unlinked at once where the system allows it: a crash leaves nothing.
	_ = os.Remove(f.Name())
	return &tempFile{File: f, limit: limit}, nil
}

// bounded is the file as whatsmeow.File, refusing writes past the limit
// (and the encryption's overhead).
func (f *tempFile) bounded() whatsmeow.File { return boundedFile{f} }

// reset empties the file for another download (a re-uploaded file).
func (f *tempFile) reset() error {
	f.mu.Lock()
	f.tooBig = false
	f.mu.Unlock()
	if err := f.File.Truncate(0); err != nil {
		return err
	}
	_, err := f.File.Seek(0, io.SeekStart)
	return err
}

// done checks the decrypted file's length and rewinds it for reading.
func (f *tempFile) done() error {
	st, err := f.File.Stat()
	if err != nil {
		return err
	}
	if f.size = st.Size(); f.size > f.limit {
		return errTooBig
	}
	_, err = f.File.Seek(0, io.SeekStart)
	return err
}

// Close closes and removes the file (once).
func (f *tempFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		f.closeErr = f.File.Close()
		_ = os.Remove(f.File.Name())
	}
	return f.closeErr
}

// boundedFile is a tempFile that fails a write reaching past the limit,
// and every write after it: whatsmeow copies the response body into the
// file, so the download stops there, and when it tries its next media
// host the first write fails at once.
type boundedFile struct{ f *tempFile }

func (b boundedFile) allow(end int64) error {
	b.f.mu.Lock()
	defer b.f.mu.Unlock()
	if b.f.tooBig || end > b.f.limit+mediaOverhead {
		b.f.tooBig = true
		return fmt.Errorf("%w (%d bytes)", errTooBig, b.f.limit)
	}
	return nil
}

func (b boundedFile) Write(p []byte) (int, error) {
	off, err := b.f.File.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	if err := b.allow(off + int64(len(p))); err != nil {
		return 0, err
	}
	return b.f.File.Write(p)
}

func (b boundedFile) WriteAt(p []byte, off int64) (int, error) {
	if err := b.allow(off + int64(len(p))); err != nil {
		return 0, err
	}
	return b.f.File.WriteAt(p, off)
}

func (b boundedFile) Truncate(size int64) error {
	if err := b.allow(size); err != nil {
		return err
	}
	return b.f.File.Truncate(size)
}

func (b boundedFile) Read(p []byte) (int, error)                { return b.f.File.Read(p) }
func (b boundedFile) ReadAt(p []byte, off int64) (int, error)   { return b.f.File.ReadAt(p, off) }
func (b boundedFile) Seek(off int64, whence int) (int64, error) { return b.f.File.Seek(off, whence) }
func (b boundedFile) Stat() (os.FileInfo, error)                { return b.f.File.Stat() }
