package bot

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// streamChannel is a platform whose files are streams.
type streamChannel struct{ Channel }

func (streamChannel) Name() string { return "stream" }

func (streamChannel) Fetch(context.Context, flows.Inbound) (flows.Fetched, error) {
	return flows.Fetched{Body: io.NopCloser(strings.NewReader("bytes that flow after Fetch returned"))}, nil
}

// A download's slot is held while its stream is read, after Fetch
// returned, and given back when the stream is closed: with three workers
// (one slot), a second file waits until the first is stored.
func TestDownloadSlotHeldUntilTheStreamCloses(t *testing.T) {
	w := NewWorkers(nil, []Channel{streamChannel{}}, 3, nil, nil)
	f := files{w}
	ctx := context.Background()
	in := flows.Inbound{Channel: "stream", File: &flows.FileRef{ID: "1"}}
	first, err := f.Fetch(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Fetch(ctx, in); !errors.Is(err, flows.ErrFetchBusy) {
		t.Fatalf("a second download while the first streams: %v, want ErrFetchBusy", err)
	}
	if _, err := io.ReadAll(first.Body); err != nil {
		t.Fatal(err)
	}
	first.Body.Close()
	first.Body.Close() // a second Close gives back nothing more
	second, err := f.Fetch(ctx, in)
	if err != nil {
		t.Fatalf("after the first stream closed: %v", err)
	}
	if _, err := f.Fetch(ctx, in); !errors.Is(err, flows.ErrFetchBusy) {
		t.Fatalf("a double Close freed a second slot: %v", err)
	}
	second.Body.Close()
}
