// Package telegram is lapor's Telegram channel: its own long-polling loop
// (context, HTTP timeouts, 429 handling, the offset confirmed only after a
// batch is stored), file downloads through a configurable file endpoint,
// and delivery of neutral messages within the Bot API's limits. It
// translates; it decides nothing about complaints.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
)

// Name is the channel's name in stored rows.
const Name = "telegram"

// Bot API limits (reference/telegram.md), counted in UTF-16 code units.
const (
	maxText        = 4096
	maxCaption     = 1024
	maxDownload    = 20 << 20
	maxPhotoUpload = 10 << 20
)

// Options configures the channel.
type Options struct {
	Token        string
	APIEndpoint  string        // default tgbotapi.APIEndpoint
	FileEndpoint string        // default tgbotapi.FileEndpoint
	PollTimeout  time.Duration // long-poll wait; default 5 s (see pollGrace)
	Pacing       bot.Pacing    // default: 1 msg/s per chat, 20/min per group, 30/s overall
	CallTimeout  time.Duration // one call without a file (sendMessage, answerCallbackQuery, ...); default 8 s
	SendTimeout  time.Duration // one send with a file, or one file download; default 60 s
	Log          *slog.Logger
}

// Channel is the Telegram channel.
type Channel struct {
	c   client
	o   Options
	log *slog.Logger
}

var _ bot.Channel = (*Channel)(nil)

// New returns the channel. It makes no network call.
func New(o Options) *Channel {
	if o.APIEndpoint == "" {
		o.APIEndpoint = tgbotapi.APIEndpoint
	}
	if o.FileEndpoint == "" {
		o.FileEndpoint = tgbotapi.FileEndpoint
	}
	if o.PollTimeout == 0 {
		o.PollTimeout = 5 * time.Second
	}
	if o.Pacing == (bot.Pacing{}) {
		o.Pacing = bot.Pacing{PerChat: time.Second, PerGroupPerMinute: 20, Global: time.Second / 30}
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = 8 * time.Second
	}
	if o.SendTimeout == 0 {
		o.SendTimeout = 60 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Channel{
		c: client{token: o.Token, apiEndpoint: o.APIEndpoint, fileEndpoint: o.FileEndpoint,
			// Every request carries a context with a deadline; the client
			// timeout is the backstop against a half-open connection.
			http: &http.Client{Timeout: max(o.SendTimeout, o.CallTimeout, o.PollTimeout+pollGrace)}},
		o:   o,
		log: o.Log.With("channel", Name),
	}
}

// Name implements bot.Channel.
func (ch *Channel) Name() string { return Name }

// Pacing implements bot.Channel.
func (ch *Channel) Pacing() bot.Pacing { return ch.o.Pacing }

// IsGroup implements bot.Channel: groups have negative chat ids.
func (ch *Channel) IsGroup(chatID string) bool { return strings.HasPrefix(chatID, "-") }

// Me checks the token and returns the bot's username.
func (ch *Channel) Me(ctx context.Context) (string, error) {
	raw, err := ch.c.call(ctx, "getMe", nil)
	if err != nil {
		return "", err
	}
	var u tgbotapi.User
	if err := json.Unmarshal(raw, &u); err != nil {
		return "", err
	}
	return u.UserName, nil
}

// Poll receives updates until ctx ends. Each batch is stored through inbox
// before the next getUpdates confirms it (Telegram forgets updates below
// the offset), so nothing received is ever lost; a batch that could not be
// stored is asked for again.
func (ch *Channel) Poll(ctx context.Context, inbox *bot.Inbox) error {
	offset := 0
	failures := 0
	spinners := newSpinners(ch)
	defer spinners.wait()
	for ctx.Err() == nil {
		updates, err := ch.getUpdates(ctx, offset)
		if err == nil {
			var stored int
			stored, err = ch.storeBatch(ctx, inbox, updates, spinners)
			if err == nil {
				if n := len(updates); n > 0 {
					offset = updates[n-1].UpdateID + 1
				}
				failures = 0
				if stored > 0 {
					ch.log.Debug("stored updates", "new", stored, "batch", len(updates))
				}
				continue
			}
		}
		if ctx.Err() != nil {
			break
		}
		failures++
		wait := pollBackoff(err, failures)
		ch.log.Warn("receiving updates failed; retrying", "wait", wait, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	return nil
}

func pollBackoff(err error, failures int) time.Duration {
	var ae *apiError
	if errors.As(err, &ae) {
		if ae.RetryAfter > 0 {
			return ae.RetryAfter
		}
		if ae.Code == http.StatusConflict {
			return 5 * time.Second // another poller or a webhook: do not hammer
		}
	}
	// Short: the platform being back must be noticed within seconds.
	d := 500 * time.Millisecond << min(failures-1, 6)
	return min(d, 4*time.Second)
}

// pollGrace is how long past its long-poll wait a getUpdates may take
// before it is given up. A request the network or the platform holds is
// indistinguishable from a long poll until then, so the wait and this grace
// bound how long after an outage ends the bot hears its chats again: 5 s +
// 2 s, within the 10 s the fault runs require (docs/RELIABILITY.md). An idle
// bot so makes one request every 5 s, far below any limit.
const pollGrace = 2 * time.Second

func (ch *Channel) getUpdates(ctx context.Context, offset int) ([]tgbotapi.Update, error) {
	ctx, cancel := context.WithTimeout(ctx, ch.o.PollTimeout+pollGrace)
	defer cancel()
	p := url.Values{}
	p.Set("offset", strconv.Itoa(offset))
	p.Set("limit", "100")
	p.Set("timeout", strconv.Itoa(int(ch.o.PollTimeout/time.Second)))
	p.Set("allowed_updates", `["message","edited_message","callback_query","my_chat_member"]`)
	raw, err := ch.c.call(ctx, "getUpdates", p)
	if err != nil {
		return nil, err
	}
	// Each update is decoded on its own: one that does not fit tgbotapi's
	// types must not stop the updates after it (the offset would never
	// move). It becomes an "unsupported" message to its chat, so the
	// sender is told; without a chat it is logged and passed over.
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("telegram: decode updates: %w", err)
	}
	updates := make([]tgbotapi.Update, 0, len(items))
	for _, item := range items {
		var u tgbotapi.Update
		if err := json.Unmarshal(item, &u); err == nil {
			updates = append(updates, u)
			continue
		}
		var shape struct {
			UpdateID int `json:"update_id"`
		}
		if err := json.Unmarshal(item, &shape); err != nil || shape.UpdateID == 0 {
			ch.log.Warn("telegram: an update without an update_id was passed over")
			continue
		}
		ch.log.Warn("telegram: an update could not be decoded; its sender is told", "update_id", shape.UpdateID)
		updates = append(updates, undecodable(shape.UpdateID, item))
	}
	return updates, nil
}

// lenientChat and lenientMessage read just where an update comes from.
type lenientChat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

type lenientMessage struct {
	Chat *lenientChat `json:"chat"`
	From *struct {
		ID int64 `json:"id"`
	} `json:"from"`
	Message *struct { // a callback query's message
		Chat *lenientChat `json:"chat"`
	} `json:"message"`
}

// undecodable stands for an update tgbotapi cannot decode: a message with
// only its chat and sender, read leniently, and no content (translate makes
// it an unsupported message; without a chat it is skipped).
func undecodable(id int, item json.RawMessage) tgbotapi.Update {
	var lenient struct {
		Message       *lenientMessage `json:"message"`
		EditedMessage *lenientMessage `json:"edited_message"`
		CallbackQuery *lenientMessage `json:"callback_query"`
	}
	_ = json.Unmarshal(item, &lenient)
	u := tgbotapi.Update{UpdateID: id}
	for _, m := range []*lenientMessage{lenient.Message, lenient.EditedMessage, lenient.CallbackQuery} {
		if m == nil {
			continue
		}
		chat := m.Chat
		if chat == nil && m.Message != nil {
			chat = m.Message.Chat
		}
		if chat == nil || chat.ID == 0 {
			continue
		}
		msg := &tgbotapi.Message{Chat: &tgbotapi.Chat{ID: chat.ID, Type: chat.Type}, Date: int(time.Now().Unix())}
		if m.From != nil {
			msg.From = &tgbotapi.User{ID: m.From.ID}
		}
		u.Message = msg
		break
	}
	return u
}

func (ch *Channel) storeBatch(ctx context.Context, inbox *bot.Inbox, updates []tgbotapi.Update, spinners *spinners) (int, error) {
	batch := make([]bot.Received, 0, len(updates))
	var callbacks []string
	for _, u := range updates {
		r, ok := translate(u)
		if !ok {
			continue
		}
		batch = append(batch, r)
		if u.CallbackQuery != nil {
			callbacks = append(callbacks, u.CallbackQuery.ID)
		}
	}
	if len(batch) == 0 {
		return 0, nil
	}
	n, err := inbox.Store(ctx, Name, batch)
	if err != nil {
		return 0, err
	}
	for _, id := range callbacks {
		spinners.stop(ctx, id)
	}
	return n, nil
}

// spinners stops the spinners of pressed buttons (answerCallbackQuery), a
// few at a time, beside the polling: one call the network holds, or a
// batch of a hundred presses, must not keep the bot from its next updates.
// Best effort: the press itself is stored, and an old query id only earns
// a harmless 400.
type spinners struct {
	ch    *Channel
	slots chan struct{}
	wg    sync.WaitGroup
}

func newSpinners(ch *Channel) *spinners {
	return &spinners{ch: ch, slots: make(chan struct{}, 8)}
}

// stop answers one callback query; it waits only while 8 are under way.
func (s *spinners) stop(ctx context.Context, id string) {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return
	}
	s.wg.Go(func() {
		defer func() { <-s.slots }()
		ctx, cancel := context.WithTimeout(ctx, s.ch.o.CallTimeout)
		defer cancel()
		p := url.Values{}
		p.Set("callback_query_id", id)
		if _, err := s.ch.c.call(ctx, "answerCallbackQuery", p); err != nil {
			s.ch.log.Debug("answerCallbackQuery failed", "err", err)
		}
	})
}

// wait returns when every answer under way has ended.
func (s *spinners) wait() { s.wg.Wait() }

// Fetch implements bot.Channel: getFile, then a download through the file
// endpoint (tgbotapi's file links ignore a custom endpoint), streamed to
// the conversation as it arrives. SendTimeout bounds the whole download.
func (ch *Channel) Fetch(ctx context.Context, in flows.Inbound) (flows.Fetched, error) {
	if in.File == nil {
		return flows.Fetched{}, errors.New("telegram: message has no file")
	}
	if in.File.Size > maxDownload {
		return flows.Fetched{}, flows.ErrFileTooBig
	}
	ctx, cancel := context.WithTimeout(ctx, ch.o.SendTimeout)
	p := url.Values{}
	p.Set("file_id", in.File.ID)
	raw, err := ch.c.call(ctx, "getFile", p)
	var ae *apiError
	if errors.As(err, &ae) && strings.Contains(ae.Description, "file is too big") {
		cancel()
		return flows.Fetched{}, flows.ErrFileTooBig
	}
	if err != nil {
		cancel()
		return flows.Fetched{}, err
	}
	var f tgbotapi.File
	if err := json.Unmarshal(raw, &f); err != nil {
		cancel()
		return flows.Fetched{}, fmt.Errorf("telegram: decode file: %w", err)
	}
	body, size, err := ch.c.open(ctx, f.FilePath, maxDownload)
	if err != nil {
		cancel()
		return flows.Fetched{}, err
	}
	return flows.Fetched{Body: &cancelOnClose{ReadCloser: body, cancel: cancel}, Size: size}, nil
}

// cancelOnClose ends a download's context when its stream is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
