package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/store/pgtest"
)

var pg *pgtest.Cluster

// asMain, when set (by a test file's init), runs the test binary as a
// lapor of its own wiring instead of main(); ok false means "not this
// time". The WhatsApp fault run uses it (whatsapp_faults_test.go).
var asMain func() (code int, ok bool)

func TestMain(m *testing.M) {
	// Many services run at once: each admin listener on a port of its own
	// unless the test names one.
	adminAddrInTests = "127.0.0.1:0"
	// The crash test runs the service as a child process: this same test
	// binary, told to be lapor.
	if os.Getenv("LAPOR_TEST_AS_MAIN") == "1" {
		if asMain != nil {
			if code, ok := asMain(); ok {
				os.Exit(code)
			}
		}
		main()
		return
	}
	pgtest.Main(m, &pg)
}

// fastTelegram is a fake Bot API with limits scaled up so tests do not wait
// seconds per message; the service is paced to the same limits, so a 429
// in a test is a pacing bug.
func fastTelegram(t *testing.T) *telegramtest.Server {
	fake := telegramtest.New(telegramtest.Options{PerChatRate: 40, PerChatBurst: 3, GlobalRate: 400, GlobalBurst: 30, PerGroupPerMinute: 600})
	t.Cleanup(fake.Close)
	return fake
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serviceEnv is the environment of a lapor under test.
func serviceEnv(t *testing.T, fake *telegramtest.Server, dbURL string) map[string]string {
	return map[string]string{
		"LAPOR_DATABASE_URL":           dbURL,
		"LAPOR_HTTP_ADDR":              freeAddr(t),
		"LAPOR_TELEGRAM_TOKEN":         fake.Token(),
		"LAPOR_TELEGRAM_API_ENDPOINT":  fake.APIEndpoint(),
		"LAPOR_TELEGRAM_FILE_ENDPOINT": fake.FileEndpoint(),
		"LAPOR_TELEGRAM_POLL_TIMEOUT":  "1s",
		"LAPOR_TELEGRAM_RATE_PER_CHAT": "20",
		"LAPOR_TELEGRAM_RATE_GLOBAL":   "300",
		"LAPOR_OUTBOX_LEASE":           "3s",
		"LAPOR_LOG_LEVEL":              "warn",
	}
}

// syncBuffer collects a service's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startInProcess runs lapor serve in this process until the test ends or
// stop is called.
func startInProcess(t *testing.T, env map[string]string) (logs *syncBuffer, stop func()) {
	return startWith(t, env, []string{"serve"}, io.Discard)
}

// startWith runs lapor with args (a serve command) in this process.
func startWith(t *testing.T, env map[string]string, args []string, stdout io.Writer) (logs *syncBuffer, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, args, func(k string) string { return env[k] }, stdout, logs) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("lapor exited %d:\n%s", code, logs)
				}
			case <-time.After(20 * time.Second):
				t.Errorf("lapor did not stop within 20 s")
			}
		})
	}
	t.Cleanup(stop)
	return logs, stop
}

// startProcess runs lapor serve as a child process.
func startProcess(t *testing.T, env map[string]string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), "LAPOR_TEST_AS_MAIN=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = testWriter{t}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("lapor: %s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// citizen is one person chatting with the bot through the fake Telegram.
type citizen struct {
	fake *telegramtest.Server
	chat int64
	user int64 // the person; in a private chat the same as chat
	seen int   // messages from the bot already read
	wait time.Duration
	got  []string // every text the bot sent, in order
}

func newCitizen(fake *telegramtest.Server, chat int64) *citizen {
	return &citizen{fake: fake, chat: chat, user: chat, wait: 10 * time.Second}
}

// expect waits until the bot sends a message containing want and returns it.
func (c *citizen) expect(want string) (telegramtest.Sent, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.wait)
	defer cancel()
	for {
		sent, err := c.fake.WaitSent(ctx, c.chat, c.seen+1)
		if err != nil {
			return telegramtest.Sent{}, fmt.Errorf("chat %d: waiting for %q: %w; last messages: %q", c.chat, want, err, c.tail())
		}
		for _, s := range sent[c.seen:] {
			c.seen++
			body := s.Text + s.Caption
			c.got = append(c.got, body)
			if strings.Contains(body, want) {
				return s, nil
			}
		}
	}
}

func (c *citizen) tail() []string {
	if len(c.got) > 3 {
		return c.got[len(c.got)-3:]
	}
	return c.got
}

func (c *citizen) say(text, want string) (telegramtest.Sent, error) {
	c.fake.SendText(c.chat, c.user, text)
	return c.expect(want)
}

// press presses the newest button with that data in the chat.
func (c *citizen) press(data, want string) (telegramtest.Sent, error) {
	return c.pressMatching(func(d string) bool { return d == data }, data, want)
}

// pressPrefix presses the newest button whose data starts with prefix (and
// ends with suffix, when given).
func (c *citizen) pressPrefix(prefix, suffix, want string) (telegramtest.Sent, error) {
	return c.pressMatching(func(d string) bool { return strings.HasPrefix(d, prefix) && strings.HasSuffix(d, suffix) }, prefix+"…"+suffix, want)
}

func (c *citizen) pressMatching(match func(string) bool, what, want string) (telegramtest.Sent, error) {
	// The message carrying the button may still be on its way (a review
	// card follows the agency's submit asynchronously): wait for it as an
	// officer would, up to the citizen's patience.
	for deadline := time.Now().Add(c.wait); ; time.Sleep(20 * time.Millisecond) {
		sent := c.fake.Sent(c.chat)
		for i := len(sent) - 1; i >= 0; i-- {
			for _, row := range sent[i].Keyboard {
				for _, b := range row {
					if match(b.Data) {
						c.fake.PressButton(c.chat, c.user, sent[i].MessageID, b.Data)
						return c.expect(want)
					}
				}
			}
		}
		if time.Now().After(deadline) {
			return telegramtest.Sent{}, fmt.Errorf("chat %d: no button %q within %s; last messages %q", c.chat, what, c.wait, c.tail())
		}
	}
}

// toDescription starts a new report of type typ ("pengaduan", "aspirasi",
// ...) and stops at its description step.
func (c *citizen) toDescription(typ string) error {
	if _, err := c.say("/start", "Selamat datang"); err != nil {
		return err
	}
	if _, err := c.press("menu:new", "Jenis laporan"); err != nil {
		return err
	}
	_, err := c.press("type:"+typ, "Uraian")
	return err
}

// fileReport runs the whole intake, with a photo when photo is not nil, and
// returns the tracking number; the reporter is named and the report
// confidential.
func (c *citizen) fileReport(photo []byte) (string, error) { return c.fileReportAs(photo, false, true) }

// fileReportAs is fileReport with the reporter's choices of anonymity and
// confidentiality.
func (c *citizen) fileReportAs(photo []byte, anonymous, confidential bool) (string, error) {
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	steps := []func() (telegramtest.Sent, error){
		func() (telegramtest.Sent, error) { return telegramtest.Sent{}, c.toDescription("pengaduan") },
		func() (telegramtest.Sent, error) {
			return c.say(fmt.Sprintf("Warga %d: saluran air di depan rumah tersumbat sejak dua minggu, banjir tiap hujan.", c.chat), "Dicatat")
		},
		func() (telegramtest.Sent, error) { return c.press("what:next", "Kapan") },
		func() (telegramtest.Sent, error) { return c.say("25/11/2026", "Di mana") },
		func() (telegramtest.Sent, error) {
			c.fake.SendLocation(c.chat, c.chat, -7.6634, 111.3574)
			return c.expect("pilih kecamatan lain")
		},
		func() (telegramtest.Sent, error) { return c.say("Magetan", "Bukti") },
	}
	if photo != nil {
		steps = append(steps, func() (telegramtest.Sent, error) {
			c.fake.SendPhoto(c.chat, c.chat, photo, "foto saluran")
			return c.expect("Bukti ke-1 diterima")
		})
	}
	steps = append(steps, func() (telegramtest.Sent, error) { return c.press("ev:done", "Sembunyikan identitas") })
	if anonymous {
		steps = append(steps, func() (telegramtest.Sent, error) { return c.press("anon:yes", "Rahasiakan") })
	} else { // a named reporter gives a name and may skip the contact
		steps = append(steps,
			func() (telegramtest.Sent, error) { return c.press("anon:no", "nama Anda") },
			func() (telegramtest.Sent, error) { return c.press("name:profile", "telepon atau alamat e-mail") }, // their Telegram name
			func() (telegramtest.Sent, error) { return c.press("contact:skip", "Rahasiakan") })
	}
	steps = append(steps,
		func() (telegramtest.Sent, error) { return c.press("conf:"+yesNo(confidential), "Ringkasan") },
		func() (telegramtest.Sent, error) { return c.press("sum:send", "Nomor laporan: ") },
	)
	var last telegramtest.Sent
	for _, step := range steps {
		var err error
		if last, err = step(); err != nil {
			return "", err
		}
	}
	i := strings.Index(last.Text, "MGT-")
	return last.Text[i : i+10], nil
}
