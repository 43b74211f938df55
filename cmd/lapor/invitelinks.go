package main

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Officer invitations (flows: /petugas undang) are opened with a link to a
// private chat with the bot; each channel's source makes its own
// (source.inviteLink) from the bot's address on that channel, which it
// learns from the platform. A channel that does not know its address yet
// makes none, and the admin gets the code alone.

// telegramInviteLink is a Telegram deep link: the app opens the bot's
// private chat and sends /start <code> with one tap.
func telegramInviteLink(username, code string) string {
	if username == "" {
		return ""
	}
	return "https://t.me/" + url.PathEscape(username) + "?start=" + url.QueryEscape(code)
}

// whatsappInviteLink opens a private chat with the bot's number with the
// invitation's message typed in, ready to send.
func whatsappInviteLink(number, text string) string {
	if number == "" {
		return ""
	}
	// %20, not +: some WhatsApp apps show a + literally.
	return "https://wa.me/" + number + "?text=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
}

// lazyName is a name asked of a platform when first needed and kept once
// known; a failed ask is tried again no sooner than a minute later, so an
// unreachable platform costs one short wait a minute at most.
type lazyName struct {
	ask     func(ctx context.Context) (string, error)
	timeout time.Duration

	mu     sync.Mutex
	name   string
	failed time.Time
}

func (l *lazyName) get() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.name != "" || time.Since(l.failed) < time.Minute {
		return l.name
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	name, err := l.ask(ctx)
	if err != nil || name == "" {
		l.failed = time.Now()
		return ""
	}
	l.name = name
	return name
}
