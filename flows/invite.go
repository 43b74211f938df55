package flows

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// Officer invitations (issue 15, "officers join without numeric ids"): an
// admin issues /petugas undang <role> [agency] <name> and passes on a code
// or a link; whoever opens it in a private chat with the bot becomes an
// officer of that role under their own id on that channel, and the chat
// that issued it is told who joined.
//
// A code carries 60 random bits, is stored only as a hash, expires
// (Config.InviteTTL), works once, and can be revoked. A chat that sends
// too many bad codes is refused for a while. Every issue, use, refused use,
// expiry and revocation is a line in the audit log; a refusal never tells
// whether a code exists.

// inviteAlphabet is Crockford's base32: no I, L, O or U, and a typed O, I
// or L reads as 0, 1 and 1.
const inviteAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// inviteSymbols is a code's length without dashes: 12 × 5 = 60 bits.
const inviteSymbols = 12

// Limits on wrong codes: a chat that sent inviteMaxFailures bad codes in
// the last inviteFailWindow is refused without its code being looked at.
const (
	inviteMaxFailures = 5
	inviteFailWindow  = time.Hour
)

// newInviteCode draws a code, shown in groups of four: "K7M2-9XH4-PW3R".
func newInviteCode() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	n := binary.BigEndian.Uint64(b[:])
	var s strings.Builder
	for i := range inviteSymbols {
		if i > 0 && i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(inviteAlphabet[n&31])
		n >>= 5
	}
	return s.String()
}

// normalizeInviteCode reads a typed code: case, spaces and dashes do not
// matter, and O, I, L are read as 0, 1, 1. ok is false when it cannot be
// a code.
func normalizeInviteCode(typed string) (string, bool) {
	var s strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || strings.IndexByte(inviteAlphabet, byte(r)) < 0 {
			return "", false
		}
		s.WriteRune(r)
	}
	return s.String(), s.Len() == inviteSymbols
}

// inviteHash is what the database keeps of a normalized code.
func inviteHash(normalized string) []byte {
	sum := sha256.Sum256([]byte("lapor officer invitation " + normalized))
	return sum[:]
}

// InviteMessage is the text a WhatsApp link prefills: sent to the bot in a
// private chat, it redeems code.
func InviteMessage(code string) string { return "DAFTAR PETUGAS " + code }

var inviteText = regexp.MustCompile(`(?i)^\s*daftar\s+petugas\b\s*(.*)$`)

// inviteAttempt returns the code a message offers: Telegram's /start
// carrying a code (a deep link), or the text InviteMessage makes (any
// channel). A /start with anything else is the citizen's /start.
func inviteAttempt(msg Inbound) (string, bool) {
	switch msg.Kind {
	case KindCommand:
		if msg.Command != "start" {
			return "", false
		}
		arg := strings.TrimSpace(msg.Text)
		if _, ok := normalizeInviteCode(arg); ok {
			return arg, true
		}
	case KindText:
		if m := inviteText.FindStringSubmatch(strings.TrimSpace(msg.Text)); m != nil {
			return strings.TrimSpace(m[1]), true
		}
	}
	return "", false
}

// redeemInvite handles a message that offers an invitation code, in a
// private chat or (refused, the code untouched) in a group.
func (s *Service) redeemInvite(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound, typed string, now time.Time) error {
	lang := s.cfg.DefaultLang
	if conv, err := tx.LoadConversation(ctx, in.Channel, in.ChatID); err == nil && conv.Lang != "" {
		lang = Lang(conv.Lang)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	c := &courier{ctx: ctx, s: s, tx: tx, now: now, lang: lang}
	reply := func(text, outcome string) error {
		if err := c.send(in.Channel, in.ChatID, Outbound{Text: text, ReplyTo: msg.MessageID}); err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, outcome, now)
	}

	if in.IsGroup || msg.IsGroup {
		// Not looked up, so not used: a group learns nothing of it.
		if err := tx.Audit(ctx, store.AuditEntry{At: now, Channel: in.Channel, ChatID: in.ChatID, UserID: msg.UserID,
			Action: "invite_use", Detail: "group chat"}); err != nil {
			return err
		}
		if _, err := tx.DeskByChat(ctx, in.Channel, in.ChatID); errors.Is(err, store.ErrNotFound) {
			return tx.FinishInbound(ctx, in.ID, "refused: invitation in an unregistered group", now)
		} else if err != nil {
			return err
		}
		return reply(T(lang, "invite.group"), "refused: invitation in a group")
	}
	if in.ChatBlocked { // they are back: the chat may be written to again
		if err := tx.UnblockChat(ctx, in.Channel, in.ChatID); err != nil {
			return err
		}
	}
	refused, err := s.useInvitation(ctx, c, in.Channel, in.ChatID, msg, typed)
	if err != nil {
		return err
	}
	switch refused {
	case "invite.bad", "invite.limited":
		return reply(T(lang, refused), "refused: "+refused)
	}
	who, err := whoAmI(ctx, c, in.Channel, msg)
	if err != nil {
		return err
	}
	if refused == "invite.already" {
		return reply(T(lang, refused)+"\n\n"+who, "refused: already an officer")
	}
	off, err := officerOf(ctx, tx, in.Channel, msg)
	if err != nil {
		return err
	}
	return reply(T(lang, "invite.welcome", c.officerRole(lang, off.Role, off.AgencyCode))+"\n\n"+who, "handled: invitation")
}

// useInvitation makes msg's sender on channel an officer with a typed
// code, writes the audit line and tells the chat that issued it who
// joined. A refusal comes back as the key of the text that explains it
// (invite.limited, invite.already, invite.bad), with nothing changed but
// the audit log; "" is a new officer.
func (s *Service) useInvitation(ctx context.Context, c *courier, channel, chatID string, msg Inbound, typed string) (string, error) {
	tx, now := c.tx, c.now
	audit := func(action string, allowed bool, detail string) error {
		return tx.Audit(ctx, store.AuditEntry{At: now, Channel: channel, ChatID: chatID, UserID: msg.UserID,
			Action: action, Allowed: allowed, Detail: truncate(detail, 500)})
	}
	if msg.UserID == "" { // no one to register: nothing is looked up
		return "invite.bad", audit("invite_use", false, "no user id")
	}
	failures, err := tx.InviteFailures(ctx, channel, chatID, now.Add(-inviteFailWindow))
	if err != nil {
		return "", err
	}
	if failures >= inviteMaxFailures {
		s.log.Warn("invitation codes refused: too many bad ones from a chat", "channel", channel, "chat", chatID)
		return "invite.limited", audit("invite_use", false, "too many bad codes")
	}
	if _, err := officerOf(ctx, tx, channel, msg); err == nil {
		return "invite.already", audit("invite_use", false, "already an officer")
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}

	code, ok := normalizeInviteCode(typed)
	var inv store.Invitation
	if ok {
		inv, err = tx.UseInvitation(ctx, inviteHash(code), channel+":"+msg.UserID, now)
	}
	if !ok || errors.Is(err, store.ErrNotFound) {
		why := "malformed"
		if ok {
			if why, err = whyNotOpen(ctx, tx, inviteHash(code), now); err != nil {
				return "", err
			}
		}
		return "invite.bad", audit("invite_bad", false, why)
	}
	if err != nil {
		return "", err
	}

	name := truncate(nonEmpty(inv.Name, nonEmpty(strings.TrimSpace(msg.UserName), roleName(s.cfg.DefaultLang, Role(inv.Role)))), 80)
	if err := tx.PutOfficer(ctx, store.Officer{Channel: channel, UserID: msg.UserID, Name: name, Role: inv.Role,
		AgencyCode: inv.AgencyCode, Active: true, CreatedBy: fmt.Sprintf("invitation #%d of %s", inv.ID, inv.IssuedBy)}, now); err != nil {
		return "", err
	}
	if err := audit("invite_use", true, fmt.Sprintf("#%d %s %s", inv.ID, inv.Role, inv.AgencyCode)); err != nil {
		return "", err
	}
	// The chat that issued it reads who joined, in the service's language
	// (a desk is read by many).
	dl := s.cfg.DefaultLang
	if err := c.send(inv.IssuedChannel, inv.IssuedChat, Outbound{Text: T(dl, "invite.joined", name, c.officerRole(dl, inv.Role, inv.AgencyCode),
		inv.ID, channelName(channel), s.readableHandle(channel, msg.UserID))}); err != nil {
		return "", err
	}
	return "", nil
}

// officerRole names a role, with its agency for a liaison officer.
func (c *courier) officerRole(lang Lang, role, agencyCode string) string {
	name := roleName(lang, Role(role))
	if agencyCode != "" {
		name += ", " + c.agencyName(agencyCode)
	}
	return name
}

// enterRoomByInvitation is the web chat's way in with an invitation (its
// sign-in link, EnterRoom): the browser's user becomes the officer and
// enters the web room of their role's desk. A browser whose user is an
// officer already enters their own room and leaves the code unused. A
// refused code is ErrBadRoomCode, after its audit line is committed.
func (s *Service) enterRoomByInvitation(ctx context.Context, channel, userID, code string) (Room, error) {
	var room Room
	var refused string
	now := s.now()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		c := &courier{ctx: ctx, s: s, tx: tx, now: now, lang: s.cfg.DefaultLang}
		msg := Inbound{UserID: userID}
		var err error
		if refused, err = s.useInvitation(ctx, c, channel, userID, msg, code); err != nil || refused == "invite.bad" || refused == "invite.limited" {
			return err
		}
		off, err := officerOf(ctx, tx, channel, msg)
		if err != nil {
			return err
		}
		kind := deskOfRole(Role(off.Role))
		title, err := s.deskTitle(ctx, tx, kind, off.AgencyCode)
		if err != nil {
			return err
		}
		d, err := tx.EnsureDesk(ctx, store.Desk{Kind: kind, AgencyCode: off.AgencyCode, Channel: channel,
			ChatID: RoomChatID(kind, off.AgencyCode), Title: title}, userID, now)
		if err != nil {
			return err
		}
		room = Room{ChatID: d.ChatID, Title: title, Officer: off.Name}
		return nil
	})
	if err == nil && (refused == "invite.bad" || refused == "invite.limited") {
		err = ErrBadRoomCode
	}
	return room, err
}

// whyNotOpen says, for the audit log only, why no open invitation has a
// code's hash.
func whyNotOpen(ctx context.Context, tx *store.Tx, hash []byte, now time.Time) (string, error) {
	inv, err := tx.InvitationByHash(ctx, hash)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "unknown code", nil
	case err != nil:
		return "", err
	case !inv.UsedAt.IsZero():
		return fmt.Sprintf("#%d used", inv.ID), nil
	case !inv.RevokedAt.IsZero():
		return fmt.Sprintf("#%d revoked", inv.ID), nil
	case !inv.ExpiresAt.After(now):
		return fmt.Sprintf("#%d expired", inv.ID), nil
	}
	return fmt.Sprintf("#%d not open", inv.ID), nil
}

// invitations is /petugas undang and /petugas undangan: issue, revoke
// (batal) or list officer invitations. Who may invite whom follows
// /petugas tambah: both admins, and a super admin only by a super admin.
func (o *office) invitations(verb, args string) error {
	if verb == "undangan" {
		return o.listInvitations()
	}
	first, rest := splitFirst(args)
	switch strings.ToLower(first) {
	case "batal", "cabut", "revoke":
		return o.revokeInvitation(rest)
	case "":
		return refuse(o.lang, "invite.usage")
	}
	r := Role(strings.ToLower(first))
	if !slices.Contains([]Role{RoleSuperAdmin, RoleRegencyAdmin, RoleLiaison, RoleOmbudsman}, r) && !isPPIDRole(r) {
		return refuse(o.lang, "invite.usage")
	}
	if !o.mayInvite(r) {
		if err := o.audit("invite_issue", 0, false, "role "+o.a.officer.Role+" may not invite "+string(r)); err != nil {
			return err
		}
		return refuse(o.lang, "invite.cmd.notallowed", roleName(o.lang, r))
	}
	agencyCode, name := "", rest
	if r == RoleLiaison {
		token, more := splitFirst(rest)
		if token == "" {
			return refuse(o.lang, "invite.usage")
		}
		c, err := o.agencyCode(token)
		if err != nil {
			return err
		}
		agencyCode, name = c, more
	}
	name = truncate(strings.TrimSpace(name), 80)
	expires := o.now.Add(o.s.inviteTTL())
	var code string
	var id int64
	for try := 0; ; try++ {
		code = newInviteCode()
		norm, _ := normalizeInviteCode(code)
		var err error
		id, err = o.tx.IssueInvitation(o.ctx, store.Invitation{CodeHash: inviteHash(norm), Role: string(r), AgencyCode: agencyCode,
			Name: name, IssuedBy: o.in.Channel + ":" + o.msg.UserID, IssuedChannel: o.in.Channel, IssuedChat: o.in.ChatID,
			IssuedAt: o.now, ExpiresAt: expires})
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrConflict) || try == 4 {
			return err
		}
	}
	if err := o.audit("invite_issue", 0, true, strings.TrimSpace(fmt.Sprintf("#%d %s %s %s", id, r, agencyCode, name))); err != nil {
		return err
	}
	who := o.c.officerRole(o.lang, string(r), agencyCode)
	named := ""
	if name != "" {
		named = " (" + name + ")"
	}
	links := ""
	if lines := o.s.inviteLinks(code); len(lines) > 0 {
		links = T(o.lang, "invite.links") + "\n" + strings.Join(lines, "\n")
	}
	return o.say(T(o.lang, "invite.issued", id, who, named, code, FormatDateTime(o.lang, expires.In(calendar.Local())),
		links, code, InviteMessage(code), code))
}

// mayInvite applies /petugas tambah's rule: only a super admin makes
// another super admin.
func (o *office) mayInvite(r Role) bool {
	return r != RoleSuperAdmin || o.a.officer.Role == string(RoleSuperAdmin)
}

func (s *Service) inviteTTL() time.Duration {
	if s.cfg.InviteTTL > 0 {
		return s.cfg.InviteTTL
	}
	return DefaultConfig().InviteTTL
}

// inviteLinks are the links of the channels that can make one now, in a
// steady order.
func (s *Service) inviteLinks(code string) []string {
	var channels []string
	for ch := range s.cfg.InviteLinks {
		channels = append(channels, ch)
	}
	slices.Sort(channels)
	var lines []string
	for _, ch := range channels {
		if link := s.cfg.InviteLinks[ch](code); link != "" {
			lines = append(lines, "• "+channelName(ch)+": "+link)
		}
	}
	return lines
}

// listInvitations is /petugas undangan: the invitations still open.
func (o *office) listInvitations() error {
	open, err := o.tx.OpenInvitations(o.ctx, o.now)
	if err != nil {
		return err
	}
	if len(open) == 0 {
		return o.say(T(o.lang, "invite.none"))
	}
	lines := []string{T(o.lang, "invite.list.head")}
	for _, inv := range open {
		lines = append(lines, T(o.lang, "invite.list.line", inv.ID, o.c.officerRole(o.lang, inv.Role, inv.AgencyCode), nonEmpty(inv.Name, "—"),
			FormatDateTime(o.lang, inv.ExpiresAt.In(calendar.Local()))))
	}
	return o.say(strings.Join(lines, "\n"))
}

// revokeInvitation is /petugas undang batal <code | #number>. An admin
// may revoke what they may issue, whoever issued it.
func (o *office) revokeInvitation(arg string) error {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return refuse(o.lang, "invite.usage")
	}
	open, err := o.tx.OpenInvitations(o.ctx, o.now)
	if err != nil {
		return err
	}
	var target *store.Invitation
	if n, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64); err == nil {
		for i := range open {
			if open[i].ID == n {
				target = &open[i]
			}
		}
	} else if code, ok := normalizeInviteCode(arg); ok {
		hash := inviteHash(code)
		for i := range open {
			if string(open[i].CodeHash) == string(hash) {
				target = &open[i]
			}
		}
	}
	if target == nil || !o.mayInvite(Role(target.Role)) {
		detail := "no open invitation"
		if target != nil {
			detail = fmt.Sprintf("#%d: role %s may not revoke %s", target.ID, o.a.officer.Role, target.Role)
		}
		if err := o.audit("invite_revoke", 0, false, detail); err != nil {
			return err
		}
		return refuse(o.lang, "invite.revoke.none", truncate(arg, 40))
	}
	inv, err := o.tx.RevokeInvitation(o.ctx, target.ID, o.in.Channel+":"+o.msg.UserID, o.now)
	if err != nil {
		return err
	}
	if err := o.audit("invite_revoke", 0, true, fmt.Sprintf("#%d %s %s issued by %s", inv.ID, inv.Role, inv.AgencyCode, inv.IssuedBy)); err != nil {
		return err
	}
	return o.say(T(o.lang, "invite.revoked", inv.ID, nonEmpty(inv.Name, roleName(o.lang, Role(inv.Role)))))
}

// ExpireInvitations writes each invitation that expired unused to the
// audit log, once, and returns how many there were. The scheduler runs it.
func (s *Service) ExpireInvitations(ctx context.Context) (int, error) {
	now := s.now()
	var n int
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		expired, err := tx.ExpireInvitations(ctx, now)
		if err != nil {
			return err
		}
		for _, inv := range expired {
			user := strings.TrimPrefix(inv.IssuedBy, inv.IssuedChannel+":")
			if err := tx.Audit(ctx, store.AuditEntry{At: now, Channel: inv.IssuedChannel, ChatID: inv.IssuedChat, UserID: user,
				Action: "invite_expire", Allowed: true, Detail: fmt.Sprintf("#%d %s %s", inv.ID, inv.Role, inv.AgencyCode)}); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	return n, err
}
