package whatsapp_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/lapor-id/lapor/bot/whatsapp"
	"github.com/lapor-id/lapor/bot/whatsapp/whatsapptest"
	"github.com/lapor-id/lapor/flows"
)

// supervised is a channel on the fake with its supervisor running.
type supervised struct {
	fake *whatsapptest.Fake
	ch   *whatsapp.Channel
	sup  *whatsapp.Supervisor

	mu       sync.Mutex
	problems []string // what OnProblem was told, in order
}

func (s *supervised) told() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func startSupervised(t *testing.T, fake *whatsapptest.Fake, o whatsapp.SupervisorOptions) *supervised {
	t.Helper()
	s := &supervised{fake: fake}
	s.ch = whatsapp.New(nil, nil, whatsapp.Options{Secret: "test", OnProblem: func(p whatsapp.Problem) {
		if (p.Kind == "") != (p.Detail == "") {
			t.Errorf("problem %+v: a kind without a text, or a text without a kind", p)
		}
		s.mu.Lock()
		s.problems = append(s.problems, string(p.Kind)+": "+p.Detail)
		s.mu.Unlock()
	}})
	o.Open = fake.Open
	if o.MinBackoff == 0 {
		o.MinBackoff = 20 * time.Millisecond
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 80 * time.Millisecond
	}
	if o.LinkPoll == 0 {
		o.LinkPoll = 20 * time.Millisecond
	}
	if o.StuckAfter == 0 {
		o.StuckAfter = time.Hour
	}
	if o.Check == 0 {
		o.Check = 5 * time.Millisecond
	}
	s.sup = whatsapp.NewSupervisor(s.ch, o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.sup.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return s
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// working waits until the channel is connected, active and healthy.
func (s *supervised) working(t *testing.T) {
	t.Helper()
	waitFor(t, "a working connection", func() bool {
		return s.fake.Connected() && s.ch.Active() && s.ch.Health() == nil
	})
}

// broken waits until the channel reports a problem containing want and
// sends nothing.
func (s *supervised) broken(t *testing.T, want string) {
	t.Helper()
	waitFor(t, "the problem "+want, func() bool {
		err := s.ch.Health()
		return err != nil && strings.Contains(err.Error(), want) && !s.ch.Active()
	})
}

// toldExactly checks what OnProblem was told: each entry contains the
// wanted text, "" for "works again".
func (s *supervised) toldExactly(t *testing.T, want ...string) {
	t.Helper()
	got := s.told()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = (want[i] == "" && got[i] == ": ") || (want[i] != "" && strings.Contains(got[i], want[i]))
	}
	if !ok {
		t.Fatalf("told %q, want %q", got, want)
	}
}

// After a logout the client is dead until somebody links the device again;
// the supervisor reports it once, watches the device store, and connects by
// itself when a login (from any process) appears.
func TestSupervisorLogoutThenNewLogin(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	s := startSupervised(t, fake, whatsapp.SupervisorOptions{})
	s.working(t)
	fake.LogOut()
	s.broken(t, "logged out")
	time.Sleep(100 * time.Millisecond) // several store polls: no second notice
	s.toldExactly(t, "logged_out: logged out")
	fake.Link()
	s.working(t)
	s.toldExactly(t, "logged_out: logged out", "")
}

// A 401 at connect (the device was removed while lapor was down) is the
// same: reported, and a new login is picked up.
func TestSupervisorLoggedOutAtConnect(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	fake.FailNextConnect(401)
	s := startSupervised(t, fake, whatsapp.SupervisorOptions{})
	s.broken(t, "logged out")
	fake.Link()
	s.working(t)
	s.toldExactly(t, "logged out", "")
}

// Nothing linked at start: "not linked", then a login is picked up.
func TestSupervisorNotLinkedThenLogin(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	fake.Unlink()
	s := startSupervised(t, fake, whatsapp.SupervisorOptions{})
	s.broken(t, "lapor whatsapp-login")
	fake.Link()
	s.working(t)
	s.toldExactly(t, "not_linked: no WhatsApp account is linked", "")
}

// A temporary ban is waited out, then lapor connects again by itself.
func TestSupervisorWaitsOutTemporaryBan(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	s := startSupervised(t, fake, whatsapp.SupervisorOptions{})
	s.working(t)
	start := time.Now()
	fake.Ban(101, 400*time.Millisecond)
	s.broken(t, "temporarily banned")
	s.working(t)
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Fatalf("connected again after %s, before the ban ended", d)
	}
	// The first connection, whatsmeow's reconnect that met the ban, and
	// the one after it: no knocking on WhatsApp's door during the ban.
	if n := fake.Attempts(); n != 3 {
		t.Fatalf("%d connection attempts, want 3", n)
	}
	s.toldExactly(t, "banned: temporarily banned by WhatsApp (101", "")
}

// Connect failures whatsmeow does not retry (and a failed CAT refresh)
// are retried with back-off, reported once however often they repeat.
func TestSupervisorRetriesPermanentConnectFailures(t *testing.T) {
	t.Parallel()
	for _, reason := range []int{400, 409, 413, 415, 418, 501} {
		t.Run(fmt.Sprint(reason), func(t *testing.T) {
			t.Parallel()
			fake := whatsapptest.New()
			for range 3 {
				fake.FailNextConnect(reason)
			}
			s := startSupervised(t, fake, whatsapp.SupervisorOptions{})
			s.broken(t, "refused")
			s.working(t)
			if n := fake.Attempts(); n != 4 {
				t.Fatalf("%d attempts, want 4 (3 failures, then the connection)", n)
			}
			s.toldExactly(t, "refused: WhatsApp refused the connection", "")
		})
	}
}

// 500 and 503 are whatsmeow's to retry: nothing is reported.
func TestSupervisorLeavesServerErrorsToWhatsmeow(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	fake.FailNextConnect(503)
	fake.FailNextConnect(500)
	s := startSupervised(t, fake, whatsapp.SupervisorOptions{})
	s.working(t)
	fake.KeepAliveTimeout(3)
	time.Sleep(50 * time.Millisecond)
	s.working(t)
	s.toldExactly(t)
}

// Another process took the session: reported, and retried with pauses.
func TestSupervisorStreamReplaced(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	s := startSupervised(t, fake, whatsapp.SupervisorOptions{MinBackoff: 200 * time.Millisecond, MaxBackoff: time.Second})
	s.working(t)
	fake.ReplaceStream()
	s.broken(t, "stream replaced")
	s.working(t)
	// The other process takes it again at once: the pause grows, so two
	// processes do not kick each other out every few seconds.
	start := time.Now()
	fake.ReplaceStream()
	s.broken(t, "stream replaced")
	s.working(t)
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Fatalf("connected again after %s; the second pause must be twice the first (400ms)", d)
	}
	s.toldExactly(t, "replaced: another process", "", "replaced: another process", "")
}

// A connection whatsmeow cannot get back (the network is gone) is reported
// once after StuckAfter and retried with new clients; when the network is
// back, "works again" follows.
func TestSupervisorStuckDisconnected(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	s := startSupervised(t, fake, whatsapp.SupervisorOptions{StuckAfter: 150 * time.Millisecond})
	s.working(t)
	fake.NetworkDown()
	// Messages wait in the outbox: the channel does not send on a
	// connection that is down, even while whatsmeow reconnects.
	waitFor(t, "the channel to stop sending", func() bool { return !fake.Connected() && !s.ch.Active() })
	if err := s.ch.Health(); err != nil {
		t.Fatalf("reported at once: %v", err)
	}
	s.broken(t, "not connected to WhatsApp")
	time.Sleep(200 * time.Millisecond) // more retries: no more notices
	fake.NetworkUp()
	s.working(t)
	s.toldExactly(t, "unreachable: not connected", "")
}

// The version: asked from WhatsApp at start, and again after a 405.
func TestSupervisorVersion(t *testing.T) {
	pinned := whatsapp.PinnedVersion()
	t.Cleanup(func() { whatsapp.SetVersionForTest(pinned) })
	parts := strings.Split(pinned, ".")
	build, err := strconv.Atoi(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	newer := fmt.Sprintf("%s.%s.%d", parts[0], parts[1], build+1000)
	newest := fmt.Sprintf("%s.%s.%d", parts[0], parts[1], build+2000)

	t.Run("at start", func(t *testing.T) {
		whatsapp.SetVersionForTest(pinned)
		fake := whatsapptest.New()
		if err := fake.RequireVersion(newer); err != nil {
			t.Fatal(err)
		}
		s := startSupervised(t, fake, whatsapp.SupervisorOptions{Versions: func(context.Context) (string, error) { return newer, nil }})
		s.working(t)
		if fake.Attempts() != 1 || s.sup.Version() != newer || whatsapp.CurrentVersion() != newer {
			t.Fatalf("%d attempts with version %s (advertised %s)", fake.Attempts(), s.sup.Version(), whatsapp.CurrentVersion())
		}
		s.toldExactly(t)
	})
	t.Run("on 405", func(t *testing.T) {
		whatsapp.SetVersionForTest(pinned)
		fake := whatsapptest.New()
		var mu sync.Mutex
		published := pinned // WhatsApp has not moved yet when lapor starts
		s := startSupervised(t, fake, whatsapp.SupervisorOptions{Versions: func(context.Context) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			return published, nil
		}})
		s.working(t)
		mu.Lock()
		published = newest
		mu.Unlock()
		if err := fake.RequireVersion(newest); err != nil {
			t.Fatal(err)
		}
		fake.NetworkDown() // the next connection meets the cut-off
		fake.NetworkUp()
		waitFor(t, "the new version", func() bool { return s.sup.Version() == newest })
		s.working(t)
		s.toldExactly(t) // mended before anyone had to know
	})
	t.Run("no newer version", func(t *testing.T) {
		whatsapp.SetVersionForTest(pinned)
		fake := whatsapptest.New()
		if err := fake.RequireVersion(newest); err != nil {
			t.Fatal(err)
		}
		s := startSupervised(t, fake, whatsapp.SupervisorOptions{Versions: func(context.Context) (string, error) {
			return "", errors.New("no route to host")
		}})
		s.broken(t, "405")
		if s.sup.Version() != pinned {
			t.Fatalf("version %s", s.sup.Version())
		}
		s.toldExactly(t, "outdated: WhatsApp rejects client version "+pinned)
	})
	t.Run("override", func(t *testing.T) {
		whatsapp.SetVersionForTest(pinned)
		fake := whatsapptest.New()
		if err := fake.RequireVersion(newer); err != nil {
			t.Fatal(err)
		}
		asked := false
		s := startSupervised(t, fake, whatsapp.SupervisorOptions{Version: newer, Versions: func(context.Context) (string, error) {
			asked = true
			return pinned, nil
		}})
		s.working(t)
		if s.sup.Version() != newer || asked {
			t.Fatalf("version %s, source asked: %v", s.sup.Version(), asked)
		}
	})
}

// panickyLIDs stands for a bug below the handler.
type panickyLIDs struct{}

func (panickyLIDs) GetLIDForPN(context.Context, types.JID) (types.JID, error) {
	var p *types.JID
	return *p, nil // nil pointer dereference
}

func (panickyLIDs) GetPNForLID(context.Context, types.JID) (types.JID, error) {
	return types.JID{}, nil
}

// Through the supervisor's handler too, a panic is a failure: WhatsApp
// gets no acknowledgement and delivers the message again; the next
// message is handled.
func TestSupervisedPanicIsNotAcknowledged(t *testing.T) {
	t.Parallel()
	fake := whatsapptest.New()
	ch := whatsapp.New(nil, nil, whatsapp.Options{Secret: "test", LIDs: panickyLIDs{}})
	sup := whatsapp.NewSupervisor(ch, whatsapp.SupervisorOptions{Open: fake.Open, Check: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sup.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitFor(t, "a working connection", func() bool { return ch.Active() })
	citizen := whatsapptest.UserJID("6281234567890")
	if fake.Deliver(fake.Text(citizen, citizen, "jalan rusak")) {
		t.Fatal("a message whose handling panicked was acknowledged: it is lost")
	}
	if !fake.Deliver(&events.Connected{}) {
		t.Fatal("an ordinary event after the panic was refused")
	}
}

// While the connected process reconnects (a dropped network, a temporary
// ban) it has no client, and a file of a citizen's message waits for the
// connection instead of counting failed attempts until the citizen is
// asked to send it again (nothing could be sent to them meanwhile anyway).
// Once a person must act (logged out), the attempts count again.
func TestSupervisedFilesWaitForTheReconnect(t *testing.T) {
	fake := whatsapptest.New()
	s := startSupervised(t, fake, whatsapp.SupervisorOptions{})
	s.working(t)
	in := whatsapp.DocInboundForTest(t, s.ch)
	fetch := func() error {
		_, err := s.ch.Fetch(context.Background(), in)
		return err
	}
	fake.NetworkDown()
	waitFor(t, "the client taken away", func() bool { return !s.ch.Active() })
	if err := fetch(); !errors.Is(err, flows.ErrFetchBusy) {
		t.Fatalf("network down: %v, want ErrFetchBusy", err)
	}
	fake.NetworkUp()
	s.working(t)
	fake.LogOut()
	s.broken(t, "logged out")
	if err := fetch(); err == nil || errors.Is(err, flows.ErrFetchBusy) {
		t.Fatalf("logged out: %v, want a failed attempt", err)
	}
	fake.Link()
	s.working(t)
	fake.Ban(101, time.Hour)
	s.broken(t, "banned")
	if err := fetch(); !errors.Is(err, flows.ErrFetchBusy) {
		t.Fatalf("banned: %v, want ErrFetchBusy", err)
	}
}
