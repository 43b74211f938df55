// Package whatsapp is lapor's WhatsApp channel, built on whatsmeow (a
// linked-device client of the regular WhatsApp app). It is the twin of
// bot/telegram: it stores every received message in the inbox before
// WhatsApp is acknowledged, translates whatsmeow events into neutral
// flows.Inbound messages, and delivers neutral outgoing messages with
// message ids derived from the outbox key, so a retry after a crash reuses
// the id. It translates; it decides nothing about complaints.
//
// Identity. A WhatsApp user has a phone-number JID ("62812…@s.whatsapp.net")
// and, since WhatsApp's privacy migration, a LID ("12345…@lid") that hides
// the number. Events carry either, sometimes both (Sender/SenderAlt), so
// the channel applies one rule everywhere:
//
//	a person's canonical id is their LID without device part when it is
//	known (from the event, or from the LID map of Options.LIDs), otherwise
//	their phone-number JID without device part.
//
// A private chat's ChatID and every UserID are that canonical id; a group's
// ChatID is the group JID ("…@g.us"). The phone-number JID, when known, is
// kept as Inbound.Username: flows stores it but never shows it to agencies.
// A chat first keyed by the number (its LID not yet known) becomes the
// LID's when a message first shows both (address.go).
//
// Nothing here is shown to users except the numbered-menu hint that
// replaces inline buttons, which the regular WhatsApp app has not got.
package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot"
)

// Name is the channel's name in stored rows.
const Name = "whatsapp"

// Client is the part of *whatsmeow.Client the channel uses; tests use a
// fake. The real client satisfies it as it is (see NewClient).
type Client interface {
	// SendMessage sends msg to a chat; extra carries the pre-generated id.
	SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	// Upload encrypts and uploads a file for a media message.
	Upload(ctx context.Context, data []byte, mediaType whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	// DownloadToFile fetches, checks and decrypts the file of a media
	// sub-message in file, never holding it whole in memory.
	DownloadToFile(ctx context.Context, msg whatsmeow.DownloadableMessage, file whatsmeow.File) error
	// SendMediaRetryReceipt asks the sender's phone to upload an expired
	// file again; the answer arrives as *events.MediaRetry.
	SendMediaRetryReceipt(ctx context.Context, info *types.MessageInfo, mediaKey []byte) error
}

var _ Client = (*whatsmeow.Client)(nil)

// NewClient adapts the real client to Client. *whatsmeow.Client has every
// method already; the function exists so callers need not know that.
func NewClient(c *whatsmeow.Client) Client { return c }

// LIDResolver maps phone-number JIDs to LIDs and back; whatsmeow's
// Client.Store.LIDs (store.LIDStore) satisfies it.
type LIDResolver interface {
	GetLIDForPN(ctx context.Context, pn types.JID) (types.JID, error)
	GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error)
}

// Options configures the channel.
type Options struct {
	// Secret is mixed into the message ids derived from outbox keys, so
	// that ids of two installations (or a test and production) never
	// collide and cannot be predicted from the outbox ids.
	Secret string
	// Pacing: default 1 message/s per chat (groups alike) and 1/s overall
	// (why: README, "WhatsApp").
	Pacing bot.Pacing
	// MaxDownload is the largest file Fetch downloads; default 20 MiB. A
	// download stops when it reaches it, whatever size the sender declared.
	MaxDownload int64
	// TempDir holds downloads until they are stored; default os.TempDir().
	TempDir string
	// HeldElsewhere reports whether another process holds the WhatsApp
	// session lock. A process without the connection (a stand-by replica)
	// then leaves file messages to the connected one instead of failing
	// attempts at them (see standby.go). Optional.
	HeldElsewhere func(ctx context.Context) (bool, error)
	// LIDs resolves a phone-number JID to the LID when the event carries
	// only the number (set it to Client.Store.LIDs). Optional: without it
	// only what the event carries is used.
	LIDs LIDResolver
	// SendTimeout bounds one send with its upload, and one download;
	// default 90 s.
	SendTimeout time.Duration
	// StoreTimeout bounds the inbox write in HandleEvent; default 10 s.
	StoreTimeout time.Duration
	// MediaRetryWait is how long Fetch waits for the sender's phone to
	// upload an expired file again; default 30 s.
	MediaRetryWait time.Duration
	Log            *slog.Logger
	// OnProblem is told, once per change, when the session stops working
	// (logged out, banned, client outdated, another process took the
	// session, unreachable…), and with a zero Problem when it works again.
	OnProblem func(Problem)
}

// ProblemKind says what stopped the session; each kind has its own notice.
type ProblemKind string

// The kinds of problem. ProblemOther comes from SetProblem.
const (
	ProblemNotLinked   ProblemKind = "not_linked"  // no account in the device store
	ProblemLoggedOut   ProblemKind = "logged_out"  // WhatsApp removed the device (Code: 401, 403, 406)
	ProblemBanned      ProblemKind = "banned"      // temporary ban (Code: 101…106; Until when known)
	ProblemOutdated    ProblemKind = "outdated"    // 405 client outdated, and no newer version helped
	ProblemReplaced    ProblemKind = "replaced"    // another process connected with the same keys
	ProblemRefused     ProblemKind = "refused"     // other connect failures (Code), CAT refresh errors
	ProblemUnreachable ProblemKind = "unreachable" // down longer than SupervisorOptions.StuckAfter
	ProblemOther       ProblemKind = "other"
)

// Problem is why the session does not work; the zero Problem means it works.
type Problem struct {
	Kind   ProblemKind
	Code   int       // WhatsApp's reason code, when there is one
	Until  time.Time // when a ban ends, when known
	Detail string    // in English, for /readyz and the log
}

// Channel is the WhatsApp channel.
type Channel struct {
	c     atomic.Pointer[clientRef]
	inbox *bot.Inbox
	o     Options
	log   *slog.Logger

	mu      sync.Mutex
	retries map[types.MessageID][]chan *events.MediaRetry // Fetch calls waiting for a re-upload
	problem Problem                                       // why the session does not work; zero when it does

	standby    standby      // standby.go
	supervised atomic.Bool  // a Supervisor runs on the channel: this process holds the session
	pause      accountPause // pause.go
}

// Health is nil while the session works, and otherwise says what is wrong
// and what a person must do (shown on /readyz).
func (ch *Channel) Health() error {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.problem != (Problem{}) {
		return errors.New(ch.problem.Detail)
	}
	return nil
}

// SetProblem records why the session does not work ("" when it does) and
// tells OnProblem about changes.
func (ch *Channel) SetProblem(problem string) {
	if problem == "" {
		ch.setProblem(Problem{})
		return
	}
	ch.setProblem(Problem{Kind: ProblemOther, Detail: problem})
}

// setProblem records p and tells OnProblem when it changed.
func (ch *Channel) setProblem(p Problem) {
	ch.mu.Lock()
	changed := ch.problem != p
	ch.problem = p
	ch.mu.Unlock()
	if changed && ch.o.OnProblem != nil {
		ch.o.OnProblem(p)
	}
}

var _ bot.Channel = (*Channel)(nil)

// New returns the channel. It makes no network call. client may be nil
// (see SetClient); inbox may be nil when the channel only sends.
func New(client Client, inbox *bot.Inbox, o Options) *Channel {
	if o.Pacing == (bot.Pacing{}) {
		o.Pacing = bot.Pacing{PerChat: time.Second, Global: time.Second}
	}
	if o.MaxDownload == 0 {
		o.MaxDownload = 20 << 20
	}
	if o.SendTimeout == 0 {
		o.SendTimeout = 90 * time.Second
	}
	if o.StoreTimeout == 0 {
		o.StoreTimeout = 10 * time.Second
	}
	if o.MediaRetryWait == 0 {
		o.MediaRetryWait = 30 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	ch := &Channel{inbox: inbox, o: o, log: o.Log.With("channel", Name),
		retries: map[types.MessageID][]chan *events.MediaRetry{}}
	ch.SetClient(client)
	return ch
}

type clientRef struct{ Client }

// Active reports whether this process has a connected client, so its
// dispatcher may send.
func (ch *Channel) Active() bool { return ch.c.Load() != nil }

// SetClient gives the channel its client, or takes it away (nil). A
// Supervisor does it: it gives the client while the connection is logged
// in; until then Send and Fetch fail with a transient error.
func (ch *Channel) SetClient(c Client) {
	if c == nil {
		ch.c.Store(nil)
		return
	}
	ch.c.Store(&clientRef{c})
}

// client is the current client, or nil.
func (ch *Channel) client() Client {
	if r := ch.c.Load(); r != nil {
		return r.Client
	}
	return nil
}

// Name implements bot.Channel.
func (ch *Channel) Name() string { return Name }

// Pacing implements bot.Channel.
func (ch *Channel) Pacing() bot.Pacing { return ch.o.Pacing }

// IsGroup implements bot.Channel: group JIDs end with "@g.us".
func (ch *Channel) IsGroup(chatID string) bool {
	return strings.HasSuffix(chatID, "@"+types.GroupServer)
}
