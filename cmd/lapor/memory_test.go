package main

// Memory of the whole service, measured as the kernel sees it: the peak
// resident set (VmHWM) of a lapor binary built for the test and run as a
// child process, so that neither the race detector nor this test's own
// allocations count. buildLapor, serveProcess and peakRSS serve any such
// measurement.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows/media"
	"github.com/lapor-id/lapor/flows/media/mediatest"
)

// buildLapor builds the lapor binary (without the race detector, as it is
// shipped) into the test's temporary folder and returns its path.
func buildLapor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lapor")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveAddressSpace caps the child's virtual memory. lapor needs far less;
// a regression that lets a decode allocate gigabytes then ends the child
// with "out of memory" (and fails the test) instead of exhausting the
// shared machine's memory.
const serveAddressSpace = 4 << 30

// serveProcess runs `lapor serve` from bin as a child process with env
// added to this process's environment, until the test ends, and returns
// once it is ready (/readyz answers 200). Its log goes to the test's.
func serveProcess(t *testing.T, bin string, env map[string]string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", fmt.Sprintf(`ulimit -v %d && exec "$0" serve`, serveAddressSpace>>10), bin)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = testWriter{t}, testWriter{t}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	for deadline := time.Now().Add(60 * time.Second); !hreadyOK(env["LAPOR_HTTP_ADDR"]); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("lapor serve exited before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("lapor serve was not ready within 60 s")
		}
	}
	return cmd
}

// peakRSS is the peak resident set of process pid so far, in bytes (VmHWM
// of /proc/<pid>/status).
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// has reports whether any message the browser got so far satisfies ok.
func (b *browser) has(ok func(webMsg) bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.got {
		if ok(m) {
			return true
		}
	}
	return false
}

// waitLong waits up to 90 s for cond.
func waitLong(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 90 s for %s", what)
		}
	}
}

// largestPassingPNG is the tallest 16-bit RGBA PNG of the given width
// whose thumbnail the decode gate admits: 8 bytes a pixel decoded, the
// most of any JPEG or PNG per byte of file.
func largestPassingPNG(t *testing.T, w int) ([]byte, int) {
	t.Helper()
	o := mediatest.PNGOptions{ColorType: mediatest.RGBA, Depth: 16}
	lo, hi := 1, media.MaxImageBytes/(8*w)+1 // lo passes, hi does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		n, err := media.ThumbnailBytes(mediatest.PNG(w, mid, o), 480)
		if err != nil {
			t.Fatal(err)
		}
		if n <= media.MaxImageBytes {
			lo = mid
		} else {
			hi = mid
		}
	}
	return mediatest.PNG(w, lo, o), lo
}

// Acceptance (issue 13): the server's peak RSS stays under 300 MB while an
// officer prints a report carrying the largest image bombs that fit the
// upload limit (20 MB). The worst that pass the decode gate are what
// cost memory: a 16-bit PNG whose decode and thumbnail take just under
// the per-image limit, padded to exactly 20 MiB, and a progressive 4:4:4
// JPEG just under it too; beside them a 30000×30000 16-bit PNG that the
// gate refuses. The officer prints as soon as the card reaches the
// desk's web room, while the dispatcher cleans the same images for it.
func TestPrintBombPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lapor and decodes images of 128 MiB")
	}
	t.Parallel()
	bin := buildLapor(t)
	env := webEnv(t, pg.NewDatabase(t))
	if d := os.Getenv("LAPOR_CHILD_GODEBUG"); d != "" {
		env["GODEBUG"] = d // e.g. gctrace=1: the child's collections, in the test's log
	}
	srv := serveProcess(t, bin, env)
	pid := srv.Process.Pid

	const limit = 20 << 20 // LAPOR_MAX_FILE_MB's default
	png16, h := largestPassingPNG(t, 4000)
	png16 = mediatest.PadPNG(png16, limit)
	jpg := mediatest.JPEG(2000, 2000, mediatest.JPEGOptions{Layout: mediatest.YCbCr44, Progressive: true})
	for n, side := int64(0), 2000; ; side += 8 {
		next := mediatest.JPEG(side, side, mediatest.JPEGOptions{Layout: mediatest.YCbCr44, Progressive: true})
		if n, _ = media.ThumbnailBytes(next, 480); n > media.MaxImageBytes {
			break
		}
		jpg = next
	}
	files := []struct {
		name, mime string
		data       []byte
	}{{"besar16.png", "image/png", png16}, {"progresif.jpg", "image/jpeg", jpg}, {"bom16.png", "image/png", bombPNG16}}
	for _, f := range files {
		if len(f.data) > limit {
			t.Fatalf("%s is %d bytes, over the limit", f.name, len(f.data))
		}
	}
	t.Logf("files: %s (4000×%d, %d bytes), %s (%d bytes), %s (%d bytes)", files[0].name, h, len(png16),
		files[1].name, len(jpg), files[2].name, len(bombPNG16))

	super := officer(t, env, "--desk", "super_admin", "--name", "Sari")
	idle := peakRSS(t, pid)

	cz := newBrowser(t, env["LAPOR_HTTP_ADDR"], nil)
	cz.say("/start", "Selamat datang")
	cz.press("menu:new", "Jenis laporan")
	cz.press("type:pengaduan", "Uraian")
	cz.say("Jalan desa berlubang besar; foto terlampir dari kamera lama.", "Dicatat")
	cz.press("what:next", "Kapan")
	cz.press("when:today", "Di mana")
	cz.say("Jl. Pahlawan, Magetan", "pilih kecamatan lain")
	cz.press("kec:35.20.06", "Bukti")
	for i, f := range files {
		if code, body := uploadAs(t, cz, f.name, f.mime, f.data); code != 202 {
			t.Fatalf("upload %s: %d %s", f.name, code, body)
		}
		cz.expect(fmt.Sprintf("Bukti ke-%d diterima", i+1))
	}
	cz.press("ev:done", "Sembunyikan")
	cz.press("anon:no", "nama Anda")
	cz.say("Warga Uji", "telepon atau alamat e-mail")
	cz.press("contact:skip", "Rahasiakan")
	cz.press("conf:no", "Ringkasan")
	id := anyTrackingID.FindString(cz.press("sum:send", "Nomor laporan").Text)
	if id == "" {
		t.Fatal("no tracking number")
	}
	afterUpload := peakRSS(t, pid)

	// The decodes take seconds, more on a busy machine: wait longer than
	// a chat reply's ten seconds.
	waitLong(t, "the card in the desk's room", func() bool { return super.has(func(m webMsg) bool { return strings.Contains(m.Text, id) }) })
	if code, body := super.post("/api/messages", map[string]string{"text": "/cetak " + id}); code != 202 {
		t.Fatalf("/cetak: %d %s", code, body)
	}
	var printed webMsg
	waitLong(t, "the printout", func() bool {
		return super.has(func(m webMsg) bool {
			if m.From == "bot" && strings.Contains(m.Text, "Lembar laporan") && m.Attachment != nil && m.Attachment.URL != "" {
				printed = m
				return true
			}
			return false
		})
	})
	status, pdf := super.get(printed.Attachment.URL)
	if status != 200 {
		t.Fatalf("GET the printout: %d", status)
	}
	text, _ := pdfText(t, pdf)
	if oneLine := strings.Join(strings.Fields(text), " "); !strings.Contains(oneLine, "bom16.png: gambar "+tooLargeToPrint) ||
		strings.Contains(oneLine, "besar16.png: gambar") || strings.Contains(oneLine, "progresif.jpg: gambar") {
		t.Errorf("the printout does not show what passed and what did not:\n%s", text)
	}
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n != 2 {
		t.Errorf("the printout holds %d pictures, want the 2 that pass the gate", n)
	}
	// The desk's room gets both images that pass and the note for the
	// bomb: the dispatcher decoded them too.
	waitLong(t, "both images and the bomb's note in the desk's room", func() bool {
		images, notes := 0, 0
		super.has(func(m webMsg) bool {
			if m.Attachment != nil && m.Attachment.URL != "" && m.Attachment.URL != printed.Attachment.URL {
				images++
			}
			if strings.Contains(m.Text, "gambar tidak ditampilkan: ukurannya terlalu besar") {
				notes++
			}
			return false
		})
		return images == 2 && notes == 1
	})

	peak := peakRSS(t, pid)
	t.Logf("lapor serve peak RSS: %.1f MB when ready (officer signed in), %.1f MB after the uploads, %.1f MB after the print and the desk's copies",
		float64(idle)/1e6, float64(afterUpload)/1e6, float64(peak)/1e6)
	if peak >= 300e6 {
		t.Errorf("peak RSS %.1f MB, want under 300 MB", float64(peak)/1e6)
	}
}
