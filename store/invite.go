package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Invitation is a one-time officer invitation as stored: what it grants,
// who issued it where, and what became of it. Its code is not stored,
// only a hash of it (CodeHash).
type Invitation struct {
	ID            int64
	CodeHash      []byte
	Role          string
	AgencyCode    string
	Name          string
	IssuedBy      string // channel:user of the admin
	IssuedChannel string // the chat told who joined
	IssuedChat    string
	IssuedAt      time.Time
	ExpiresAt     time.Time
	UsedAt        time.Time
	UsedBy        string // channel:user of the new officer
	RevokedAt     time.Time
	RevokedBy     string
}

const invitationColumns = `id, code_hash, role, coalesce(agency_code, ''), name, issued_by, issued_channel, issued_chat,
	issued_at, expires_at, used_at, coalesce(used_by, ''), revoked_at, coalesce(revoked_by, '')`

func scanInvitation(row interface{ Scan(...any) error }) (Invitation, error) {
	var inv Invitation
	var used, revoked *time.Time
	err := row.Scan(&inv.ID, &inv.CodeHash, &inv.Role, &inv.AgencyCode, &inv.Name, &inv.IssuedBy, &inv.IssuedChannel,
		&inv.IssuedChat, &inv.IssuedAt, &inv.ExpiresAt, &used, &inv.UsedBy, &revoked, &inv.RevokedBy)
	inv.UsedAt, inv.RevokedAt = valueTime(used), valueTime(revoked)
	return inv, mapErr(err)
}

// IssueInvitation stores an invitation and returns its id. A code hash
// already in the table is an ErrConflict that leaves the transaction
// usable, so the caller can draw another code.
func (tx *Tx) IssueInvitation(ctx context.Context, inv Invitation) (int64, error) {
	var agency *string
	if inv.AgencyCode != "" {
		agency = &inv.AgencyCode
	}
	var id int64
	err := tx.tx.QueryRow(ctx, `
		INSERT INTO officer_invitations (code_hash, role, agency_code, name, issued_by, issued_channel, issued_chat, issued_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (code_hash) DO NOTHING RETURNING id`,
		inv.CodeHash, inv.Role, agency, inv.Name, inv.IssuedBy, inv.IssuedChannel, inv.IssuedChat, inv.IssuedAt, inv.ExpiresAt).Scan(&id)
	if err = mapErr(err); errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("%w: invitation code is taken", ErrConflict)
	}
	return id, err
}

// UseInvitation consumes the open invitation of a code hash for usedBy.
// Of concurrent uses exactly one gets it: the others wait for its row and
// then find it used. ErrNotFound means no open invitation has that hash
// (unknown, used, revoked or expired: InvitationByHash tells which).
func (tx *Tx) UseInvitation(ctx context.Context, hash []byte, usedBy string, now time.Time) (Invitation, error) {
	return scanInvitation(tx.tx.QueryRow(ctx, `
		UPDATE officer_invitations SET used_at = $2, used_by = $3
		WHERE code_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
		RETURNING `+invitationColumns, hash, now, usedBy))
}

// InvitationByHash returns the invitation of a code hash, whatever became
// of it.
func (tx *Tx) InvitationByHash(ctx context.Context, hash []byte) (Invitation, error) {
	return scanInvitation(tx.tx.QueryRow(ctx, `SELECT `+invitationColumns+` FROM officer_invitations WHERE code_hash = $1`, hash))
}

// OpenInvitations lists the invitations that can still be used at now,
// oldest first.
func (tx *Tx) OpenInvitations(ctx context.Context, now time.Time) ([]Invitation, error) {
	return tx.invitations(ctx, `SELECT `+invitationColumns+` FROM officer_invitations
		WHERE used_at IS NULL AND revoked_at IS NULL AND NOT expiry_noted AND expires_at > $1 ORDER BY id`, now)
}

// RevokeInvitation revokes an open invitation. ErrNotFound means it is
// unknown, used, revoked or expired.
func (tx *Tx) RevokeInvitation(ctx context.Context, id int64, by string, now time.Time) (Invitation, error) {
	return scanInvitation(tx.tx.QueryRow(ctx, `
		UPDATE officer_invitations SET revoked_at = $2, revoked_by = $3
		WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
		RETURNING `+invitationColumns, id, now, by))
}

// ExpireInvitations marks the invitations that expired unused by now as
// noted and returns them, each once, for the audit log.
func (tx *Tx) ExpireInvitations(ctx context.Context, now time.Time) ([]Invitation, error) {
	return tx.invitations(ctx, `
		UPDATE officer_invitations SET expiry_noted = true
		WHERE used_at IS NULL AND revoked_at IS NULL AND NOT expiry_noted AND expires_at <= $1
		RETURNING `+invitationColumns, now)
}

func (tx *Tx) invitations(ctx context.Context, sql string, args ...any) ([]Invitation, error) {
	rows, err := tx.tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, mapErr(rows.Err())
}

// InviteFailures counts a chat's wrong, used, revoked or expired
// invitation codes since a moment (audit action "invite_bad").
func (tx *Tx) InviteFailures(ctx context.Context, channel, chatID string, since time.Time) (int, error) {
	var n int
	err := tx.tx.QueryRow(ctx, `
		SELECT count(*) FROM audit_log WHERE action = 'invite_bad' AND channel = $1 AND chat_id = $2 AND at > $3`,
		channel, chatID, since).Scan(&n)
	return n, mapErr(err)
}
