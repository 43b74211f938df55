package main

// The memory file uploads cost, measured on the built lapor (buildLapor,
// serveProcess and peakRSS of memory_test.go).

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// postFile uploads data as name without failing the test, so uploads can
// run at once.
func postFile(b *browser, name string, data []byte) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", name)
		if err == nil {
			_, err = part.Write(data)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", b.base+"/api/upload", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.csrf)
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 202 {
		return fmt.Errorf("upload %s: %d %s", name, resp.StatusCode, out)
	}
	return nil
}

// Eight citizens upload a 19 MB file each at once, as evidence of a
// report, with the default 20 MB limit; the workers take the files as
// evidence, the reports are filed, and the dispatcher shows each file in
// the super admin's web room. The server's peak resident set stays under
// 300 MB. (Before files streamed, each upload cost about 63 MB.)
//
//	go test -run TestUploadMemory -v ./cmd/lapor
func TestUploadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary with 150 MB of uploads")
	}
	const citizens, size, limitMB = 8, 19 << 20, 300
	env := webEnv(t, pg.NewDatabase(t))
	env["LAPOR_LOG_LEVEL"] = "warn"
	child := serveProcess(t, buildLapor(t), env)
	idle := float64(peakRSS(t, child.Process.Pid)) / (1 << 20)
	super := officer(t, env, "--desk", "super_admin", "--name", "Sari")

	files := make([][]byte, citizens)
	var browsers []*browser
	for i := range citizens {
		files[i] = append([]byte("%PDF-1.7\n"), make([]byte, size-9)...)
		rand.Read(files[i][9:]) // incompressible, like real evidence
		// Each citizen from an address of its own, so eight on one machine
		// are not one address's rate; uploads of 19 MB get minutes.
		client := clientFrom(fmt.Sprintf("127.0.3.%d", 10+i))
		client.Timeout = 5 * time.Minute
		b := newBrowserWith(t, "http://"+env["LAPOR_HTTP_ADDR"], client)
		b.say("/start", "Selamat datang")
		b.press("menu:new", "Jenis laporan")
		b.press("type:pengaduan", "Uraian")
		b.say(fmt.Sprintf("Warga %d: saluran air di Jl. Pahlawan tersumbat sampah, air meluap ke jalan setiap hujan.", i), "Dicatat")
		b.press("what:next", "Kapan")
		b.press("when:today", "Di mana")
		b.say("Jl. Pahlawan, Magetan", "pilih kecamatan lain")
		b.press("kec:35.20.06", "Bukti")
		browsers = append(browsers, b)
	}
	start := time.Now()
	errs := make(chan error, citizens)
	for i, b := range browsers {
		go func() { errs <- postFile(b, fmt.Sprintf("bukti-%d.pdf", i), files[i]) }()
	}
	for range citizens {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	uploaded := time.Since(start)
	for _, b := range browsers {
		b.expect("Bukti ke-1 diterima")
		b.press("ev:done", "Sembunyikan")
		b.press("anon:no", "nama Anda")
		b.say("Warga Uji", "telepon atau alamat e-mail")
		b.press("contact:skip", "Rahasiakan")
		b.press("conf:no", "Ringkasan")
		b.press("sum:send", "Nomor laporan")
	}
	// Every file reaches the super admin's room, whole.
	var urls []string
	waitLong(t, "every file in the super admin's room", func() bool {
		super.mu.Lock()
		defer super.mu.Unlock()
		urls = urls[:0]
		for _, m := range super.got {
			if m.Attachment != nil && m.Attachment.URL != "" {
				urls = append(urls, m.Attachment.URL)
			}
		}
		return len(urls) == citizens
	})
	status, body := super.get(urls[0])
	if status != 200 || len(body) != size || !func() bool {
		for _, f := range files {
			if bytes.Equal(f, body) {
				return true
			}
		}
		return false
	}() {
		t.Fatalf("the room's file: status %d, %d bytes that are no citizen's", status, len(body))
	}
	peak := float64(peakRSS(t, child.Process.Pid)) / (1 << 20)
	t.Logf("peak RSS of lapor serve: %.0f MB (%.0f MB idle) with %d uploads of %d MB at once (sent in %s), taken as evidence and shown in a web room",
		peak, idle, citizens, size>>20, uploaded.Round(time.Millisecond))
	if peak >= limitMB {
		t.Errorf("peak RSS %.0f MB, want under %d MB", peak, limitMB)
	}
	roomFilesShareBlobs(t, env["LAPOR_DATABASE_URL"], citizens)
}

// roomFilesShareBlobs checks that the files shown in the desk's room are
// the citizens' uploads, stored once: each of the files' bytes is one blob,
// referred to by the citizen's chat, the attachment and the room.
func roomFilesShareBlobs(t *testing.T, url string, citizens int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var blobs, shared int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE
			(SELECT count(*) FROM webchat_files f WHERE f.blob_id = b.id) = 2
			AND EXISTS (SELECT 1 FROM attachments a WHERE a.blob_id = b.id))
		FROM blobs b WHERE b.size_bytes > 1 << 20`).Scan(&blobs, &shared); err != nil {
		t.Fatal(err)
	}
	if blobs != citizens || shared != citizens {
		t.Fatalf("the %d files are stored as %d blobs, %d of them shared by upload, attachment and room", citizens, blobs, shared)
	}
}
