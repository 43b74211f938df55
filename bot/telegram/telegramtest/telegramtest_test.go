package telegramtest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"go.uber.org/goleak"

	"github.com/lapor-id/lapor/bot/telegram/telegramtest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// clock is a manual clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// unlimited switches flood control off for tests about something else.
var unlimited = telegramtest.Options{PerChatRate: -1, PerGroupPerMinute: -1, GlobalRate: -1}

func start(t *testing.T, o telegramtest.Options) *telegramtest.Server {
	t.Helper()
	srv := telegramtest.New(o)
	t.Cleanup(srv.Close)
	return srv
}

func newBot(t *testing.T, srv *telegramtest.Server) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(srv.Token(), srv.APIEndpoint())
	if err != nil {
		t.Fatalf("NewBotAPI: %v", err)
	}
	return bot
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// decode reads a Bot API envelope.
func decode(t *testing.T, resp *http.Response) tgbotapi.APIResponse {
	t.Helper()
	defer resp.Body.Close()
	var env tgbotapi.APIResponse
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatalf("decoding response: %v", err)
	}
	return env
}

func postForm(t *testing.T, srv *telegramtest.Server, method string, form url.Values) (int, tgbotapi.APIResponse) {
	t.Helper()
	resp, err := http.PostForm(fmt.Sprintf(srv.APIEndpoint(), srv.Token(), method), form)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return resp.StatusCode, decode(t, resp)
}

func postJSON(t *testing.T, srv *telegramtest.Server, method, body string) (int, tgbotapi.APIResponse) {
	t.Helper()
	resp, err := http.Post(fmt.Sprintf(srv.APIEndpoint(), srv.Token(), method), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return resp.StatusCode, decode(t, resp)
}

func updates(t *testing.T, bot *tgbotapi.BotAPI, offset, limit int) []tgbotapi.Update {
	t.Helper()
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: limit})
	if err != nil {
		t.Fatalf("getUpdates: %v", err)
	}
	return ups
}

func updateIDs(ups []tgbotapi.Update) []int {
	ids := []int{}
	for _, u := range ups {
		ids = append(ids, u.UpdateID)
	}
	return ids
}

// apiError unwraps the library's error and checks its description.
func apiError(t *testing.T, err error, description string) *tgbotapi.Error {
	t.Helper()
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		t.Fatalf("want *tgbotapi.Error %q, got %v", description, err)
	}
	if te.Message != description {
		t.Fatalf("description = %q, want %q", te.Message, description)
	}
	return te
}

func download(t *testing.T, srv *telegramtest.Server, token, filePath string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf(srv.FileEndpoint(), token, filePath))
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	return resp.StatusCode, b
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func TestGetMeTokenAndRouting(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	if !bot.Self.IsBot || bot.Self.ID != 123456 || bot.Self.UserName != "test_bot" {
		t.Errorf("getMe = %+v", bot.Self)
	}

	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("123456:WRONG", srv.APIEndpoint())
	if te := apiError(t, err, "Unauthorized"); te.Code != 401 {
		t.Errorf("code = %d, want 401", te.Code)
	}
	resp, err := http.Get(fmt.Sprintf(srv.APIEndpoint(), "123456:WRONG", "getMe"))
	if err != nil {
		t.Fatal(err)
	}
	if env := decode(t, resp); resp.StatusCode != 401 || env.Ok || env.ErrorCode != 401 {
		t.Errorf("wrong token: status %d, %+v", resp.StatusCode, env)
	}

	status, env := postForm(t, srv, "sendSticker", nil)
	if status != 404 || env.ErrorCode != 404 || env.Description != "Not Found" {
		t.Errorf("unknown method: status %d, %+v", status, env)
	}

	// GET with a query string, and case-insensitive method names.
	resp, err = http.Get(fmt.Sprintf(srv.APIEndpoint(), srv.Token(), "GETME") + "?unused=1")
	if err != nil {
		t.Fatal(err)
	}
	var me tgbotapi.User
	if env := decode(t, resp); !env.Ok || json.Unmarshal(env.Result, &me) != nil || me.ID != 123456 {
		t.Errorf("GET getMe: %+v", env)
	}
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Errorf("deleteWebhook: %v", err)
	}
}

func TestLongPollReturnsWhenUpdateArrives(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)

	type result struct {
		ups []tgbotapi.Update
		err error
	}
	done := make(chan result, 1)
	go func() {
		ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		done <- result{ups, err}
	}()
	if err := srv.WaitPolling(testContext(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		t.Fatalf("long poll returned before any update: %+v", r)
	default:
	}

	updateID, messageID := srv.SendText(42, 42, "/start@test_bot pothole on Jl. Sudirman")
	var r result
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("long poll did not return after an update arrived")
	}
	if r.err != nil || len(r.ups) != 1 {
		t.Fatalf("getUpdates = %+v, %v", r.ups, r.err)
	}
	u := r.ups[0]
	m := u.Message
	switch {
	case u.UpdateID != updateID, m.MessageID != messageID:
		t.Errorf("ids = %d/%d, want %d/%d", u.UpdateID, m.MessageID, updateID, messageID)
	case !m.IsCommand(), m.Command() != "start", m.CommandArguments() != "pothole on Jl. Sudirman":
		t.Errorf("command = %v %q %q", m.IsCommand(), m.Command(), m.CommandArguments())
	case m.Chat.ID != 42 || m.Chat.Type != "private" || m.From.ID != 42 || m.From.UserName != "citizen42":
		t.Errorf("chat/from = %+v / %+v", m.Chat, m.From)
	case m.Date == 0:
		t.Error("message has no date")
	}
}

func TestLongPollTimeoutAndClientCancel(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)

	began := time.Now()
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil || len(ups) != 0 {
		t.Fatalf("getUpdates = %v, %v", ups, err)
	}
	if waited := time.Since(began); waited < 900*time.Millisecond {
		t.Errorf("long poll returned after %v, want about 1s", waited)
	}

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
			fmt.Sprintf(srv.APIEndpoint(), srv.Token(), "getUpdates")+"?timeout=60", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	if err := srv.WaitPolling(testContext(t)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled poll: %v", err)
	}
	// The abandoned poll must not conflict with the next one.
	if ups := updates(t, bot, 0, 0); len(ups) != 0 {
		t.Errorf("updates = %v", ups)
	}
}

func TestRedeliveryUntilConfirmed(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	u1, _ := srv.SendText(42, 42, "one")
	u2, _ := srv.SendText(7, 7, "two")
	if u2 <= u1 {
		t.Fatalf("update ids do not increase: %d then %d", u1, u2)
	}

	for range 2 { // unconfirmed updates come again
		if got := updateIDs(updates(t, bot, 0, 0)); fmt.Sprint(got) != fmt.Sprint([]int{u1, u2}) {
			t.Fatalf("updates = %v, want [%d %d]", got, u1, u2)
		}
	}
	if got := updateIDs(updates(t, bot, 0, 1)); fmt.Sprint(got) != fmt.Sprint([]int{u1}) {
		t.Errorf("limit 1: %v", got)
	}
	if got := updateIDs(updates(t, bot, u1+1, 0)); fmt.Sprint(got) != fmt.Sprint([]int{u2}) {
		t.Errorf("after confirming %d: %v", u1, got)
	}
	if srv.Pending() != 1 {
		t.Errorf("pending = %d, want 1", srv.Pending())
	}
	// A confirmed update is gone for good, even with offset 0.
	if got := updateIDs(updates(t, bot, 0, 0)); fmt.Sprint(got) != fmt.Sprint([]int{u2}) {
		t.Errorf("offset 0 after confirming: %v", got)
	}
	if got := updates(t, bot, u2+1, 0); len(got) != 0 || srv.Pending() != 0 {
		t.Errorf("after confirming all: %v, pending %d", got, srv.Pending())
	}
}

func TestSecondPollerTerminatesTheFirst(t *testing.T) {
	srv := start(t, unlimited)
	type result struct {
		status int
		env    tgbotapi.APIResponse
	}
	first := make(chan result, 1)
	go func() {
		resp, err := http.PostForm(fmt.Sprintf(srv.APIEndpoint(), srv.Token(), "getUpdates"), url.Values{"timeout": {"30"}})
		if err != nil {
			first <- result{}
			return
		}
		defer resp.Body.Close()
		var env tgbotapi.APIResponse
		_ = json.NewDecoder(resp.Body).Decode(&env)
		first <- result{resp.StatusCode, env}
	}()
	if err := srv.WaitPolling(testContext(t)); err != nil {
		t.Fatal(err)
	}
	status, env := postForm(t, srv, "getUpdates", nil)
	if status != 200 || !env.Ok {
		t.Errorf("newer poller: %d %+v", status, env)
	}
	r := <-first
	want := "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	if r.status != 409 || r.env.ErrorCode != 409 || r.env.Description != want {
		t.Errorf("older poller: %d %+v", r.status, r.env)
	}
	if n := srv.Stats().Errors[want]; n != 1 {
		t.Errorf("conflicts counted = %d", n)
	}
}

func TestTextLimitsCountUTF16(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	srv.AllowChat(42)
	send := func(text, parseMode string) error {
		msg := tgbotapi.NewMessage(42, text)
		msg.ParseMode = parseMode
		_, err := bot.Send(msg)
		return err
	}
	emoji := "\U0001F600" // 2 UTF-16 code units
	for _, ok := range []string{
		strings.Repeat("a", 4096),
		strings.Repeat(emoji, 2048),
		strings.Repeat("é", 4096), // 2 bytes in UTF-8, 1 unit in UTF-16
	} {
		if err := send(ok, ""); err != nil {
			t.Errorf("%d runes: %v", len([]rune(ok)), err)
		}
	}
	if err := send("<b>"+strings.Repeat("a", 4096)+"</b>", "HTML"); err != nil {
		t.Errorf("HTML tags must not count: %v", err)
	}
	for _, long := range []string{strings.Repeat("a", 4097), strings.Repeat(emoji, 2048) + "a"} {
		if te := apiError(t, send(long, ""), "Bad Request: message is too long"); te.Code != 400 {
			t.Errorf("code = %d", te.Code)
		}
	}
	apiError(t, send("", ""), "Bad Request: message text is empty")
	apiError(t, send(" \n ", ""), "Bad Request: message text is empty")

	photo := tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "p.jpg", Bytes: []byte("jpeg")})
	photo.Caption = strings.Repeat(emoji, 513) // 1026 units
	_, err := bot.Send(photo)
	apiError(t, err, "Bad Request: message caption is too long")
	photo.Caption = strings.Repeat(emoji, 512)
	if _, err := bot.Send(photo); err != nil {
		t.Errorf("1024-unit caption: %v", err)
	}
	if got := len(srv.Sent(42)); got != 5 {
		t.Errorf("delivered %d, want 5", got)
	}
}

func TestPerChatFloodControl(t *testing.T) {
	clk := newClock()
	srv := start(t, telegramtest.Options{Now: clk.Now})
	bot := newBot(t, srv)
	srv.AllowChat(42)
	for i := range 3 {
		if _, err := bot.Send(tgbotapi.NewMessage(42, fmt.Sprint("burst ", i))); err != nil {
			t.Fatalf("message %d of the burst: %v", i, err)
		}
	}
	_, err := bot.Send(tgbotapi.NewMessage(42, "one too many"))
	te := apiError(t, err, "Too Many Requests: retry after 1")
	if te.Code != 429 || te.RetryAfter != 1 {
		t.Errorf("429 = %+v", te)
	}
	if got := len(srv.Sent(42)); got != 3 {
		t.Errorf("delivered %d, want 3 (a rejected send is not delivered)", got)
	}

	clk.Advance(time.Duration(te.RetryAfter) * time.Second)
	if _, err := bot.Send(tgbotapi.NewMessage(42, "after waiting")); err != nil {
		t.Errorf("after retry_after: %v", err)
	}
	// Raw envelope: HTTP status and parameters.retry_after.
	status, env := postForm(t, srv, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"again"}})
	if status != 429 || env.Parameters == nil || env.Parameters.RetryAfter != 1 {
		t.Errorf("raw 429: %d %+v", status, env)
	}
	if st := srv.Stats(); st.RateLimited != 2 || st.Delivered != 4 {
		t.Errorf("stats = %+v", st)
	}
}

func TestGroupFloodControl(t *testing.T) {
	clk := newClock()
	srv := start(t, telegramtest.Options{Now: clk.Now})
	bot := newBot(t, srv)
	const group = -1001234567890
	srv.AllowChat(group)
	for i := range 20 { // one a second: within the per-chat rate
		if _, err := bot.Send(tgbotapi.NewMessage(group, fmt.Sprint("report ", i))); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		clk.Advance(time.Second)
	}
	// 20 messages in the last 20 s; the first leaves the window at 60 s.
	_, err := bot.Send(tgbotapi.NewMessage(group, "21st"))
	te := apiError(t, err, "Too Many Requests: retry after 40")
	clk.Advance(time.Duration(te.RetryAfter) * time.Second)
	if _, err := bot.Send(tgbotapi.NewMessage(group, "21st, later")); err != nil {
		t.Errorf("after retry_after: %v", err)
	}
}

func TestGlobalFloodControl(t *testing.T) {
	clk := newClock()
	srv := start(t, telegramtest.Options{Now: clk.Now, GlobalRate: 2, GlobalBurst: 2})
	bot := newBot(t, srv)
	for _, chat := range []int64{1, 2, 3} {
		srv.AllowChat(chat)
	}
	for _, chat := range []int64{1, 2} {
		if _, err := bot.Send(tgbotapi.NewMessage(chat, "hi")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := bot.Send(tgbotapi.NewMessage(3, "hi"))
	te := apiError(t, err, "Too Many Requests: retry after 1")
	clk.Advance(time.Duration(te.RetryAfter) * time.Second)
	if _, err := bot.Send(tgbotapi.NewMessage(3, "hi")); err != nil {
		t.Errorf("after retry_after: %v", err)
	}
}

func TestConcurrentSendsToOneChatRespectTheBurst(t *testing.T) {
	clk := newClock()
	srv := start(t, telegramtest.Options{Now: clk.Now})
	bot := newBot(t, srv)
	srv.AllowChat(42)
	var ok, limited atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, err := bot.Send(tgbotapi.NewMessage(42, fmt.Sprint(i)))
			var te *tgbotapi.Error
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &te) && te.Code == 429:
				limited.Add(1)
			default:
				t.Errorf("send: %v", err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 3 || limited.Load() != 17 || len(srv.Sent(42)) != 3 {
		t.Errorf("ok %d, limited %d, delivered %d; want 3, 17, 3", ok.Load(), limited.Load(), len(srv.Sent(42)))
	}
}

func TestConcurrentSendsToManyChats(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	const chats, perChat = 20, 5
	for chat := range int64(chats) {
		srv.SendText(chat+1, chat+1, "hello") // message 1 in each chat
	}
	var wg sync.WaitGroup
	for chat := range int64(chats) {
		for i := range perChat {
			wg.Go(func() {
				if _, err := bot.Send(tgbotapi.NewMessage(chat+1, fmt.Sprint("reply ", i))); err != nil {
					t.Errorf("send: %v", err)
				}
			})
		}
	}
	ctx := testContext(t)
	for chat := range int64(chats) {
		sent, err := srv.WaitSent(ctx, chat+1, perChat)
		if err != nil {
			t.Fatalf("chat %d: %v", chat+1, err)
		}
		seen := map[int]bool{}
		for _, s := range sent {
			if s.MessageID < 2 || s.MessageID > perChat+1 || seen[s.MessageID] {
				t.Errorf("chat %d: message id %d reused or out of sequence", chat+1, s.MessageID)
			}
			seen[s.MessageID] = true
		}
	}
	wg.Wait()
	if got := len(srv.AllSent()); got != chats*perChat {
		t.Errorf("AllSent = %d", got)
	}
}

func TestBlockedAndUnknownChats(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	srv.SendText(42, 42, "hi")
	if _, err := bot.Send(tgbotapi.NewMessage(42, "welcome")); err != nil {
		t.Fatal(err)
	}
	srv.Block(42)
	_, err := bot.Send(tgbotapi.NewMessage(42, "are you there?"))
	if te := apiError(t, err, "Forbidden: bot was blocked by the user"); te.Code != 403 {
		t.Errorf("code = %d", te.Code)
	}
	_, err = bot.Request(tgbotapi.NewChatAction(42, tgbotapi.ChatTyping))
	apiError(t, err, "Forbidden: bot was blocked by the user")
	ups := updates(t, bot, 0, 0)
	if len(ups) != 2 || ups[1].MyChatMember == nil || ups[1].MyChatMember.NewChatMember.Status != "kicked" {
		t.Errorf("want a my_chat_member update with status kicked, got %+v", ups)
	}

	_, err = bot.Send(tgbotapi.NewMessage(7, "hello stranger"))
	if te := apiError(t, err, "Forbidden: bot can't initiate conversation with a user"); te.Code != 403 {
		t.Errorf("code = %d", te.Code)
	}
	_, err = bot.Send(tgbotapi.NewMessage(-5, "hello group"))
	if te := apiError(t, err, "Bad Request: chat not found"); te.Code != 400 {
		t.Errorf("code = %d", te.Code)
	}
	srv.AllowChat(-5)
	srv.Block(-5)
	_, err = bot.Send(tgbotapi.NewMessage(-5, "hello group"))
	apiError(t, err, "Forbidden: bot was kicked from the group chat")

	srv.Unblock(42)
	if _, err := bot.Send(tgbotapi.NewMessage(42, "welcome back")); err != nil {
		t.Errorf("after Unblock: %v", err)
	}
	if got := len(srv.Sent(42)); got != 2 {
		t.Errorf("delivered to 42: %d, want 2", got)
	}
}

func TestGetFileAndDownload(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	photo := randomBytes(5000)
	srv.SendPhoto(42, 42, photo, "broken street light")
	srv.SendDocument(42, 42, "report.pdf", "application/pdf", []byte("%PDF-1.4"), "")

	ups := updates(t, bot, 0, 0)
	sizes := ups[0].Message.Photo
	if len(sizes) != 2 || sizes[1].FileSize != len(photo) || ups[0].Message.Caption != "broken street light" {
		t.Fatalf("photo message = %+v", ups[0].Message)
	}
	f, err := bot.GetFile(tgbotapi.FileConfig{FileID: sizes[1].FileID})
	if err != nil || f.FilePath == "" || f.FileSize != len(photo) {
		t.Fatalf("getFile = %+v, %v", f, err)
	}
	if status, got := download(t, srv, srv.Token(), f.FilePath); status != 200 || !bytes.Equal(got, photo) {
		t.Errorf("download: status %d, %d bytes", status, len(got))
	}
	thumb, err := bot.GetFile(tgbotapi.FileConfig{FileID: sizes[0].FileID})
	if err != nil {
		t.Fatal(err)
	}
	if _, got := download(t, srv, srv.Token(), thumb.FilePath); !bytes.Equal(got, photo[:1024]) {
		t.Errorf("thumbnail has %d bytes", len(got))
	}

	doc := ups[1].Message.Document
	if doc.FileName != "report.pdf" || doc.MimeType != "application/pdf" {
		t.Errorf("document = %+v", doc)
	}
	df, err := bot.GetFile(tgbotapi.FileConfig{FileID: doc.FileID})
	if err != nil || !strings.HasSuffix(df.FilePath, ".pdf") {
		t.Errorf("getFile(document) = %+v, %v", df, err)
	}

	_, err = bot.GetFile(tgbotapi.FileConfig{FileID: "nope"})
	apiError(t, err, "Bad Request: invalid file_id")
	if status, _ := download(t, srv, srv.Token(), "photos/file_99.jpg"); status != 404 {
		t.Errorf("unknown path: status %d", status)
	}
	if status, _ := download(t, srv, "1:bad", f.FilePath); status != 401 {
		t.Errorf("wrong token: status %d", status)
	}
}

func TestLargeFiles(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	srv.SendLargeDocument(42, 42, "cctv.mp4", "video/mp4", 25_000_000)
	const small = 3 << 20
	srv.SendLargeDocument(42, 42, "scan.tiff", "image/tiff", small)
	ups := updates(t, bot, 0, 0)

	big := ups[0].Message.Document
	if big.FileSize != 25_000_000 {
		t.Errorf("file_size = %d", big.FileSize)
	}
	_, err := bot.GetFile(tgbotapi.FileConfig{FileID: big.FileID})
	if te := apiError(t, err, "Bad Request: file is too big"); te.Code != 400 {
		t.Errorf("code = %d", te.Code)
	}

	f, err := bot.GetFile(tgbotapi.FileConfig{FileID: ups[1].Message.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	_, got := download(t, srv, srv.Token(), f.FilePath)
	if len(got) != small {
		t.Fatalf("downloaded %d bytes, want %d", len(got), small)
	}
	for i, b := range got {
		if b != telegramtest.LargeFileByte(int64(i)) {
			t.Fatalf("byte %d = %d, want %d", i, b, telegramtest.LargeFileByte(int64(i)))
		}
	}
}

func TestInlineKeyboardAndCallbacks(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	_, start := srv.SendText(42, 42, "/start")
	msg := tgbotapi.NewMessage(42, "Welcome! What do you want to do?")
	msg.ReplyToMessageID = start
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("File a complaint", "complain"),
		tgbotapi.NewInlineKeyboardButtonData("Cancel", "cancel")))
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if sent.ReplyToMessage == nil || sent.ReplyToMessage.MessageID != start || sent.ReplyMarkup == nil {
		t.Errorf("sent message = %+v", sent)
	}
	want := [][]telegramtest.Button{{{Text: "File a complaint", Data: "complain"}, {Text: "Cancel", Data: "cancel"}}}
	if got := srv.Sent(42)[0]; fmt.Sprint(got.Keyboard) != fmt.Sprint(want) || got.ReplyTo != start {
		t.Errorf("recorded = %+v", got)
	}

	_, queryID := srv.PressButton(42, 42, sent.MessageID, "complain")
	ups := updates(t, bot, 0, 0)
	cq := ups[len(ups)-1].CallbackQuery
	if cq == nil || cq.ID != queryID || cq.Data != "complain" || cq.Message.MessageID != sent.MessageID || cq.From.ID != 42 {
		t.Fatalf("callback_query = %+v", cq)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(queryID, "Noted")); err != nil {
		t.Fatalf("answerCallbackQuery: %v", err)
	}
	if a, ok := srv.CallbackAnswer(queryID); !ok || a.Text != "Noted" {
		t.Errorf("answer = %+v, %v", a, ok)
	}
	tooOld := "Bad Request: query is too old and response timeout expired or query ID is invalid"
	_, err = bot.Request(tgbotapi.NewCallback(queryID, "Noted again"))
	if te := apiError(t, err, tooOld); te.Code != 400 {
		t.Errorf("code = %d", te.Code)
	}
	_, err = bot.Request(tgbotapi.NewCallback("12345", ""))
	apiError(t, err, tooOld)
	if n := srv.Stats().AnsweredCallbacks; n != 1 {
		t.Errorf("answered = %d", n)
	}

	edited, err := bot.Send(tgbotapi.NewEditMessageText(42, sent.MessageID, "You chose: complain"))
	if err != nil || edited.Text != "You chose: complain" || edited.ReplyMarkup != nil || edited.EditDate == 0 {
		t.Errorf("edit = %+v, %v", edited, err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageText(42, sent.MessageID, "You chose: complain"))
	apiError(t, err, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	_, err = bot.Send(tgbotapi.NewEditMessageText(42, 999, "x"))
	apiError(t, err, "Bad Request: message to edit not found")
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(42, sent.MessageID, tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Undo", "undo")))))
	if err != nil {
		t.Errorf("editMessageReplyMarkup: %v", err)
	}
	if got := srv.Sent(42); len(got) != 3 || got[1].Method != "editMessageText" || got[2].Keyboard[0][0].Data != "undo" {
		t.Errorf("recorded = %+v", got)
	}

	long := tgbotapi.NewMessage(42, "pick")
	long.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("d", 65))))
	_, err = bot.Send(long)
	apiError(t, err, "Bad Request: BUTTON_DATA_INVALID")
	status, env := postJSON(t, srv, "sendMessage", `{"chat_id":42,"text":"pick","reply_markup":{"inline_keyboard":[[{"text":"bare"}]]}}`)
	if status != 400 || !strings.HasPrefix(env.Description, "Bad Request: can't parse inline keyboard button") {
		t.Errorf("text-only button: %d %+v", status, env)
	}
	status, env = postJSON(t, srv, "sendMessage", `{"chat_id":42,"text":"pick","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`)
	var m tgbotapi.Message
	if status != 200 || json.Unmarshal(env.Result, &m) != nil || m.ReplyMarkup == nil {
		t.Errorf("JSON body: %d %+v", status, env)
	}
}

func TestMultipartUploads(t *testing.T) {
	srv := start(t, unlimited)
	bot := newBot(t, srv)
	srv.AllowChat(42)
	pdf := randomBytes(200_000)
	doc := tgbotapi.NewDocument(42, tgbotapi.FileBytes{Name: "receipt.pdf", Bytes: pdf})
	doc.Caption = "your complaint receipt"
	m, err := bot.Send(doc)
	if err != nil {
		t.Fatal(err)
	}
	if m.Document == nil || m.Document.FileName != "receipt.pdf" || m.Document.MimeType != "application/pdf" || m.Caption != doc.Caption {
		t.Errorf("message = %+v", m)
	}
	rec := srv.Sent(42)[0]
	if rec.Method != "sendDocument" || rec.FileName != "receipt.pdf" || rec.ContentType != "application/octet-stream" ||
		!bytes.Equal(rec.FileData, pdf) || rec.Caption != doc.Caption || rec.FileID != m.Document.FileID {
		t.Errorf("recorded = %+v", rec)
	}
	f, err := bot.GetFile(tgbotapi.FileConfig{FileID: m.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	if _, got := download(t, srv, srv.Token(), f.FilePath); !bytes.Equal(got, pdf) {
		t.Error("downloaded upload differs")
	}

	// Re-sending by file_id needs no upload.
	if _, err := bot.Send(tgbotapi.NewDocument(42, tgbotapi.FileID(m.Document.FileID))); err != nil {
		t.Errorf("re-send by file_id: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewDocument(42, tgbotapi.FileID("unknown")))
	apiError(t, err, "Bad Request: wrong file identifier/HTTP URL specified")

	_, err = bot.Send(tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "huge.jpg", Bytes: make([]byte, 10<<20+1)}))
	apiError(t, err, "Request Entity Too Large")
	if status := rawUpload(t, srv, "sendPhoto", "photo", 10<<20+1); status != 413 {
		t.Errorf("oversized photo: status %d, want 413", status)
	}
	if got := len(srv.Sent(42)); got != 2 {
		t.Errorf("delivered %d, want 2", got)
	}
}

// rawUpload posts a multipart upload of size zero bytes in field and returns the
// HTTP status.
func rawUpload(t *testing.T, srv *telegramtest.Server, method, field string, size int) int {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("chat_id", "42")
	part, _ := w.CreateFormFile(field, "file.bin")
	_, _ = part.Write(make([]byte, size))
	_ = w.Close()
	resp, err := http.Post(fmt.Sprintf(srv.APIEndpoint(), srv.Token(), method), w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	env := decode(t, resp)
	if env.ErrorCode != resp.StatusCode && !env.Ok {
		t.Errorf("error_code %d differs from HTTP status %d", env.ErrorCode, resp.StatusCode)
	}
	return resp.StatusCode
}

func TestCitizenMessageKinds(t *testing.T) {
	// The poll goes to a group: privacy mode off, so that it is delivered.
	o := unlimited
	o.ReadAllGroupMessages = true
	srv := start(t, o)
	bot := newBot(t, srv)
	srv.SendVideo(42, 42, []byte("mp4"), "flood")
	srv.SendVoice(42, 42, []byte("ogg"), "")
	srv.SendAudio(42, 42, []byte("mp3"), "")
	srv.SendLocation(42, 42, -6.2, 106.8)
	srv.SendSticker(42, 42, "👍")
	srv.SendPoll(-100, 42, "Fix it?", "yes", "no")
	srv.SendContact(42, 42, "+62811000000")
	_, msgID := srv.SendText(42, 42, "first draft")
	srv.EditText(42, 42, msgID, "final text")
	raw := srv.AddRawUpdate(json.RawMessage(`{"update_id":1,"chat_join_request":{"chat":{"id":-100,"type":"group"},"from":{"id":9,"is_bot":false,"first_name":"N"},"date":1}}`))

	ups := updates(t, bot, 0, 0)
	if len(ups) != 10 {
		t.Fatalf("got %d updates", len(ups))
	}
	m := func(i int) *tgbotapi.Message { return ups[i].Message }
	checks := []bool{
		m(0).Video != nil && m(0).Caption == "flood",
		m(1).Voice != nil && m(1).Voice.Duration > 0,
		m(2).Audio != nil,
		m(3).Location != nil && m(3).Location.Latitude == -6.2,
		m(4).Sticker != nil && m(4).Sticker.Emoji == "👍",
		m(5).Poll != nil && len(m(5).Poll.Options) == 2 && m(5).Chat.Type == "group",
		m(6).Contact != nil && m(6).Contact.UserID == 42,
		m(7).Text == "first draft", // a queued update is not rewritten by a later edit
		ups[8].EditedMessage != nil && ups[8].EditedMessage.Text == "final text" && ups[8].EditedMessage.EditDate != 0,
		ups[9].UpdateID == raw && ups[9].ChatJoinRequest != nil,
	}
	for i, ok := range checks {
		if !ok {
			t.Errorf("update %d: %+v", i, ups[i])
		}
	}
}

func TestFaults(t *testing.T) {
	srv := start(t, unlimited)
	srv.AllowChat(42)
	var fault atomic.Int32
	srv.SetFault(func(method string) telegramtest.Fault {
		if method != "sendMessage" {
			return telegramtest.FaultNone
		}
		return telegramtest.Fault(fault.Load())
	})
	send := func(client *http.Client) error {
		b, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.APIEndpoint(), client)
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.Send(tgbotapi.NewMessage(42, "hello"))
		return err
	}

	fault.Store(int32(telegramtest.FaultServerError))
	resp, err := http.PostForm(fmt.Sprintf(srv.APIEndpoint(), srv.Token(), "sendMessage"), url.Values{"chat_id": {"42"}, "text": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.HasPrefix(string(body), "<html>") {
		t.Errorf("server error: %d %q", resp.StatusCode, body)
	}
	var te *tgbotapi.Error
	if err := send(http.DefaultClient); err == nil || errors.As(err, &te) {
		t.Errorf("HTML body must fail decoding, got %v", err)
	}

	fault.Store(int32(telegramtest.FaultTooMany))
	te = apiError(t, send(http.DefaultClient), "Too Many Requests: retry after 1")
	if te.Code != 429 || te.RetryAfter != 1 {
		t.Errorf("TooMany = %+v", te)
	}

	fault.Store(int32(telegramtest.FaultReset))
	if err := send(http.DefaultClient); err == nil || errors.As(err, &te) {
		t.Errorf("reset: want a transport error, got %v", err)
	}

	fault.Store(int32(telegramtest.FaultTimeout))
	err = send(&http.Client{Timeout: 300 * time.Millisecond})
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("timeout: want a client timeout, got %v", err)
	}

	fault.Store(int32(telegramtest.FaultNone))
	if err := send(http.DefaultClient); err != nil {
		t.Errorf("no fault: %v", err)
	}
	st := srv.Stats()
	if st.Delivered != 1 || len(srv.Sent(42)) != 1 {
		t.Errorf("faulted sends were delivered: %+v", st)
	}
	for _, f := range []telegramtest.Fault{telegramtest.FaultServerError, telegramtest.FaultTooMany, telegramtest.FaultReset, telegramtest.FaultTimeout} {
		if st.Faults[f] == 0 {
			t.Errorf("fault %v not counted: %v", f, st.Faults)
		}
	}
}

func TestCloseReleasesHeldRequestsAndWaiters(t *testing.T) {
	srv := telegramtest.New(unlimited)
	held := make(chan struct{})
	var once sync.Once
	srv.SetFault(func(method string) telegramtest.Fault {
		if method == "sendMessage" {
			once.Do(func() { close(held) })
			return telegramtest.FaultTimeout
		}
		return telegramtest.FaultNone
	})

	heldErr := make(chan error, 1)
	go func() {
		resp, err := http.PostForm(fmt.Sprintf(srv.APIEndpoint(), srv.Token(), "sendMessage"), url.Values{"chat_id": {"1"}})
		if err == nil {
			resp.Body.Close()
		}
		heldErr <- err
	}()
	type pollResult struct {
		env tgbotapi.APIResponse
		err error
	}
	polled := make(chan pollResult, 1)
	go func() {
		resp, err := http.PostForm(fmt.Sprintf(srv.APIEndpoint(), srv.Token(), "getUpdates"), url.Values{"timeout": {"60"}})
		if err != nil {
			polled <- pollResult{err: err}
			return
		}
		defer resp.Body.Close()
		var env tgbotapi.APIResponse
		polled <- pollResult{env, json.NewDecoder(resp.Body).Decode(&env)}
	}()
	waited := make(chan error, 1)
	go func() {
		_, err := srv.WaitSent(context.Background(), 1, 1)
		waited <- err
	}()
	<-held
	if err := srv.WaitPolling(testContext(t)); err != nil {
		t.Fatal(err)
	}

	srv.Close()
	if err := <-heldErr; err == nil {
		t.Error("held request got an answer; want the connection closed")
	}
	if r := <-polled; r.err != nil || !r.env.Ok || string(r.env.Result) != "[]" {
		t.Errorf("long poll on Close: %+v", r)
	}
	if err := <-waited; !errors.Is(err, telegramtest.ErrClosed) {
		t.Errorf("WaitSent on Close: %v", err)
	}
}
