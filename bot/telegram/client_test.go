package telegram

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// A download streams; past its limit it fails with flows.ErrFileTooBig,
// whether the server announces the length or not, and a file of exactly
// the limit is read whole.
func TestDownloadStreamsWithinItsLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := strings.Repeat("x", 30)
		if r.URL.Path == "/file/botsecret/chunked" {
			w.Write([]byte(body[:10])) // no Content-Length: chunked
			w.(http.Flusher).Flush()
			w.Write([]byte(body[10:]))
			return
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	c := &client{token: "secret", fileEndpoint: srv.URL + "/file/bot%s/%s", http: srv.Client()}
	ctx := context.Background()
	if _, _, err := c.open(ctx, "announced", 20); !errors.Is(err, flows.ErrFileTooBig) {
		t.Fatalf("announced over the limit: %v", err)
	}
	body, _, err := c.open(ctx, "chunked", 20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(body); !errors.Is(err, flows.ErrFileTooBig) {
		t.Fatalf("streamed over the limit: %v", err)
	}
	body.Close()
	body, size, err := c.open(ctx, "announced", 30)
	if err != nil || size != 30 {
		t.Fatalf("at the limit: %d %v", size, err)
	}
	if b, err := io.ReadAll(body); err != nil || len(b) != 30 {
		t.Fatalf("read %d bytes, %v", len(b), err)
	}
	body.Close()
}
