package flows

import (
	"context"
	"fmt"

	"github.com/lapor-id/lapor/flows/agency"
	"github.com/lapor-id/lapor/store"
)

// Seed adds the embedded Magetan agencies that the database does not know
// yet. Agencies admins renamed or retired keep their changes.
func (s *Service) Seed(ctx context.Context) error {
	var rows []store.Agency
	for _, a := range agency.Default() {
		rows = append(rows, store.Agency{Code: a.Code, Name: a.Name, Kind: a.Kind, Aliases: a.Aliases, Topics: a.Topics,
			WilayahCode: a.WilayahCode, Active: true})
	}
	n, err := s.db.SeedAgencies(ctx, rows, s.now())
	if err != nil {
		return fmt.Errorf("seed agencies: %w", err)
	}
	if n > 0 {
		s.log.Info("agencies seeded", "added", n)
	}
	return nil
}

// AddOfficer binds a chat identity to a role (the command line's
// `lapor admin add`, which creates the first super admin).
func (s *Service) AddOfficer(ctx context.Context, channel, userID, name string, role Role, agencyCode, by string) error {
	switch role {
	case RoleSuperAdmin, RoleRegencyAdmin, RoleOmbudsman, RolePPID, RolePPIDSuperior:
		agencyCode = ""
	case RoleLiaison:
		if agencyCode == "" {
			return fmt.Errorf("a liaison officer needs an agency code")
		}
	default:
		return fmt.Errorf("unknown role %q (super_admin, regency_admin, liaison_officer, ombudsman, ppid, ppid_superior)", role)
	}
	return s.db.PutOfficer(ctx, store.Officer{Channel: channel, UserID: userID, Name: name, Role: string(role),
		AgencyCode: agencyCode, Active: true, CreatedBy: by}, s.now())
}

// AlertDesk sends a desk a message about the service itself (a channel
// that stopped working), outside any conversation. The alert is recorded
// in the audit log in the same transaction as the message.
func (s *Service) AlertDesk(ctx context.Context, deskKind, text string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		c := &courier{ctx: ctx, s: s, tx: tx, now: s.now(), lang: s.cfg.DefaultLang}
		if err := tx.Audit(ctx, store.AuditEntry{At: c.now, Action: "service_alert", Allowed: true,
			Detail: truncate(deskKind+": "+text, 500)}); err != nil {
			return err
		}
		return c.toDesk(deskKind, "", Outbound{Text: text})
	})
}
