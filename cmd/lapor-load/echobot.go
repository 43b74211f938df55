package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// echoBotCommand runs this binary as the echo bot (a child process of the
// echo scenario, configured like lapor through LAPOR_* variables).
const echoBotCommand = "echo-bot"

// echoBot is the pipeline ceiling: what lapor does on the Bot API's side of
// a message — long polling, downloading evidence, answering button presses,
// sending a reply — with no database at all. Updates are spread over
// LAPOR_WORKERS goroutines by chat, so each chat is answered in order, as
// lapor's workers do.
type echoBot struct {
	api, file, token string
	http             *http.Client
	log              *slog.Logger
}

func runEchoBot(ctx context.Context, getenv func(string) string, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	workers, _ := strconv.Atoi(getenv("LAPOR_WORKERS"))
	poll, _ := time.ParseDuration(getenv("LAPOR_TELEGRAM_POLL_TIMEOUT"))
	if workers <= 0 || poll <= 0 || getenv("LAPOR_TELEGRAM_TOKEN") == "" {
		fmt.Fprintln(stderr, "echo-bot: set LAPOR_TELEGRAM_TOKEN, LAPOR_TELEGRAM_API_ENDPOINT, LAPOR_TELEGRAM_FILE_ENDPOINT, LAPOR_WORKERS, LAPOR_TELEGRAM_POLL_TIMEOUT")
		return 2
	}
	b := &echoBot{api: getenv("LAPOR_TELEGRAM_API_ENDPOINT"), file: getenv("LAPOR_TELEGRAM_FILE_ENDPOINT"),
		token: getenv("LAPOR_TELEGRAM_TOKEN"), http: &http.Client{Timeout: poll + 15*time.Second}, log: log}
	ln, err := net.Listen("tcp", getenv("LAPOR_HTTP_ADDR"))
	if err != nil {
		fmt.Fprintln(stderr, "echo-bot:", err)
		return 1
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	queues := make([]chan tgbotapi.Update, workers)
	var wg sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan tgbotapi.Update, 1024)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range queues[i] {
				b.answer(ctx, u)
			}
		}()
	}
	log.Info("echo bot polling", "workers", workers)
	b.poll(ctx, poll, queues)
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	return 0
}

func (b *echoBot) poll(ctx context.Context, timeout time.Duration, queues []chan tgbotapi.Update) {
	offset := 0
	for ctx.Err() == nil {
		p := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {"100"}, "timeout": {strconv.Itoa(int(timeout / time.Second))}}
		raw, err := b.call(ctx, "getUpdates", p)
		var updates []tgbotapi.Update
		if err == nil {
			err = json.Unmarshal(raw, &updates)
		}
		if err != nil {
			if ctx.Err() == nil {
				b.log.Warn("getUpdates failed", "err", err)
				time.Sleep(500 * time.Millisecond)
			}
			continue
		}
		for _, u := range updates {
			offset = u.UpdateID + 1
			if chat := u.FromChat(); chat != nil {
				queues[uint64(chat.ID)%uint64(len(queues))] <- u
			}
		}
	}
}

// answer replies to one update as lapor would do the Bot API part of it.
func (b *echoBot) answer(ctx context.Context, u tgbotapi.Update) {
	chat := u.FromChat().ID
	text := "echo"
	switch {
	case u.CallbackQuery != nil:
		_, _ = b.call(ctx, "answerCallbackQuery", url.Values{"callback_query_id": {u.CallbackQuery.ID}})
		text = "echo: " + u.CallbackQuery.Data
	case u.Message != nil && len(u.Message.Photo) > 0:
		ph := u.Message.Photo[len(u.Message.Photo)-1]
		n, err := b.download(ctx, ph.FileID)
		if err != nil {
			b.log.Warn("download failed", "err", err)
		}
		text = fmt.Sprintf("echo: photo of %d bytes", n)
	case u.Message != nil && u.Message.Text != "":
		text = "echo: " + u.Message.Text
	}
	for attempt := 0; attempt < 5; attempt++ {
		_, err := b.call(ctx, "sendMessage", url.Values{"chat_id": {strconv.FormatInt(chat, 10)}, "text": {text}})
		if err == nil || ctx.Err() != nil {
			return
		}
		time.Sleep(100 * time.Millisecond << attempt)
	}
}

func (b *echoBot) download(ctx context.Context, fileID string) (int, error) {
	raw, err := b.call(ctx, "getFile", url.Values{"file_id": {fileID}})
	if err != nil {
		return 0, err
	}
	var f tgbotapi.File
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(b.file, b.token, f.FilePath), nil)
	if err != nil {
		return 0, err
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return len(data), err
}

func (b *echoBot) call(ctx context.Context, method string, p url.Values) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(b.api, b.token, method), strings.NewReader(p.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		Description string          `json:"description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, err
	}
	if !env.OK {
		return nil, errors.New(method + ": " + env.Description)
	}
	return env.Result, nil
}
