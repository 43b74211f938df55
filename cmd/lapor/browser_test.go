package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds a headless browser; .ci/run installs Debian's chromium.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on a CI machine: .ci/run must install it")
	}
	t.Skip("no chromium installed (apt-get install chromium)")
	return ""
}

// artifactDir is where browser tests leave their screenshots.
func artifactDir(t *testing.T, name string) string {
	base := os.Getenv("LAPOR_TEST_ARTIFACTS")
	if base == "" {
		base = filepath.Join("..", "..", "artifacts")
	}
	dir := filepath.Join(base, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A citizen files a complaint with a photo in a real browser, by keyboard
// and clicks, and sees the tracking number.
func TestBrowserCitizenFilesAComplaint(t *testing.T) {
	bin := chromium(t)
	env := webEnv(t, pg.NewDatabase(t))
	startInProcess(t, env)
	shots := artifactDir(t, "webchat-citizen")
	photo := filepath.Join(t.TempDir(), "jalan.jpg")
	if err := os.WriteFile(photo, jpegWithGPS(t), 0o644); err != nil {
		t.Fatal(err)
	}

	// Chromium's helper processes may still write to the profile for a
	// moment after the browser is gone, so the profile is not a t.TempDir
	// (whose removal would then fail the test); it is removed best-effort.
	profile, err := os.MkdirTemp("", "lapor-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile), chromedp.WindowSize(420, 860))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelT()

	step := 0
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			step++
			var png []byte
			if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, strings.ReplaceAll(
				time.Now().Format("150405")+"-"+itoa2(step)+"-"+name+".png", " ", "-")), png, 0o644)
		})
	}
	botSays := func(want string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			return chromedp.Poll(`[...document.querySelectorAll('.msg.bot')].some(m => m.textContent.includes(`+jsString(want)+`))`, nil,
				chromedp.WithPollingTimeout(20*time.Second)).Do(ctx)
		})
	}
	choose := func(label string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			js := `(() => { const b = [...document.querySelectorAll('button.choice')].filter(b => !b.disabled && b.textContent.trim() === ` +
				jsString(label) + `).pop(); if (!b) return false; b.click(); return true; })()`
			return chromedp.Poll(js, nil, chromedp.WithPollingTimeout(20*time.Second)).Do(ctx)
		})
	}
	typeText := func(s string) chromedp.Action {
		return chromedp.Tasks{chromedp.WaitVisible("#text", chromedp.ByQuery), chromedp.SendKeys("#text", s, chromedp.ByQuery),
			chromedp.Click("#send", chromedp.ByQuery)}
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate("http://"+env["LAPOR_HTTP_ADDR"]+"/"),
		typeText("/start"), botSays("Selamat datang"), shot("welcome"),
		choose("📝 Buat laporan"), botSays("Jenis laporan"),
		choose("Pengaduan"), botSays("Uraian"),
		typeText("Lampu jalan di depan Puskesmas Plaosan mati sejak dua minggu, jalan gelap sekali."), botSays("Dicatat"),
		choose("Lanjut ➡️"), botSays("Kapan"), shot("when"),
		choose("Kemarin"), botSays("Di mana"),
		typeText("Jl. Raya Plaosan"), botSays("paling dekat"),
		choose("✅ Plaosan"), botSays("Bukti"),
		chromedp.SetUploadFiles("#file", []string{photo}, chromedp.ByQuery), botSays("Bukti ke-1 diterima"), shot("evidence"),
		choose("Selesai ✅"), botSays("Sembunyikan"),
		choose("Tidak"), botSays("Rahasiakan"),
		choose("Ya"), botSays("Ringkasan"), shot("summary"),
		choose("📨 Kirim"), botSays("Nomor laporan"), shot("submitted"),
		chromedp.Reload(), botSays("Nomor laporan"), shot("after-reload"),
	)
	if err != nil {
		var page string
		dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
		_ = chromedp.Run(dctx, chromedp.Evaluate(`document.body ? document.body.innerText : "(no body)"`, &page))
		dcancel()
		t.Fatalf("browser transcript: %v (screenshots in %s)\npage:\n%s", err, shots, page)
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`)
	return "`" + r.Replace(s) + "`"
}

func itoa2(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}
