package flows

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/lapor-id/lapor/store"
)

// The /saya command: anyone may ask who lapor takes them for. A person
// about to be registered as an officer learns the id an admin needs
// (/petugas tambah <id> …) without looking it up elsewhere, and an officer
// sees their role and the desks of that role. It shows only the asker's
// own id and role; in a desk, where the other officers read it too, it
// shows an officer's id, role and desks, never a citizen's anything.

// whoAmI is the answer to /saya for the sender of msg.
func whoAmI(ctx context.Context, c *courier, channel string, msg Inbound) (string, error) {
	l := c.lang
	lines := []string{T(l, "saya.id", channelName(channel), msg.UserID)}
	off, err := officerOf(ctx, c.tx, channel, msg)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return strings.Join(append(lines, T(l, "saya.citizen")), "\n"), nil
	case err != nil:
		return "", err
	}
	role := roleName(l, Role(off.Role))
	kind := deskOfRole(Role(off.Role))
	if off.AgencyCode != "" {
		role += ", " + c.agencyName(off.AgencyCode)
	}
	lines = append(lines, T(l, "saya.officer", off.Name, role))
	desks, err := c.tx.DesksOf(ctx, kind, off.AgencyCode)
	if err != nil {
		return "", err
	}
	var names []string
	for _, d := range desks {
		names = append(names, channelName(d.Channel)+": "+strings.TrimSpace(d.Title))
	}
	if len(names) == 0 {
		lines = append(lines, T(l, "saya.nodesk"))
	} else {
		lines = append(lines, T(l, "saya.desks", strings.Join(names, "; ")))
	}
	return strings.Join(lines, "\n"), nil
}

// deskOfRole is the kind of desk an officer of role works in.
func deskOfRole(r Role) string {
	switch r {
	case RoleSuperAdmin:
		return DeskSuperAdmin
	case RoleRegencyAdmin:
		return DeskRegency
	case RoleOmbudsman:
		return DeskOmbudsman
	case RolePPID, RolePPIDSuperior:
		return string(r)
	}
	return DeskAgency
}

// channelName is how a channel is called in a sentence.
func channelName(channel string) string {
	switch channel {
	case "telegram":
		return "Telegram"
	case "whatsapp":
		return "WhatsApp"
	case "web":
		return "obrolan web" // never the bare key (docs/GLOSSARY.md)
	}
	return channel
}

// answerWhoAmI answers /saya in a private chat, whoever asks, without
// touching the conversation (a draft in progress goes on after it).
func (s *Service) answerWhoAmI(ctx context.Context, tx *store.Tx, in store.Inbound, msg Inbound, now time.Time) error {
	lang := s.cfg.DefaultLang
	if conv, err := tx.LoadConversation(ctx, in.Channel, in.ChatID); err == nil && conv.Lang != "" {
		lang = Lang(conv.Lang)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	c := &courier{ctx: ctx, s: s, tx: tx, now: now, lang: lang}
	text, err := whoAmI(ctx, c, in.Channel, msg)
	if err != nil {
		return err
	}
	if err := c.send(in.Channel, in.ChatID, Outbound{Text: text, ReplyTo: msg.MessageID}); err != nil {
		return err
	}
	return tx.FinishInbound(ctx, in.ID, "handled: /saya", now)
}
