package whatsapp

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"go.mau.fi/whatsmeow"

	"github.com/lapor-id/lapor/flows"
)

// hugeClient serves every file as size bytes, counting what it wrote.
type hugeClient struct {
	fakeClient
	size   int64
	served int64
	tries  int
}

func (h *hugeClient) DownloadToFile(ctx context.Context, _ whatsmeow.DownloadableMessage, file whatsmeow.File) error {
	buf := make([]byte, 32<<10)
	// whatsmeow tries each media host in turn when a download fails with
	// an error it does not know; three hosts here.
	var err error
	for host := 0; host < 3; host++ {
		h.tries++
		left := h.size
		for left > 0 {
			n := min(left, int64(len(buf)))
			var w int
			w, err = file.Write(buf[:n])
			h.served += int64(w)
			left -= int64(w)
			if err != nil {
				break
			}
		}
		if err == nil {
			return nil
		}
	}
	return err
}

// A message declaring a small file whose server copy is a gigabyte: the
// download stops at the limit (on disk, never in memory), on every media
// host, and is refused as too big; nothing is left in the temporary folder.
func TestFetchStopsAtTheLimitWhateverTheSenderDeclared(t *testing.T) {
	dir := t.TempDir()
	hc := &hugeClient{size: 1 << 30}
	const limit = 1 << 20
	ch := New(hc, nil, Options{MaxDownload: limit, TempDir: dir})
	in := docEvent(t, ch, "/v/t62/huge", 2000)
	_, err := ch.Fetch(context.Background(), in)
	if !errors.Is(err, flows.ErrFileTooBig) {
		t.Fatalf("a 1 GiB file declared as 2 kB: %v, want ErrFileTooBig", err)
	}
	if hc.served > limit+mediaOverhead {
		t.Fatalf("%d bytes written for a limit of %d", hc.served, limit)
	}
	if hc.tries != 3 {
		t.Fatalf("%d hosts tried", hc.tries)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}

	// Exactly at the limit: taken, and its file is gone once read.
	hc.size, hc.served = limit, 0
	got, err := ch.Fetch(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, got.Body)
	if err != nil || n != limit || got.Size != limit {
		t.Fatalf("read %d (Size %d): %v", n, got.Size, err)
	}
	got.Body.Close()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}
