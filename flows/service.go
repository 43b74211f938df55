package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/hardcopy"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// Config holds the rules of the intake that a deployment may change.
type Config struct {
	DefaultLang        Lang
	TrackingPrefix     string        // "MGT"
	MinDescription     int           // characters a description needs at least
	MaxDescription     int           // characters a description may have at most
	MaxAttachments     int           // files per report
	MaxFileBytes       int64         // per file (Telegram bots cannot download more than 20 MB)
	DraftReminderAfter time.Duration // idle time before a draft's single reminder
	MaxAttempts        int           // tries at handling one inbound message before giving up politely
	RetryBase          time.Duration // first back-off after a failed try; doubles each time
	FetchBusyWait      time.Duration // how long a message waits when its file cannot be downloaded yet (ErrFetchBusy)
	Policy             Policy        // the SOP's time limits (policy.yaml)
	WebURL             string        // the web chat's public address, for sign-in links ("" leaves them relative)
	FloodPerMinute     int           // messages one private chat may send per minute; beyond, refused (0: no limit)
	// ButtonDataChannels show buttons that carry their own data (Telegram,
	// the web chat): no menu is remembered for their chats. On the others
	// (WhatsApp) a bare number picks from the last menu, so every message
	// with buttons rewrites its chat's menu row; a desk group that gets many
	// cards at once would make every handling transaction wait on that row.
	ButtonDataChannels []string
	// OfficerIDs turns a user id typed in /petugas on a channel into the id
	// that channel's messages carry (WhatsApp: "0812…" becomes
	// "62812…@s.whatsapp.net"); a channel without an entry keeps it as typed.
	OfficerIDs map[string]func(typed string) (string, error)
	// Handles turns a reporter's handle on a channel into what officers
	// read (WhatsApp: "62812…@s.whatsapp.net" becomes "+62 812-…"); a
	// channel without an entry shows it as stored.
	Handles map[string]func(handle string) string
	// InviteTTL is how long an officer invitation (/petugas undang) may
	// wait to be used.
	InviteTTL time.Duration
	// InviteLinks makes, per channel, the link that opens a private chat
	// with the bot carrying an invitation code (InviteMessage); "" when the
	// channel cannot make one now (not configured or not linked). Without
	// a link the code alone is shown.
	InviteLinks map[string]func(code string) string
	// Letterhead heads every printed page (empty: the regency and the
	// unit); Signature is who signs the monthly recap.
	Letterhead hardcopy.Letterhead
	Signature  hardcopy.Signature
	// OnHandled, when set, is told what became of each claimed inbound
	// message (observe.go), for the service's metrics.
	OnHandled func(Handled)
}

// DefaultConfig returns the defaults of DOMAIN.md and the issue.
func DefaultConfig() Config {
	return Config{
		DefaultLang:        LangID,
		TrackingPrefix:     "MGT",
		MinDescription:     30,
		MaxDescription:     20000,
		MaxAttachments:     10,
		MaxFileBytes:       20 << 20,
		DraftReminderAfter: 24 * time.Hour,
		MaxAttempts:        5,
		RetryBase:          time.Second,
		FetchBusyWait:      200 * time.Millisecond,
		Policy:             DefaultPolicy(),
		FloodPerMinute:     30,
		ButtonDataChannels: []string{"telegram", "web"},
		InviteTTL:          72 * time.Hour,
	}
}

// outboxTo writes replies to one chat in tx's transaction.
func (s *Service) outboxTo(ctx context.Context, tx *store.Tx, channel, chat string, lang Lang, now time.Time) outbox {
	return outbox{ctx: ctx, tx: tx, channel: channel, chat: chat, lang: lang, now: now, menus: s.remembersMenus(channel)}
}

// remembersMenus says whether the choices offered in a chat of channel are
// kept for numbered replies.
func (s *Service) remembersMenus(channel string) bool {
	return !slices.Contains(s.cfg.ButtonDataChannels, channel)
}

// Service runs the conversations. It is safe for concurrent use: each call
// of HandleNext handles one message in one transaction.
type Service struct {
	db      *store.DB
	cfg     Config
	base    *calendar.Calendar                // embedded holidays under the policy's rules
	current atomic.Pointer[calendar.Calendar] // base with the run-time holiday changes
	regency *region.Regency
	now     func() time.Time
	log     *slog.Logger
}

// New returns a Service. now is the clock every decision uses.
func New(db *store.DB, cfg Config, cal *calendar.Calendar, regency *region.Regency, now func() time.Time, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cal == nil {
		hs, _ := calendar.Embedded()
		cal = calendar.New(hs, calendar.Rules{CountStartDay: cfg.Policy.Calendar.CountStartDay,
			CutiBersamaIsHoliday: cfg.Policy.Calendar.CutiBersamaIsHoliday})
	}
	s := &Service{db: db, cfg: cfg, base: cal, regency: regency, now: now, log: log}
	s.current.Store(cal)
	return s
}

// cal is the working-day calendar in force.
func (s *Service) cal() *calendar.Calendar { return s.current.Load() }

// ReloadCalendar applies the run-time holiday changes stored in the
// database (other replicas' /libur too) to the embedded calendar.
func (s *Service) ReloadCalendar(ctx context.Context) error {
	changes, err := s.db.HolidayChanges(ctx)
	if err != nil {
		return err
	}
	var add []calendar.Holiday
	var remove []calendar.Date
	for _, c := range changes {
		d := calendar.Date{Year: c.Day.Year(), Month: c.Day.Month(), Day: c.Day.Day()}
		if c.Removed {
			remove = append(remove, d)
		} else {
			add = append(add, calendar.Holiday{Date: d, Name: c.Name, Kind: calendar.KindLocal, Source: "run time: " + c.ChangedBy})
		}
	}
	s.current.Store(s.base.With(add, remove))
	return nil
}

// ErrIdle is returned by HandleNext when no message is ready.
var ErrIdle = errors.New("flows: nothing to handle")

// ErrPostponed is returned by HandleNext when the message it took was put
// back because its file could not be downloaded now (ErrFetchBusy): the
// caller may go on with the next one at once.
var ErrPostponed = errors.New("flows: message put back until a download is free")

// retryable wraps a failure at handling one inbound message.
type retryable struct {
	id       int64
	attempts int
	chat     string
	channel  string
	outcome  string // how the handling finished it (store.Tx.Finished), once committed
	err      error
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// HandleNext handles the next ready inbound message of any chat: claim it,
// fetch its file, run the conversation step, and commit the state, the
// report changes and every reply together. It returns ErrIdle when there is
// nothing to do. A failure rolls everything back and schedules a retry with
// back-off; after MaxAttempts the message is closed with a polite apology to
// the chat, so nothing loops forever and nothing is silently dropped.
func (s *Service) HandleNext(ctx context.Context, fetch FileFetcher) (err error) {
	var claimed *retryable
	if s.cfg.OnHandled != nil {
		defer s.observe(time.Now(), &claimed, &err)
	}
	var elsewhere []string
	if r, ok := fetch.(FileRouter); ok {
		elsewhere = r.FilesElsewhere(ctx)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) (err error) {
		now := s.now()
		in, err := tx.ClaimInboundLeaving(ctx, now, elsewhere)
		if errors.Is(err, store.ErrNotFound) {
			return ErrIdle
		}
		if err != nil {
			return fmt.Errorf("claim inbound: %w", err)
		}
		claimed = &retryable{id: in.ID, attempts: in.Attempts, chat: in.ChatID, channel: in.Channel}
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		if err := s.handle(ctx, tx, in, fetch, now); err != nil {
			return err
		}
		claimed.outcome = tx.Finished()
		return nil
	})
	if err == nil || errors.Is(err, ErrIdle) || claimed == nil {
		return err
	}
	if errors.Is(err, ErrFetchBusy) {
		if err := s.db.PostponeInbound(ctx, claimed.id, s.now().Add(s.cfg.FetchBusyWait)); err != nil {
			return err
		}
		return ErrPostponed
	}
	claimed.err = err
	return s.giveUpOrRetry(ctx, claimed, fetch)
}

// flood refuses a private chat's message beyond FloodPerMinute in the
// minute before it, so one chat cannot take the service from everyone
// else. The first refused message of a burst gets one notice that says
// what to do; the rest are recorded as refused.
func (s *Service) flood(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound, now time.Time) (bool, error) {
	if s.cfg.FloodPerMinute <= 0 || in.IsGroup || msg.IsGroup || msg.Kind == KindMembership {
		return false, nil
	}
	n := in.Recent
	if n <= s.cfg.FloodPerMinute {
		return false, nil
	}
	if n == s.cfg.FloodPerMinute+1 {
		conv, err := tx.LoadConversation(ctx, in.Channel, in.ChatID)
		if err != nil {
			return false, err
		}
		o := s.outboxTo(ctx, tx, in.Channel, in.ChatID, Lang(conv.Lang), now)
		if o.lang == "" {
			o.lang = s.cfg.DefaultLang
		}
		if err := o.say(T(o.lang, "flood", s.cfg.FloodPerMinute)); err != nil {
			return false, err
		}
		s.log.Warn("a chat is flooding; its messages are refused for a minute", "channel", in.Channel, "chat", in.ChatID)
	}
	return true, tx.FinishInbound(ctx, in.ID, "refused: flood", now)
}

// giveUpOrRetry schedules another try, or closes the message with an
// apology once it has failed MaxAttempts times.
func (s *Service) giveUpOrRetry(ctx context.Context, r *retryable, fetch FileFetcher) error {
	now := s.now()
	if r.attempts+1 < s.cfg.MaxAttempts {
		backoff := s.cfg.RetryBase << r.attempts
		if err := s.db.DeferInbound(ctx, r.id, now.Add(backoff), r.err.Error()); err != nil {
			return errors.Join(r, err)
		}
		return r
	}
	s.log.Error("giving up on inbound message", "inbox_id", r.id, "attempts", r.attempts+1, "err", r.err)
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		in, err := tx.LockInbound(ctx, r.id)
		if errors.Is(err, store.ErrNotFound) {
			return nil // finished meanwhile by another worker
		}
		if err != nil {
			return err
		}
		var msg Inbound
		_ = json.Unmarshal(in.Payload, &msg)
		conv, err := tx.LoadConversation(ctx, in.Channel, in.ChatID)
		if err != nil {
			return err
		}
		if !in.IsGroup {
			o := s.outboxTo(ctx, tx, in.Channel, in.ChatID, Lang(conv.Lang), now)
			if err := o.say(T(o.lang, "internal.error")); err != nil {
				return err
			}
		}
		// Its file was not kept: nothing of it stays.
		if err := (&incoming{fetch: fetch}).settle(ctx, tx, in, msg); err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, "failed: "+truncate(r.err.Error(), 500), now)
	})
	return errors.Join(r, err)
}

// handle runs one claimed message through the conversation. A file the
// conversation did not keep leaves nothing stored.
func (s *Service) handle(ctx context.Context, tx *store.Tx, in store.Inbound, fetch FileFetcher, now time.Time) error {
	var msg Inbound
	if err := json.Unmarshal(in.Payload, &msg); err != nil {
		s.log.Warn("undecodable inbound message refused", "inbox_id", in.ID, "err", err)
		return tx.FinishInbound(ctx, in.ID, "refused: undecodable", now)
	}
	files := &incoming{fetch: fetch}
	if err := s.handleMessage(ctx, tx, in, msg, files, now); err != nil {
		return err
	}
	return files.settle(ctx, tx, in, msg)
}

// handleMessage decides what one decoded message means and answers it.
func (s *Service) handleMessage(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound, files *incoming, now time.Time) error {
	if refused, err := s.flood(ctx, tx, in, msg, now); err != nil || refused {
		return err
	}
	if err := numberedChoice(ctx, tx, in, &msg); err != nil {
		return err
	}
	if code, ok := inviteAttempt(msg); ok { // before a group's or a citizen's /start
		return s.redeemInvite(ctx, tx, in, msg, code, now)
	}
	if in.IsGroup || msg.IsGroup {
		outcome, err := s.handleGroup(ctx, tx, in, msg, files, now)
		if err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, outcome, now)
	}
	if msg.Kind == KindMembership {
		return tx.FinishInbound(ctx, in.ID, "noted: membership", now)
	}
	if msg.Kind == KindCommand && (msg.Command == "saya" || msg.Command == "whoami") {
		return s.answerWhoAmI(ctx, tx, in, msg, now)
	}
	if msg.Kind == KindCommand && (msg.Command == "bantuan" || msg.Command == "help") {
		// An officer's help in a private chat lists their role's commands
		// before the citizen's.
		if _, err := officerOf(ctx, tx, in.Channel, msg); err == nil {
			o, err := s.newOffice(ctx, tx, in, msg, now)
			if err != nil {
				return err
			}
			if err := o.help(); err != nil {
				return err
			}
		}
	}
	if msg.Kind == KindCommand && isOfficerCommand(msg.Command) {
		_, err := officerOf(ctx, tx, in.Channel, msg)
		switch {
		case err == nil:
			outcome, err := s.handleOfficerPrivate(ctx, tx, in, msg, now)
			if err != nil {
				return err
			}
			return tx.FinishInbound(ctx, in.ID, outcome, now)
		case errors.Is(err, store.ErrNotFound):
			// A citizen trying an officer's command: refused like any
			// unknown command, and written to the audit log.
			if err := tx.Audit(ctx, store.AuditEntry{At: now, Channel: in.Channel, ChatID: in.ChatID, UserID: msg.UserID,
				Action: "/" + msg.Command, Detail: "not an officer"}); err != nil {
				return err
			}
		default:
			return err
		}
	}
	if in.ChatBlocked { // they are back: the chat may be written to again
		if err := tx.UnblockChat(ctx, in.Channel, in.ChatID); err != nil {
			return err
		}
	}
	conv, err := tx.LoadConversation(ctx, in.Channel, in.ChatID)
	if err != nil {
		return err
	}
	t, err := newTurn(ctx, s, tx, in, msg, conv, now)
	if err != nil {
		return err
	}
	if err := t.fetchFile(files); err != nil {
		return err
	}
	outcome, err := t.run()
	if err != nil {
		return err
	}
	if err := t.save(); err != nil {
		return err
	}
	return tx.FinishInbound(ctx, in.ID, outcome, now)
}

// outbox writes replies into the transaction of the message being handled.
type outbox struct {
	ctx     context.Context
	tx      *store.Tx
	channel string
	chat    string
	lang    Lang
	now     time.Time
	menus   bool // remember the choices offered (Service.remembersMenus)
}

func (o *outbox) say(text string, rows ...[]Button) error {
	return enqueue(o.ctx, o.tx, o.channel, o.chat, Outbound{Text: text, Buttons: rows}, o.now, o.menus)
}

// enqueue writes one outgoing message and, with menus, remembers the
// choices it offers (a message without buttons clears them), for channels
// that number them.
func enqueue(ctx context.Context, tx *store.Tx, channel, chat string, o Outbound, now time.Time, menus bool) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if err := tx.Enqueue(ctx, channel, chat, b, now); err != nil {
		return err
	}
	if !menus {
		return nil
	}
	if (o.AttachmentID != 0 || o.DocumentID != 0) && len(o.Buttons) == 0 {
		return nil // a file after a card leaves the card's choices in force
	}
	return tx.SetMenu(ctx, channel, chat, o.Choices(), now)
}

// numberedChoice turns a bare number sent on a numbered-menu channel into
// the press of that button of the last menu.
func numberedChoice(ctx context.Context, tx *store.Tx, in store.Inbound, msg *Inbound) error {
	if !msg.NumberedMenus || msg.Kind != KindText {
		return nil
	}
	text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(msg.Text), "."))
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > 99 {
		return nil
	}
	choices, err := tx.Menu(ctx, in.Channel, in.ChatID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && n > len(choices)) {
		return nil // a number that is not a choice: plain text (a date, a kecamatan number…)
	}
	if err != nil {
		return err
	}
	msg.Kind, msg.Button, msg.Text = KindButton, choices[n-1], ""
	return nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
