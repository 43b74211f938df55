package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
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

// headless starts one headless Chromium for a test and returns its
// allocator context; each person of the test opens a page in their own
// browser context (cookies are not shared).
func headless(t *testing.T, timeout time.Duration) context.Context {
	bin := chromium(t)
	// Chromium's helper processes may still write to the profile for a
	// moment after the browser is gone, so the profile is not a t.TempDir
	// (whose removal would then fail the test); it is removed best-effort.
	profile, err := os.MkdirTemp("", "lapor-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile), chromedp.WindowSize(420, 860))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelT := context.WithTimeout(actx, timeout)
	// The browser itself starts with the first context.
	bctx, cancelB := chromedp.NewContext(ctx)
	if err := chromedp.Run(bctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelB()
		cancelT()
		cancelA()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	return bctx
}

// page is one person's browser window in a browser test.
type page struct {
	t     *testing.T
	ctx   context.Context
	who   string
	shots string
	step  *int // shared by the test's pages, so screenshots sort in order
}

func newPage(t *testing.T, browser context.Context, who, shots string, step *int) *page {
	// chromedp's WithNewBrowserContext opens its tab without a window,
	// which headless Chromium 156 refuses ("no browser is open"); the
	// context and a windowed target are therefore made here.
	exec := cdp.WithExecutor(browser, chromedp.FromContext(browser).Browser)
	bc, err := target.CreateBrowserContext().Do(exec)
	if err != nil {
		t.Fatalf("%s: browser context: %v", who, err)
	}
	tid, err := target.CreateTarget("about:blank").WithBrowserContextID(bc).WithNewWindow(true).Do(exec)
	if err != nil {
		t.Fatalf("%s: window: %v", who, err)
	}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithTargetID(tid))
	t.Cleanup(func() {
		cancel()
		_ = target.DisposeBrowserContext(bc).Do(exec)
	})
	return &page{t: t, ctx: ctx, who: who, shots: shots, step: step}
}

// do runs actions, failing the test with the page's text when one fails.
func (p *page) do(actions ...chromedp.Action) {
	p.t.Helper()
	if err := chromedp.Run(p.ctx, actions...); err != nil {
		var text string
		dctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		_ = chromedp.Run(dctx, chromedp.Evaluate(`document.body ? document.body.innerText : "(no body)"`, &text))
		cancel()
		p.t.Fatalf("%s: %v (screenshots in %s)\npage:\n%s", p.who, err, p.shots, text)
	}
}

// shot saves a screenshot named after the step.
func (p *page) shot(name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		*p.step++
		var png []byte
		if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
			return err
		}
		file := fmt.Sprintf("%02d-%s-%s.png", *p.step, p.who, strings.ReplaceAll(name, " ", "-"))
		return os.WriteFile(filepath.Join(p.shots, file), png, 0o644)
	})
}

// botSays waits for a bot message containing want.
func botSays(want string) chromedp.Action {
	return chromedp.Poll(`[...document.querySelectorAll('.msg.bot')].some(m => m.textContent.includes(`+jsString(want)+`))`, nil,
		chromedp.WithPollingTimeout(20*time.Second))
}

// choose clicks the newest enabled button whose label starts with label.
func choose(label string) chromedp.Action {
	js := `(() => { const b = [...document.querySelectorAll('button.choice')].filter(b => !b.disabled && b.textContent.trim().startsWith(` +
		jsString(label) + `)).pop(); if (!b) return false; b.click(); return true; })()`
	return chromedp.Poll(js, nil, chromedp.WithPollingTimeout(20*time.Second))
}

// typeText types into the composer and sends.
func typeText(s string) chromedp.Action {
	return chromedp.Tasks{chromedp.WaitVisible("#text", chromedp.ByQuery), chromedp.SendKeys("#text", s, chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery)}
}

// fileComplaint is the citizen's whole intake, by keyboard and clicks.
func (p *page) fileComplaint(url, photo string) string {
	p.do(
		chromedp.Navigate(url),
		typeText("/start"), botSays("Selamat datang"), p.shot("welcome"),
		choose("📝 Buat laporan"), botSays("Jenis laporan"),
		choose("Pengaduan"), botSays("Uraian"),
		typeText("Saluran tersumbat sampah di Jl. Raya Plaosan dekat pasar, air meluap ke jalan setiap hujan."), botSays("Dicatat"),
		choose("Lanjut ➡️"), botSays("Kapan"), p.shot("when"),
		choose("Kemarin"), botSays("Di mana"),
		typeText("Jl. Raya Plaosan"), botSays("pilih kecamatan lain"),
		choose("✅ Plaosan"), botSays("Bukti"),
		chromedp.SetUploadFiles("#file", []string{photo}, chromedp.ByQuery), botSays("Bukti ke-1 diterima"), p.shot("evidence"),
		choose("Selesai ✅"), botSays("Sembunyikan"),
		choose("Tidak"), botSays("nama Anda"),
		typeText("Siti Aminah"), botSays("telepon atau alamat e-mail"), p.shot("contact"),
		choose("Lewati"), botSays("Rahasiakan"),
		choose("Ya"), botSays("Judul: Saluran tersumbat sampah"), p.shot("summary"),
		choose("📨 Kirim"), botSays("Nomor laporan"), p.shot("submitted"),
	)
	var text string
	p.do(chromedp.Evaluate(`[...document.querySelectorAll('.msg.bot')].map(m => m.textContent).join('\n')`, &text))
	id := anyTrackingID.FindString(text[strings.LastIndex(text, "Nomor laporan"):])
	if id == "" {
		p.t.Fatalf("no tracking number on the page:\n%s", text)
	}
	return id
}

// startForBrowser starts lapor and waits until it serves the chat page.
func startForBrowser(t *testing.T) map[string]string {
	env := webEnv(t, pg.NewDatabase(t))
	startInProcess(t, env)
	if err := eventually(func() bool {
		resp, err := http.Get("http://" + env["LAPOR_HTTP_ADDR"] + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, "lapor is not ready"); err != nil {
		t.Fatal(err)
	}
	return env
}

func photoFile(t *testing.T) string {
	photo := filepath.Join(t.TempDir(), "saluran.jpg")
	if err := os.WriteFile(photo, jpegWithGPS(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return photo
}

// A citizen files a complaint with a photo in a real browser, by keyboard
// and clicks, sees the tracking number, and still sees it after a reload.
func TestBrowserCitizenFilesAComplaint(t *testing.T) {
	browser := headless(t, 2*time.Minute)
	env := startForBrowser(t)
	step := 0
	cz := newPage(t, browser, "citizen", artifactDir(t, "webchat-citizen"), &step)
	id := cz.fileComplaint("http://"+env["LAPOR_HTTP_ADDR"]+"/", photoFile(t))
	cz.do(chromedp.Reload(), botSays(id), cz.shot("after reload"))
}

// The whole SOP in one browser: the citizen files a complaint with a
// photo; the super admin verifies it in their room, the regency admin
// forwards it to the agency, the agency's officer answers, the regency
// admin approves the answer; the citizen sees it and accepts it. Each step
// leaves a screenshot in artifacts/webchat-sop.
func TestBrowserWholeSOP(t *testing.T) {
	browser := headless(t, 4*time.Minute)
	env := startForBrowser(t)
	base := "http://" + env["LAPOR_HTTP_ADDR"]
	shots := artifactDir(t, "webchat-sop")
	step := 0
	open := func(who string, args ...string) *page {
		p := newPage(t, browser, who, shots, &step)
		p.do(chromedp.Navigate(base+"/?masuk="+roomCode(t, env, args...)),
			chromedp.WaitVisible("#room", chromedp.ByQuery),
			chromedp.Poll(`location.search === ""`, nil, chromedp.WithPollingTimeout(5*time.Second)),
			p.shot("room"))
		return p
	}
	super := open("super-admin", "--desk", "super_admin", "--name", "Sari")
	regency := open("regency-admin", "--desk", "regency_admin", "--name", "Budi")
	pupr := open("dpupr", "--desk", "agency", "--agency", "pupr", "--name", "Rina")

	citizen := newPage(t, browser, "citizen", shots, &step)
	id := citizen.fileComplaint(base+"/", photoFile(t))

	super.do(botSays(id), super.shot("card"), choose("✅ Verifikasi"), botSays("✅ "+id), super.shot("verified"))
	citizen.do(botSays("sudah diverifikasi"), citizen.shot("verified"))
	regency.do(botSays(id), choose("📤 Disposisi"), botSays("ke perangkat daerah mana"), regency.shot("choose agency"),
		choose("Dinas Pekerjaan Umum"), botSays("✅ "+id), regency.shot("forwarded"))
	citizen.do(botSays("sudah diteruskan ke"))
	pupr.do(botSays("Balas pesan laporan ini"),
		chromedp.WaitVisible(`.msg.bot img`, chromedp.ByQuery), pupr.shot("card with photo"),
		choose("✍️ Tanggapi"), botSays("tulis tanggapan"),
		typeText("Saluran sudah dibersihkan tim UPT pada 27 November; kami pantau saat hujan berikutnya."), botSays("dicatat"),
		pupr.shot("answer written"), choose("📨 Kirim tanggapan"), botSays("✅ "+id), pupr.shot("answer sent"))
	regency.do(botSays("sudah dibersihkan"), regency.shot("answer to review"), choose("✅ Setujui"), botSays("✅ "+id),
		regency.shot("approved"))
	citizen.do(botSays("sudah dibersihkan"), citizen.shot("answer"), choose("👍 Terima"), botSays("Bagaimana penilaian"),
		citizen.shot("accepted"))
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`)
	return "`" + r.Replace(s) + "`"
}

// A sign-in link opened in a browser that is already in another desk's
// room asks the officer first (in Bahasa Indonesia); saying no keeps the
// room and leaves the code unused, saying yes switches.
func TestBrowserRoomSwitchAsksFirst(t *testing.T) {
	browser := headless(t, 2*time.Minute)
	env := startForBrowser(t)
	base := "http://" + env["LAPOR_HTTP_ADDR"]
	step := 0
	p := newPage(t, browser, "officer", artifactDir(t, "webchat-room-switch"), &step)
	var mu sync.Mutex
	var asked []string
	accept := false
	chromedp.ListenTarget(p.ctx, func(ev any) {
		if e, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			mu.Lock()
			asked = append(asked, e.Message)
			yes := accept
			mu.Unlock()
			go func() { _ = chromedp.Run(p.ctx, cdppage.HandleJavaScriptDialog(yes)) }()
		}
	})
	// The page reloads itself after a sign-in: a check evaluated during
	// that navigation fails and is tried again.
	eventuallyTrue := func(js string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var ok bool
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if err := chromedp.Evaluate(js, &ok).Do(ctx); err == nil && ok {
					return nil
				}
			}
			return fmt.Errorf("not within 10 s: %s", js)
		})
	}
	roomIs := func(title string) chromedp.Action {
		return eventuallyTrue(`location.search === "" && !document.querySelector('#room').hidden && ` +
			`document.querySelector('#room-title').textContent.includes(` + jsString(title) + `)`)
	}
	p.do(chromedp.Navigate(base+"/?masuk="+roomCode(t, env, "--desk", "regency_admin", "--name", "Budi")), roomIs("Admin Kabupaten"))

	code := roomCode(t, env, "--desk", "agency", "--agency", "pupr", "--name", "Budi")
	p.do(chromedp.Navigate(base+"/?masuk="+code),
		eventuallyTrue(`document.querySelector('#alert').textContent.includes('Anda tetap di ruang')`),
		roomIs("Admin Kabupaten"), p.shot("switch refused"))
	mu.Lock()
	if len(asked) != 1 || !strings.Contains(asked[0], "sudah masuk ke ruang petugas") || !strings.Contains(asked[0], "Admin Kabupaten") {
		t.Fatalf("the page asked %q", asked)
	}
	accept = true
	mu.Unlock()

	// The code was not used: the same link now switches, once confirmed.
	p.do(chromedp.Navigate(base+"/?masuk="+code), roomIs("Dinas Pekerjaan Umum"), p.shot("switched"))
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 2 {
		t.Fatalf("the page asked %d times", len(asked))
	}
}
