package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

func issueInvitation(t *testing.T, db *store.DB, hash string, expires time.Time) int64 {
	t.Helper()
	var id int64
	if err := db.InTx(context.Background(), func(tx *store.Tx) (err error) {
		id, err = tx.IssueInvitation(context.Background(), store.Invitation{CodeHash: []byte(hash), Role: "ombudsman",
			IssuedBy: "telegram:1", IssuedChannel: "telegram", IssuedChat: "-1002", IssuedAt: t0, ExpiresAt: expires})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// Two transactions use one invitation at once: the second waits for the
// first's row and, once the first commits, finds it used.
func TestInvitationIsUsedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	issueInvitation(t, db, "h1", t0.Add(time.Hour))

	taken, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.UseInvitation(ctx, []byte("h1"), "telegram:10", t0); err != nil {
				close(taken)
				return err
			}
			close(taken)
			<-release
			return nil
		})
	}()
	<-taken
	second := make(chan error, 1)
	go func() {
		second <- db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.UseInvitation(ctx, []byte("h1"), "telegram:11", t0)
			return err
		})
	}()
	select {
	case err := <-second:
		t.Fatalf("the second use did not wait for the first: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first use: %v", err)
	}
	if err := <-second; !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second use: %v, want ErrNotFound", err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		inv, err := tx.InvitationByHash(ctx, []byte("h1"))
		if inv.UsedBy != "telegram:10" || inv.UsedAt.IsZero() {
			t.Errorf("used by %q at %v", inv.UsedBy, inv.UsedAt)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// A code hash drawn twice is a conflict that leaves the transaction
// usable; revoked and expired invitations cannot be used; an expiry is
// returned once.
func TestInvitationLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	revoked := issueInvitation(t, db, "r", t0.Add(time.Hour))
	expiring := issueInvitation(t, db, "e", t0.Add(time.Hour))
	err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.IssueInvitation(ctx, store.Invitation{CodeHash: []byte("r"), Role: "ombudsman", IssuedBy: "x",
			IssuedChannel: "telegram", IssuedChat: "1", IssuedAt: t0, ExpiresAt: t0.Add(time.Hour)})
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("a taken hash: %v", err)
		}
		open, err := tx.OpenInvitations(ctx, t0) // the transaction still works
		if len(open) != 2 {
			t.Errorf("open: %+v", open)
		}
		if err != nil {
			return err
		}
		if _, err := tx.RevokeInvitation(ctx, revoked, "telegram:2", t0); err != nil {
			return err
		}
		if _, err := tx.RevokeInvitation(ctx, revoked, "telegram:2", t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoked twice: %v", err)
		}
		if _, err := tx.UseInvitation(ctx, []byte("r"), "telegram:3", t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a revoked invitation used: %v", err)
		}
		later := t0.Add(time.Hour)
		if _, err := tx.UseInvitation(ctx, []byte("e"), "telegram:3", later); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired invitation used: %v", err)
		}
		for round, want := range []int{1, 0} {
			expired, err := tx.ExpireInvitations(ctx, later)
			if err != nil {
				return err
			}
			if len(expired) != want || (want == 1 && expired[0].ID != expiring) {
				t.Errorf("expiry round %d: %+v", round, expired)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Failed codes are counted per chat within the window.
func TestInviteFailuresCountsAChatsBadCodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i, at := range []time.Time{t0.Add(-2 * time.Hour), t0.Add(-time.Minute), t0} {
			for _, chat := range []string{"1", "2"} {
				action := "invite_bad"
				if i == 2 && chat == "2" {
					action = "invite_use"
				}
				if err := tx.Audit(ctx, store.AuditEntry{At: at, Channel: "whatsapp", ChatID: chat, Action: action}); err != nil {
					return err
				}
			}
		}
		for chat, want := range map[string]int{"1": 2, "2": 1, "3": 0} {
			n, err := tx.InviteFailures(ctx, "whatsapp", chat, t0.Add(-time.Hour))
			if err != nil {
				return err
			}
			if n != want {
				t.Errorf("chat %s: %d failures, want %d", chat, n, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
