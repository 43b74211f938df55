package flows_test

import (
	"errors"
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// A room code makes its holder the desk's officer once; the room stays
// theirs only while their role and agency match the desk.
func TestRoomCodes(t *testing.T) {
	h := newHarness(t)
	if err := h.svc.Seed(h.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.IssueRoomCode(h.ctx, "agency", "", "Rina", "test"); err == nil {
		t.Fatal("an agency room code without an agency was issued")
	}
	if _, err := h.svc.IssueRoomCode(h.ctx, "kitchen", "", "Rina", "test"); err == nil {
		t.Fatal("a room code for an unknown desk was issued")
	}
	code, err := h.svc.IssueRoomCode(h.ctx, flows.DeskAgency, "DPUPR", "Rina", "test") // an alias of pupr
	if err != nil {
		t.Fatal(err)
	}
	room, err := h.svc.EnterRoom(h.ctx, "web", "w-rina", code)
	if err != nil {
		t.Fatal(err)
	}
	if room.ChatID != flows.RoomChatID(flows.DeskAgency, "pupr") || room.Officer != "Rina" {
		t.Fatalf("room %+v", room)
	}
	if _, err := h.svc.EnterRoom(h.ctx, "web", "w-other", code); !errors.Is(err, flows.ErrBadRoomCode) {
		t.Fatalf("a used code: %v", err)
	}
	// The refusal stays in the audit log (it used to roll back with it).
	if bad := h.audits("enter_room"); len(bad) != 2 || bad[1].Allowed || bad[1].UserID != "w-other" || bad[1].Detail != "bad code" {
		t.Fatalf("audit of the refused room code: %+v", bad)
	}
	if _, err := h.svc.RoomOf(h.ctx, "web", "w-rina", room.ChatID); err != nil {
		t.Fatalf("Rina's own room: %v", err)
	}
	if _, err := h.svc.RoomOf(h.ctx, "web", "w-other", room.ChatID); !errors.Is(err, flows.ErrBadRoomCode) {
		t.Fatalf("a stranger got the room: %v", err)
	}

	// A second officer of the same desk shares the room.
	code2, _ := h.svc.IssueRoomCode(h.ctx, flows.DeskAgency, "pupr", "", "test")
	room2, err := h.svc.EnterRoom(h.ctx, "web", "w-dodi", code2)
	if err != nil || room2.ChatID != room.ChatID {
		t.Fatalf("second officer: %+v %v", room2, err)
	}

	// Moved to another agency: the old room is closed to them.
	if err := h.svc.AddOfficer(h.ctx, "web", "w-rina", "Rina", flows.RoleLiaison, "dinkes", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.RoomOf(h.ctx, "web", "w-rina", room.ChatID); !errors.Is(err, flows.ErrBadRoomCode) {
		t.Fatalf("an officer moved to dinkes still sees pupr's room: %v", err)
	}
}
