package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/agency"
	"github.com/lapor-id/lapor/store"
)

// A desk's web room is the web chat's group chat: officers who signed in
// with a room code see the desk's cards there and act with the same
// buttons and commands as in a Telegram or WhatsApp group. The room of a
// desk has a fixed chat id, so every officer of the desk shares it.

// Room is a desk room as an officer's browser sees it.
type Room struct {
	ChatID  string // the room's chat id on the web channel
	Title   string // the desk's name
	Officer string // the signed-in officer's name
}

// RoomPrefix starts every room's chat id; other web chats are private.
const RoomPrefix = "room-"

// ErrBadRoomCode is a room code that is unknown, used or expired.
var ErrBadRoomCode = errors.New("flows: the sign-in code is not valid")

// RoomChatID is the chat id of a desk's web room.
func RoomChatID(kind, agencyCode string) string {
	if kind == DeskAgency {
		return RoomPrefix + kind + "-" + strings.ToLower(agencyCode)
	}
	return RoomPrefix + kind
}

// deskRole is the role an officer of a desk has.
func deskRole(kind string) Role {
	switch kind {
	case DeskSuperAdmin:
		return RoleSuperAdmin
	case DeskRegency:
		return RoleRegencyAdmin
	case DeskOmbudsman:
		return RoleOmbudsman
	case DeskPPID, DeskPPIDSuperior:
		return Role(kind)
	}
	return RoleLiaison
}

// checkDesk validates a desk kind and its agency (only agency desks have one).
func checkDesk(ctx context.Context, tx *store.Tx, kind, agencyCode string) (string, error) {
	switch kind {
	case DeskSuperAdmin, DeskRegency, DeskOmbudsman, DeskPPID, DeskPPIDSuperior:
		return "", nil
	case DeskAgency:
		if agencyCode == "" {
			return "", errors.New("an agency desk needs an agency code")
		}
		rows, err := tx.Agencies(ctx, false)
		if err != nil {
			return "", err
		}
		if a, ok := agency.Match(toAgencies(rows), agencyCode); ok {
			return a.Code, nil
		}
		return "", fmt.Errorf("no active agency matches %q", agencyCode)
	}
	return "", fmt.Errorf("unknown desk %q (super_admin, regency_admin, agency, ombudsman, ppid, ppid_superior)", kind)
}

// IssueRoomCode issues a one-time code that signs a browser in to a desk's
// web room as its officer named name (the command line's `lapor admin code
// --web`, and `lapor serve --demo`).
func (s *Service) IssueRoomCode(ctx context.Context, kind, agencyCode, name, issuedBy string) (string, error) {
	return s.issueCode(ctx, kind, agencyCode, func(tx *store.Tx, code, ac string, now time.Time) error {
		return tx.IssueRoomCode(ctx, code, store.RoomCode{Kind: kind, AgencyCode: ac, OfficerName: name, IssuedBy: issuedBy},
			now, now.Add(codeValid))
	})
}

// EnterRoom signs userID of a channel in with a room code: the user
// becomes the desk's officer, the desk gets its room if it had none, and
// the room shows the desk's queue.
func (s *Service) EnterRoom(ctx context.Context, channel, userID, code string) (Room, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if _, ok := normalizeInviteCode(code); ok { // an officer invitation's sign-in link
		return s.enterRoomByInvitation(ctx, channel, userID, code)
	}
	var room Room
	now := s.now()
	bad := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		rc, err := tx.UseRoomCode(ctx, code, channel+":"+userID, now)
		if errors.Is(err, store.ErrNotFound) || code == "" {
			// The refusal is committed with its audit line; the caller
			// gets ErrBadRoomCode after the commit.
			bad = true
			return tx.Audit(ctx, store.AuditEntry{At: now, Channel: channel, ChatID: userID, UserID: userID,
				Action: "enter_room", Detail: "bad code"})
		}
		if err != nil {
			return err
		}
		name := nonEmpty(rc.OfficerName, roleName(s.cfg.DefaultLang, deskRole(rc.Kind)))
		if err := tx.PutOfficer(ctx, store.Officer{Channel: channel, UserID: userID, Name: name, Role: string(deskRole(rc.Kind)),
			AgencyCode: rc.AgencyCode, Active: true, CreatedBy: "room code of " + rc.IssuedBy}, now); err != nil {
			return err
		}
		title, err := s.deskTitle(ctx, tx, rc.Kind, rc.AgencyCode)
		if err != nil {
			return err
		}
		d, err := tx.EnsureDesk(ctx, store.Desk{Kind: rc.Kind, AgencyCode: rc.AgencyCode, Channel: channel,
			ChatID: RoomChatID(rc.Kind, rc.AgencyCode), Title: title}, userID, now)
		if err != nil {
			return err
		}
		room = Room{ChatID: d.ChatID, Title: title, Officer: name}
		// The room opens on the desk's work: its queue is the newest
		// message, the first thing the officer sees.
		queue, err := s.deskQueue(ctx, tx, s.cfg.DefaultLang, now, rc.Kind, rc.AgencyCode, title, 1)
		if err != nil {
			return err
		}
		if err := enqueue(ctx, tx, d.Channel, d.ChatID, Outbound{Text: queue}, now, s.remembersMenus(d.Channel)); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Channel: channel, ChatID: d.ChatID, UserID: userID,
			Action: "enter_room", Allowed: true, Detail: rc.Kind + " " + rc.AgencyCode})
	})
	if err == nil && bad {
		err = ErrBadRoomCode
	}
	return room, err
}

// RoomOf returns the room chat id of channel as userID may see it: an
// active officer whose role and agency match the room's desk. Anyone else
// (an officer since removed, another desk's officer) gets ErrBadRoomCode.
func (s *Service) RoomOf(ctx context.Context, channel, userID, chatID string) (Room, error) {
	var room Room
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		off, err := tx.OfficerByUser(ctx, channel, userID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadRoomCode
		}
		if err != nil {
			return err
		}
		d, err := tx.DeskByChat(ctx, channel, chatID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadRoomCode
		}
		if err != nil {
			return err
		}
		if Role(off.Role) != deskRole(d.Kind) || off.AgencyCode != d.AgencyCode {
			return ErrBadRoomCode
		}
		room = Room{ChatID: d.ChatID, Title: d.Title, Officer: off.Name}
		return nil
	})
	return room, err
}

// RoomQueue is the queue of the desk whose room is chatID on channel, as
// its web room shows it when an officer opens the page.
func (s *Service) RoomQueue(ctx context.Context, channel, chatID string) (string, error) {
	var text string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		d, err := tx.DeskByChat(ctx, channel, chatID)
		if err != nil {
			return err
		}
		text, err = s.deskQueue(ctx, tx, s.cfg.DefaultLang, s.now(), d.Kind, d.AgencyCode, d.Title, 1)
		return err
	})
	return text, err
}

func (s *Service) deskTitle(ctx context.Context, tx *store.Tx, kind, agencyCode string) (string, error) {
	if kind != DeskAgency {
		return roleName(s.cfg.DefaultLang, deskRole(kind)), nil
	}
	rows, err := tx.Agencies(ctx, true)
	if err != nil {
		return "", err
	}
	for _, a := range rows {
		if a.Code == agencyCode {
			return a.Name, nil
		}
	}
	return agencyCode, nil
}

// roomCode is /kode_ruang: an admin issues a sign-in code for a desk's web
// room, for an officer who works in the browser.
func (o *office) roomCode(args string) error {
	kind, agencyCode, rest, err := o.codeDesk(args, "kode_ruang", false)
	if err != nil {
		return err
	}
	name := truncate(strings.TrimSpace(rest), 80)
	code, err := withNewCode(func(c string) error {
		return o.tx.IssueRoomCode(o.ctx, c, store.RoomCode{Kind: kind, AgencyCode: agencyCode, OfficerName: name,
			IssuedBy: o.in.Channel + ":" + o.msg.UserID}, o.now, o.now.Add(codeValid))
	})
	if err != nil {
		return err
	}
	if err := o.audit("room_code", 0, true, kind+" "+agencyCode+" "+name); err != nil {
		return err
	}
	return o.say(T(o.lang, "wf.roomcode", o.deskName(kind, agencyCode), code, SignInLink(o.s.cfg.WebURL, code), CodeValidDays()))
}

// SignInLink is the web chat address that signs a browser in with code.
func SignInLink(webURL, code string) string {
	if webURL == "" {
		return "/?masuk=" + code
	}
	return strings.TrimRight(webURL, "/") + "/?masuk=" + code
}
