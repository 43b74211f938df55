package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The memory a file upload costs is measured on the real binary, as a child
// process, by its peak resident set (VmHWM): the test binary may run with
// the race detector, and a process shares its heap with nobody.

// laporBinary builds cmd/lapor into the test's temporary folder.
func laporBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build lapor: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "lapor")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs the built lapor serve with env as a child process and
// waits until it answers /healthz.
func startBinary(t *testing.T, env map[string]string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(laporBinary(t), "serve")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = testWriter{t}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	if err := eventually(func() bool {
		resp, err := http.Get("http://" + env["LAPOR_HTTP_ADDR"] + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, "lapor serve did not answer /healthz"); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// childPeakRSS is a process's peak resident set in MiB (VmHWM).
func childPeakRSS(t *testing.T, pid int) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb / 1024
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// fromAddress makes a browser's messages come from its own loopback
// address, so eight citizens on one machine are not one address's rate.
func fromAddress(b *browser, ip string) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	b.client.Transport = &http.Transport{DialContext: d.DialContext}
	b.client.Timeout = 5 * time.Minute
}

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
	child := startBinary(t, env)
	idle := childPeakRSS(t, child.Process.Pid)
	super := officer(t, env, "--desk", "super_admin", "--name", "Sari")

	files := make([][]byte, citizens)
	var browsers []*browser
	for i := range citizens {
		files[i] = append([]byte("%PDF-1.7\n"), make([]byte, size-9)...)
		rand.Read(files[i][9:]) // incompressible, like real evidence
		b := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
		fromAddress(b, fmt.Sprintf("127.0.0.%d", 10+i))
		b.say("/start", "Selamat datang")
		b.press("menu:new", "Jenis laporan")
		b.press("type:pengaduan", "Uraian")
		b.say(fmt.Sprintf("Warga %d: saluran air di Jl. Pahlawan tersumbat sampah, air meluap ke jalan setiap hujan.", i), "Dicatat")
		b.press("what:next", "Kapan")
		b.press("when:today", "Di mana")
		b.say("Jl. Pahlawan, Magetan", "paling dekat")
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
		b.press("anon:no", "Rahasiakan")
		b.press("conf:no", "Ringkasan")
		b.press("sum:send", "Nomor laporan")
	}
	// Every file reaches the super admin's room, whole.
	var urls []string
	if err := eventuallyWithin(3*time.Minute, func() bool {
		super.mu.Lock()
		defer super.mu.Unlock()
		urls = urls[:0]
		for _, m := range super.got {
			if m.Attachment != nil && m.Attachment.URL != "" {
				urls = append(urls, m.Attachment.URL)
			}
		}
		return len(urls) == citizens
	}); err != nil {
		t.Fatalf("the super admin's room shows %d of %d files", len(urls), citizens)
	}
	fromAddress(super, "127.0.0.9")
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
	peak := childPeakRSS(t, child.Process.Pid)
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

// eventuallyWithin is eventually with a longer wait.
func eventuallyWithin(d time.Duration, ok func() bool) error {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return nil
		}
	}
	return fmt.Errorf("not within %s", d)
}
