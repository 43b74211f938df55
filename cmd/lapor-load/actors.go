package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
	"github.com/lapor-id/lapor/flows/calendar"
)

// action is one thing a person does in a chat, and the text of the bot's
// reply that answers it ("" for any reply: the echo bot's).
type action struct {
	kind string // text, press, location, photo
	arg  string // the text, or the button's callback data
	want string
}

// intake is the citizen's whole complaint with evidence, the same steps as
// the end-to-end harness (cmd/lapor/harness_test.go fileReport): 15 inbound
// messages from /start to the tracking number, the reporter's name and
// contact included (the report is not anonymous).
func intake(chat int64, n int, when string) []action {
	return []action{
		{"text", "/start", "Selamat datang"},
		{"press", "menu:new", "Jenis laporan"},
		{"press", "type:pengaduan", "Uraian"},
		{"text", fmt.Sprintf("Warga %d, laporan %d: saluran air di depan rumah tersumbat sejak dua minggu, banjir tiap hujan.", chat, n), "Dicatat"},
		{"press", "what:next", "Kapan"},
		{"text", when, "Di mana"},
		{"location", "", "tempatnya ada di"},
		{"text", "Magetan", "Bukti"},
		{"photo", "foto saluran", "Bukti ke-1 diterima"},
		{"press", "ev:done", "Sembunyikan identitas"},
		{"press", "anon:no", "nama Anda"},
		{"text", fmt.Sprintf("Warga %d", chat), "Nomor telepon atau alamat e-mail"},
		{"text", fmt.Sprintf("0812%08d", chat%100000000), "Rahasiakan"},
		{"press", "conf:yes", "Ringkasan"},
		{"press", "sum:send", "Nomor laporan: "},
	}
}

// recently is a date two days ago in Jakarta, as a citizen types it.
func recently() string {
	return time.Now().In(calendar.Local()).AddDate(0, 0, -2).Format("02/01/2006")
}

// evidencePhoto is a real JPEG (640x480, about 20 KB), so that lapor's
// metadata stripping works on it as on a phone's photo.
var evidencePhoto = sync.OnceValue(func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / 640), uint8(y * 255 / 480), uint8((x + y) % 256), 255})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
})

// Person is someone writing in one chat through the fake Telegram: a
// citizen in their private chat, or an officer in a desk's group.
type Person struct {
	Kind string // "citizen" or "officer": how latencies are filed
	Chat int64
	User int64
	fake *telegramtest.Server
	log  *ChatLog
	rec  *Recorder
	wait time.Duration // how long to wait for a reply
	echo bool          // the bot is the echo bot: any reply answers
}

// NewPerson returns a person writing in chat as user.
func NewPerson(kind string, chat, user int64, fake *telegramtest.Server, w *Watcher, rec *Recorder, wait time.Duration) *Person {
	return &Person{Kind: kind, Chat: chat, User: user, fake: fake, log: w.Chat(chat), rec: rec, wait: wait}
}

var errNoButton = errors.New("no such button")

// Do performs one action and waits for its answer. The latency recorded is
// from the moment the update was queued in the fake (SendText and the like
// have returned) to the fake's delivery time of the answering message.
func (p *Person) Do(ctx context.Context, a action) (Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, p.wait)
	defer cancel()
	from := p.log.Len()
	before := time.Now()
	var update int
	switch a.kind {
	case "text":
		update, _ = p.fake.SendText(p.Chat, p.User, a.arg)
	case "location":
		update, _ = p.fake.SendLocation(p.Chat, p.User, -7.6634, 111.3574)
	case "photo":
		update, _ = p.fake.SendPhoto(p.Chat, p.User, evidencePhoto(), a.arg)
	case "press":
		id, data, err := p.button(ctx, a.arg)
		if err != nil {
			return Msg{}, err
		}
		update, _ = p.fake.PressButton(p.Chat, p.User, id, data)
	default:
		return Msg{}, fmt.Errorf("unknown action %q", a.kind)
	}
	queued := time.Now()
	p.rec.Sent(update)
	want := a.want
	if p.echo {
		want = "" // the echo bot's answer is any message
	}
	_, m, err := p.log.WaitFor(ctx, from, func(m Msg) bool {
		return !m.At.Before(before) && strings.HasPrefix(m.Method, "send") && strings.Contains(m.Text, want)
	})
	if err != nil {
		return Msg{}, fmt.Errorf("chat %d: no reply %q to %s %q: %w", p.Chat, a.want, a.kind, a.arg, err)
	}
	p.rec.Answered(p.Kind, a.kind+" "+shortArg(a), queued, m.At.Sub(queued))
	return m, nil
}

// button finds the newest message with the button, waiting for it to be
// delivered. For the echo bot any of its messages will do: the fake does
// not check callback data against the keyboard.
func (p *Person) button(ctx context.Context, data string) (int, string, error) {
	for {
		if p.echo {
			if id := p.log.LastID(); id != 0 {
				return id, data, nil
			}
		} else if id, d, ok := p.log.FindButton(func(d string) bool { return d == data }); ok {
			return id, d, nil
		}
		n := p.log.Len()
		if _, _, err := p.log.WaitFor(ctx, n, func(Msg) bool { return true }); err != nil {
			return 0, "", fmt.Errorf("chat %d: %w %q: %w", p.Chat, errNoButton, data, err)
		}
	}
}

// Citizen files complaints over and over, one message per Step.
type Citizen struct {
	*Person
	when     string
	script   []action
	step     int
	filed    int
	Steps    int      // steps taken (answered or not)
	Patient  bool     // after a step without an answer, take the next step instead of starting over
	Presses  int      // "Kirim" presses sent: each must become exactly one report
	Tracking []string // tracking numbers received
}

// NewCitizen returns a citizen in their private chat (chat id = user id).
func NewCitizen(chat int64, fake *telegramtest.Server, w *Watcher, rec *Recorder, wait time.Duration) *Citizen {
	c := &Citizen{Person: NewPerson("citizen", chat, chat, fake, w, rec, wait), when: recently()}
	c.script = intake(chat, 0, c.when)
	return c
}

var trackingRE = regexp.MustCompile(`Nomor laporan: ([A-Z]{2,5}-[0-9A-Z]{6})`)

// Step sends the next message of the intake and waits for its answer. A
// citizen who got no answer cancels the draft and starts again (a patient
// one goes on with the next step). It returns the tracking number when the
// step filed a report.
func (c *Citizen) Step(ctx context.Context) (string, error) {
	a := c.script[c.step]
	c.Steps++
	if a.arg == "sum:send" {
		c.Presses++
	}
	m, err := c.Do(ctx, a)
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		c.rec.Error(fmt.Sprintf("no answer to %s %s", a.kind, shortArg(a)))
		if a.arg == "sum:send" && errors.Is(err, errNoButton) {
			c.Presses-- // never pressed
		}
		if c.Patient && !errors.Is(err, errNoButton) {
			// The message is stored and will be handled in its turn:
			// go on with the next step instead of abandoning the draft.
			c.step = (c.step + 1) % len(c.script)
			return "", err
		}
		c.restart(ctx)
		return "", err
	}
	c.step++
	if c.step < len(c.script) {
		return "", nil
	}
	c.step = 0
	c.filed++
	c.script = intake(c.Chat, c.filed, c.when)
	if c.echo {
		return "", nil
	}
	t := trackingRE.FindStringSubmatch(m.Text)
	if t == nil {
		c.rec.Error("no tracking number in the answer")
		return "", nil
	}
	c.Tracking = append(c.Tracking, t[1])
	return t[1], nil
}

// restart abandons the draft: /batal, then the intake from /start.
func (c *Citizen) restart(ctx context.Context) {
	c.step = 0
	if c.echo {
		return
	}
	if _, err := c.Do(ctx, action{"text", "/batal", ""}); err != nil && ctx.Err() == nil {
		c.rec.Error("no answer to /batal")
	}
}

// shortArg names an action's argument for reports: commands without their
// arguments, free text as (text).
func shortArg(a action) string {
	switch {
	case a.kind == "text" && strings.HasPrefix(a.arg, "/"):
		cmd, _, _ := strings.Cut(a.arg, " ")
		return cmd
	case a.kind == "text", a.kind == "photo":
		return "(" + a.kind + ")"
	case strings.Contains(a.arg, "|"):
		k, _, _ := strings.Cut(a.arg, "|")
		return k
	}
	return a.arg
}
