package flows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// recordingFiles is a platform whose files are streams (or, with stored,
// blobs kept on receipt like the web chat's), and which records the files
// the conversation discarded.
type recordingFiles struct {
	streams   map[string]func() io.Reader
	stored    map[string]int64
	discarded []string
}

func (r *recordingFiles) Fetch(_ context.Context, in flows.Inbound) (flows.Fetched, error) {
	if id, ok := r.stored[in.File.ID]; ok {
		return flows.Fetched{Blob: id}, nil
	}
	s, ok := r.streams[in.File.ID]
	if !ok {
		return flows.Fetched{}, errors.New("no such file")
	}
	return flows.Fetched{Body: io.NopCloser(s())}, nil
}

// Discard deletes a stored file like the web chat does, in the handling's
// transaction.
func (r *recordingFiles) Discard(ctx context.Context, tx *store.Tx, in flows.Inbound) error {
	r.discarded = append(r.discarded, in.File.ID)
	if id, ok := r.stored[in.File.ID]; ok {
		_, err := tx.DeleteBlob(ctx, id)
		return err
	}
	return nil
}

func (h *harness) blobs() int64 {
	h.t.Helper()
	n, _, err := h.db.BlobCount(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// brokenStream gives n bytes, then fails like a dropped connection.
type brokenStream struct{ n int }

func (b *brokenStream) Read(p []byte) (int, error) {
	if b.n == 0 {
		return 0, errors.New("connection reset by peer")
	}
	k := min(len(p), b.n)
	for i := range p[:k] {
		p[i] = 'x'
	}
	b.n -= k
	return k, nil
}

// A file the conversation does not keep leaves no bytes stored: refused by
// its first bytes, found too big while it streams, failing midway, or
// beyond the limit of files; the platform is told to discard it. A kept
// file is stored once, also when it is sent before any report was begun
// (flows/firstfile.go).
func TestRefusedFilesLeaveNoBytes(t *testing.T) {
	h := newHarness(t)
	max := int(flows.DefaultConfig().MaxFileBytes)
	f := &recordingFiles{streams: map[string]func() io.Reader{
		"elf": func() io.Reader {
			return bytes.NewReader(append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 1<<20)...))
		},
		"big":    func() io.Reader { return strings.NewReader("%PDF-1.4\n" + strings.Repeat("x", max)) },
		"broken": func() io.Reader { return &brokenStream{n: 600 << 10} },
		"photo":  func() io.Reader { return bytes.NewReader(append([]byte("\xff\xd8\xff\xe0"), make([]byte, 300<<10)...)) },
	}}
	h.fetch = f
	photo := func(id, name string) flows.Inbound {
		return flows.Inbound{Kind: flows.KindDocument, File: &flows.FileRef{ID: id, Name: name}}
	}
	h.intakeToEvidence("100")
	expect(t, h.send("100", photo("elf", "foto.jpg")), "Linux program")
	// No size said beforehand: the stream is cut at the limit.
	expect(t, h.send("100", photo("big", "surat.pdf")), "terlalu besar")
	got := h.send("100", photo("broken", "video.mp4"))
	for i := 0; i < 5 && len(got) == 0; i++ {
		h.now = h.now.Add(time.Minute)
		got = h.handle("100")
	}
	expect(t, got, "gagal kami terima")
	if n := h.blobs(); n != 0 {
		t.Fatalf("%d blobs stored for refused files", n)
	}
	if want := []string{"elf", "big", "broken"}; strings.Join(f.discarded, " ") != strings.Join(want, " ") {
		t.Fatalf("discarded %q, want %q", f.discarded, want)
	}
	expect(t, h.send("100", photo("photo", "pagi.jpg")), "Bukti ke-1 diterima")
	if n := h.blobs(); n != 1 {
		t.Fatalf("%d blobs for one kept file", n)
	}
	if len(f.discarded) != 3 {
		t.Fatalf("a kept file was discarded: %q", f.discarded)
	}
	expect(t, h.send("101", photo("photo", "pagi.jpg")), "sudah kami terima", "laporan baru")
	if n := h.blobs(); n != 2 {
		t.Fatalf("%d blobs after a file kept before any report, want 2", n)
	}
	if len(f.discarded) != 3 {
		t.Fatalf("a file kept before any report was discarded: %q", f.discarded)
	}
}

// A file the platform stored on receipt (the web chat's uploads) is
// referred to by the attachment, not copied; refused, it is discarded in
// the handling's transaction. Beyond the limit of files, nothing is
// fetched and the file is discarded.
func TestStoredFilesAreReferredToNotCopied(t *testing.T) {
	h := newHarness(t)
	write := func(b []byte) int64 {
		blob, err := h.db.WriteBlob(h.ctx, bytes.NewReader(b), -1)
		if err != nil {
			t.Fatal(err)
		}
		return blob.ID
	}
	jpeg := append([]byte("\xff\xd8\xff\xe0"), make([]byte, 1000)...)
	f := &recordingFiles{stored: map[string]int64{
		"kept": write(jpeg), "elf": write([]byte("\x7fELF\x02\x01\x01\x00")),
	}}
	h.fetch = f
	h.intakeToEvidence("100")
	expect(t, h.send("100", flows.Inbound{Kind: flows.KindPhoto, File: &flows.FileRef{ID: "kept", Name: "a.jpg", MIME: "image/jpeg"}}),
		"Bukti ke-1 diterima")
	expect(t, h.send("100", flows.Inbound{Kind: flows.KindDocument, File: &flows.FileRef{ID: "elf", Name: "b.jpg"}}), "Linux program")
	if n := h.blobs(); n != 1 {
		t.Fatalf("%d blobs; want only the kept upload's, not copied", n)
	}
	var blobOfAttachment int64
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		conv, err := tx.LoadConversation(h.ctx, "test", "100")
		if err != nil {
			return err
		}
		var d struct{ Attachments []struct{ ID int64 } }
		if err := json.Unmarshal(conv.Draft, &d); err != nil || len(d.Attachments) != 1 {
			t.Fatalf("draft attachments %+v, %v", d.Attachments, err)
		}
		a, err := h.db.Attachment(h.ctx, d.Attachments[0].ID)
		blobOfAttachment = a.BlobID
		return err
	})
	if err != nil || blobOfAttachment != f.stored["kept"] {
		t.Fatalf("the attachment's blob is %d, want the upload's %d (%v)", blobOfAttachment, f.stored["kept"], err)
	}
	// In a group, a file that is not evidence stays part of the group's
	// history (a desk's web room shows what its officers share).
	f.stored["chatter"] = write([]byte("%PDF-1.7 rapat"))
	h.post("-500", flows.Inbound{Kind: flows.KindDocument, IsGroup: true, ChatTitle: "Grup warga",
		File: &flows.FileRef{ID: "chatter", Name: "rapat.pdf"}})
	if strings.Join(f.discarded, " ") != "elf" {
		t.Fatalf("discarded %q", f.discarded)
	}
}

// A caption on evidence counts against the description's limit like any
// text (Telegram's, WhatsApp's and the web chat's alike): one that does not
// fit is not stored, the file is, and the citizen is told.
func TestCaptionOverTheDescriptionLimit(t *testing.T) {
	h := newHarness(t)
	h.files["photo-1"] = []byte("\xff\xd8\xff\xe0 jpeg")
	h.send("100", cmd("start", ""))
	h.send("100", press("menu:new"))
	h.send("100", press("type:pengaduan"))
	max := flows.DefaultConfig().MaxDescription
	for i := 0; i < 2; i++ {
		expect(t, h.send("100", text(strings.Repeat("Jalan rusak parah. ", (max/2-100)/19))), "Dicatat")
	}
	caption := strings.Repeat("Lubang besar. ", 200) // 2,800 characters: over the limit together
	got := h.send("100", flows.Inbound{Kind: flows.KindPhoto, Text: caption,
		File: &flows.FileRef{ID: "photo-1", Name: "lubang.jpg", MIME: "image/jpeg"}})
	expect(t, got, "keterangan berkas tidak ditambahkan", "Bukti ke-1 diterima")
	expect(t, h.send("100", press("what:next")), "Kapan")
	err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		conv, err := tx.LoadConversation(h.ctx, "test", "100")
		if err != nil {
			return err
		}
		if strings.Contains(string(conv.Draft), "Lubang besar") {
			t.Error("the caption that did not fit was stored in the draft")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
