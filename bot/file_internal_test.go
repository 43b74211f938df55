package bot

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func memFile(mem *FileMemory, data string) *File {
	return &File{Size: int64(len(data)), mem: mem,
		open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil }}
}

// Whole files in memory stay within the process's budget: a send that
// needs a file whole waits while others hold the room, and goes on when
// they release it; a file bigger than the whole budget waits for all of
// it. Streams need no room.
func TestWholeFilesWaitForTheMemoryBudget(t *testing.T) {
	ctx := context.Background()
	mem := NewFileMemory(10)
	a, b := memFile(mem, "12345678"), memFile(mem, "abcdefgh")
	if data, err := a.Bytes(ctx); err != nil || string(data) != "12345678" {
		t.Fatalf("%q %v", data, err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := b.Bytes(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second file over the budget: %v, want a wait", err)
	}
	if r, err := b.Open(ctx); err != nil {
		t.Fatal(err)
	} else if s, _ := io.ReadAll(r); string(s) != "abcdefgh" {
		t.Fatalf("streamed %q", s)
	}
	a.release()
	a.release() // once only
	if data, err := b.Bytes(ctx); err != nil || string(data) != "abcdefgh" {
		t.Fatalf("after the first was released: %q %v", data, err)
	}
	big := memFile(mem, strings.Repeat("x", 100))
	short2, cancel2 := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel2()
	if _, err := big.Bytes(short2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a file bigger than the budget did not wait for all of it: %v", err)
	}
	b.release()
	if data, err := big.Bytes(ctx); err != nil || len(data) != 100 {
		t.Fatalf("the big file alone: %d bytes, %v", len(data), err)
	}
	big.release()
	if !mem.sem.TryAcquire(10) {
		t.Fatal("the budget was not all given back")
	}
}
