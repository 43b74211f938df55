package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
)

// Limits are Telegram's sending limits as both sides of the run see them:
// the fake enforces them (429 with retry_after) and lapor paces to them.
type Limits struct {
	PerChat        float64 `json:"per_chat_per_s"`
	PerChatBurst   int     `json:"per_chat_burst"`
	Global         float64 `json:"global_per_s"`
	GlobalBurst    int     `json:"global_burst"`
	GroupPerMinute int     `json:"group_per_minute"`
}

// TelegramLimits are the Bot API's documented limits.
var TelegramLimits = Limits{PerChat: 1, PerChatBurst: 3, Global: 30, GlobalBurst: 30, GroupPerMinute: 20}

// ScaledLimits are high enough that the inbound pipeline, not flood
// control, is what a throughput run measures.
var ScaledLimits = Limits{PerChat: 100, PerChatBurst: 10, Global: 5000, GlobalBurst: 200, GroupPerMinute: 60000}

func (l Limits) options() telegramtest.Options {
	return telegramtest.Options{PerChatRate: l.PerChat, PerChatBurst: l.PerChatBurst, GlobalRate: l.Global,
		GlobalBurst: l.GlobalBurst, PerGroupPerMinute: l.GroupPerMinute}
}

// env is the part of a lapor's environment that points it at the fake.
func (l Limits) env() map[string]string {
	return map[string]string{
		"LAPOR_TELEGRAM_RATE_PER_CHAT":    strconv.FormatFloat(l.PerChat, 'f', -1, 64),
		"LAPOR_TELEGRAM_RATE_GLOBAL":      strconv.FormatFloat(l.Global, 'f', -1, 64),
		"LAPOR_TELEGRAM_GROUP_PER_MINUTE": strconv.Itoa(l.GroupPerMinute),
	}
}

// Msg is one message the bot delivered, as the watcher keeps it.
type Msg struct {
	ID      int
	Method  string
	Text    string // text, or caption of a file
	At      time.Time
	Buttons []string // callback data of the inline keyboard
}

// ChatLog is what the bot delivered into one chat, in order.
type ChatLog struct {
	mu      sync.Mutex
	msgs    []Msg
	changed chan struct{}
}

func newChatLog() *ChatLog { return &ChatLog{changed: make(chan struct{})} }

// Len is the number of messages delivered so far.
func (l *ChatLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.msgs)
}

// Messages returns a copy of the log.
func (l *ChatLog) Messages() []Msg {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Msg(nil), l.msgs...)
}

// WaitFor returns the first message from index from on that matches, and
// its index, waiting for new messages until ctx ends.
func (l *ChatLog) WaitFor(ctx context.Context, from int, match func(Msg) bool) (int, Msg, error) {
	for {
		l.mu.Lock()
		for i := from; i < len(l.msgs); i++ {
			if match(l.msgs[i]) {
				m := l.msgs[i]
				l.mu.Unlock()
				return i, m, nil
			}
		}
		from = max(from, len(l.msgs))
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return 0, Msg{}, ctx.Err()
		}
	}
}

// FindButton returns the id of the newest message carrying a button whose
// data satisfies match.
func (l *ChatLog) FindButton(match func(string) bool) (int, string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.msgs) - 1; i >= 0; i-- {
		for _, d := range l.msgs[i].Buttons {
			if match(d) {
				return l.msgs[i].ID, d, true
			}
		}
	}
	return 0, "", false
}

// LastID is the id of the newest message, 0 if none.
func (l *ChatLog) LastID() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.msgs) == 0 {
		return 0
	}
	return l.msgs[len(l.msgs)-1].ID
}

func (l *ChatLog) add(m Msg) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, m)
	close(l.changed)
	l.changed = make(chan struct{})
}

// Watcher follows everything the bot delivers through the fake and files
// it by chat. The fake records deliveries in one list; asking it per chat
// scans that list every time, which at thousands of messages a second
// would cost more than the service under test. The watcher copies the list
// instead, at most about a tenth of its time, and hands the new entries to
// the chats' logs. Deliveries keep the fake's own timestamps (Sent.At), so
// the polling interval does not change any latency.
type Watcher struct {
	fake *telegramtest.Server

	mu    sync.Mutex
	chats map[int64]*ChatLog
	seen  int
}

// NewWatcher returns a watcher of fake; Run makes it follow.
func NewWatcher(fake *telegramtest.Server) *Watcher {
	return &Watcher{fake: fake, chats: map[int64]*ChatLog{}}
}

// Chat returns the log of one chat.
func (w *Watcher) Chat(id int64) *ChatLog {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.chats[id]
	if l == nil {
		l = newChatLog()
		w.chats[id] = l
	}
	return l
}

// Seen is how many deliveries the watcher has filed.
func (w *Watcher) Seen() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen
}

// Run follows the fake until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	const minWait = 5 * time.Millisecond
	for ctx.Err() == nil {
		took := w.Poll()
		wait := max(minWait, 9*took)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// Poll files the deliveries made since the last call and returns how long
// it took.
func (w *Watcher) Poll() time.Duration {
	start := time.Now()
	if w.fake.Stats().Delivered == w.Seen() {
		return time.Since(start)
	}
	all := w.fake.AllSent()
	w.mu.Lock()
	from := w.seen
	w.seen = len(all)
	w.mu.Unlock()
	for _, s := range all[from:] {
		m := Msg{ID: s.MessageID, Method: s.Method, Text: s.Text, At: s.At}
		if s.Method != "sendMessage" {
			m.Text = s.Caption
		}
		for _, row := range s.Keyboard {
			for _, b := range row {
				m.Buttons = append(m.Buttons, b.Data)
			}
		}
		w.Chat(s.ChatID).add(m)
	}
	return time.Since(start)
}

// FaultMix makes the fake fail a share of all API calls, split evenly
// between 5xx pages, held requests (timeouts), connection resets and 429.
func FaultMix(share float64) func(method string) telegramtest.Fault {
	kinds := []telegramtest.Fault{telegramtest.FaultServerError, telegramtest.FaultTimeout,
		telegramtest.FaultReset, telegramtest.FaultTooMany}
	return func(string) telegramtest.Fault {
		if rand.Float64() >= share {
			return telegramtest.FaultNone
		}
		return kinds[rand.IntN(len(kinds))]
	}
}

// describeLimits is a one-line summary for logs.
func describeLimits(l Limits) string {
	return fmt.Sprintf("%g msg/s per chat (burst %d), %g msg/s in all (burst %d), %d/min per group",
		l.PerChat, l.PerChatBurst, l.Global, l.GlobalBurst, l.GroupPerMinute)
}
