package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Agency is a regional agency (OPD) as stored.
type Agency struct {
	Code    string
	Name    string
	Kind    string
	Aliases []string
	Topics  []string
	Active  bool
	// WilayahCode is the kecamatan a kecamatan office serves (routing bonus).
	WilayahCode string
}

// SeedAgencies inserts the agencies not yet known; existing rows (possibly
// renamed by admins) are left alone. It returns how many were added.
func (db *DB) SeedAgencies(ctx context.Context, agencies []Agency, now time.Time) (int, error) {
	added := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		for _, a := range agencies {
			tag, err := tx.tx.Exec(ctx, `
				INSERT INTO agencies (code, name, kind, aliases, topics, wilayah_code, active, updated_at)
				VALUES ($1, $2, $3, coalesce($4, '{}'::text[]), coalesce($5, '{}'::text[]), $7, true, $6) ON CONFLICT (code) DO NOTHING`,
				a.Code, a.Name, a.Kind, a.Aliases, a.Topics, now, a.WilayahCode)
			if err != nil {
				return mapErr(err)
			}
			added += int(tag.RowsAffected())
		}
		return nil
	})
	return added, err
}

// Agencies lists agencies by code; inactive ones too when all is set.
func (tx *Tx) Agencies(ctx context.Context, all bool) ([]Agency, error) {
	rows, err := tx.tx.Query(ctx, `
		SELECT code, name, kind, aliases, topics, active, wilayah_code FROM agencies WHERE active OR $1 ORDER BY code`, all)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Agency
	for rows.Next() {
		var a Agency
		if err := rows.Scan(&a.Code, &a.Name, &a.Kind, &a.Aliases, &a.Topics, &a.Active, &a.WilayahCode); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
}

// PutAgency adds an agency or renames and reactivates/retires one.
func (tx *Tx) PutAgency(ctx context.Context, a Agency, now time.Time) error {
	_, err := tx.tx.Exec(ctx, `
		INSERT INTO agencies (code, name, kind, active, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at`,
		a.Code, a.Name, a.Kind, a.Active, now)
	return mapErr(err)
}

// Officer is a person who works reports.
type Officer struct {
	ID         int64
	Channel    string
	UserID     string
	Name       string
	Role       string
	AgencyCode string
	Active     bool
	CreatedBy  string
}

// PutOfficer adds an officer or changes their role, agency and name.
func (db *DB) PutOfficer(ctx context.Context, o Officer, now time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.PutOfficer(ctx, o, now) })
}

// PutOfficer adds an officer or changes their role, agency and name.
func (tx *Tx) PutOfficer(ctx context.Context, o Officer, now time.Time) error {
	var agency *string
	if o.AgencyCode != "" {
		agency = &o.AgencyCode
	}
	_, err := tx.tx.Exec(ctx, `
		INSERT INTO officers (channel, user_id, name, role, agency_code, active, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (channel, user_id) DO UPDATE SET name = CASE WHEN EXCLUDED.name = '' THEN officers.name ELSE EXCLUDED.name END,
			role = EXCLUDED.role, agency_code = EXCLUDED.agency_code, active = EXCLUDED.active`,
		o.Channel, o.UserID, o.Name, o.Role, agency, o.Active, now, o.CreatedBy)
	return mapErr(err)
}

// OfficerByUser returns the active officer bound to a chat identity.
func (tx *Tx) OfficerByUser(ctx context.Context, channel, userID string) (Officer, error) {
	var o Officer
	err := tx.tx.QueryRow(ctx, `
		SELECT id, channel, user_id, name, role, coalesce(agency_code, ''), active, created_by
		FROM officers WHERE channel = $1 AND user_id = $2 AND active`, channel, userID).Scan(
		&o.ID, &o.Channel, &o.UserID, &o.Name, &o.Role, &o.AgencyCode, &o.Active, &o.CreatedBy)
	return o, mapErr(err)
}

// Officers lists active officers by role and name.
func (tx *Tx) Officers(ctx context.Context) ([]Officer, error) {
	rows, err := tx.tx.Query(ctx, `
		SELECT id, channel, user_id, name, role, coalesce(agency_code, ''), active, created_by
		FROM officers WHERE active ORDER BY role, agency_code NULLS FIRST, name`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Officer
	for rows.Next() {
		var o Officer
		if err := rows.Scan(&o.ID, &o.Channel, &o.UserID, &o.Name, &o.Role, &o.AgencyCode, &o.Active, &o.CreatedBy); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, o)
	}
	return out, mapErr(rows.Err())
}

// Desk is a group chat registered for one part of the workflow.
type Desk struct {
	ID         int64
	Kind       string // super_admin, regency_admin, agency, ombudsman
	AgencyCode string
	Channel    string
	ChatID     string
	Title      string
}

// DeskByChat returns the desk a group chat is registered as.
func (tx *Tx) DeskByChat(ctx context.Context, channel, chatID string) (Desk, error) {
	var d Desk
	err := tx.tx.QueryRow(ctx, `
		SELECT id, kind, coalesce(agency_code, ''), channel, chat_id, title FROM desks
		WHERE channel = $1 AND chat_id = $2 AND removed_at IS NULL`, channel, chatID).Scan(
		&d.ID, &d.Kind, &d.AgencyCode, &d.Channel, &d.ChatID, &d.Title)
	return d, mapErr(err)
}

// DesksOf lists the registered chats of one desk (an agency may have a
// Telegram group and a WhatsApp group).
func (tx *Tx) DesksOf(ctx context.Context, kind, agencyCode string) ([]Desk, error) {
	return tx.desks(ctx, `kind = $1 AND coalesce(agency_code, '') = $2 AND removed_at IS NULL ORDER BY id`, kind, agencyCode)
}

// AllDesks lists every registered desk.
func (tx *Tx) AllDesks(ctx context.Context) ([]Desk, error) {
	return tx.desks(ctx, `removed_at IS NULL ORDER BY id`)
}

func (tx *Tx) desks(ctx context.Context, where string, args ...any) ([]Desk, error) {
	rows, err := tx.tx.Query(ctx, `SELECT id, kind, coalesce(agency_code, ''), channel, chat_id, title FROM desks WHERE `+where, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Desk
	for rows.Next() {
		var d Desk
		if err := rows.Scan(&d.ID, &d.Kind, &d.AgencyCode, &d.Channel, &d.ChatID, &d.Title); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// IssueDeskCode stores a one-time code for registering a group as a desk.
func (tx *Tx) IssueDeskCode(ctx context.Context, code, kind, agencyCode, issuedBy string, now, expires time.Time) error {
	return tx.issueCode(ctx, code, "group", RoomCode{Kind: kind, AgencyCode: agencyCode, IssuedBy: issuedBy}, now, expires)
}

// issueCode stores a one-time code of a purpose: "group" or "room".
func (tx *Tx) issueCode(ctx context.Context, code, purpose string, rc RoomCode, now, expires time.Time) error {
	var agency *string
	if rc.AgencyCode != "" {
		agency = &rc.AgencyCode
	}
	// A code drawn twice is an ErrConflict that leaves the transaction
	// usable, so the caller can draw another.
	tag, err := tx.tx.Exec(ctx, `
		INSERT INTO desk_codes (code, kind, agency_code, issued_by, issued_at, expires_at, purpose, officer_name)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (code) DO NOTHING`,
		code, rc.Kind, agency, rc.IssuedBy, now, expires, purpose, rc.OfficerName)
	if err == nil && tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: desk code %s is taken", ErrConflict, code)
	}
	return mapErr(err)
}

// IssueDeskCode is the transaction-less form, for the command line.
func (db *DB) IssueDeskCode(ctx context.Context, code, kind, agencyCode, issuedBy string, now, expires time.Time) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.IssueDeskCode(ctx, code, kind, agencyCode, issuedBy, now, expires) })
}

// UseDeskCode consumes a valid code and registers the chat as its desk,
// replacing any earlier registration of that chat. ErrNotFound means the
// code is unknown, used or expired.
func (tx *Tx) UseDeskCode(ctx context.Context, code, channel, chatID, title, userID string, now time.Time) (Desk, error) {
	var d Desk
	err := tx.tx.QueryRow(ctx, `
		UPDATE desk_codes SET used_at = $2, used_by = $3
		WHERE code = $1 AND purpose = 'group' AND used_at IS NULL AND expires_at > $2
		RETURNING kind, coalesce(agency_code, '')`, code, now, channel+":"+chatID).Scan(&d.Kind, &d.AgencyCode)
	if err != nil {
		return d, mapErr(err)
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE desks SET removed_at = $3 WHERE channel = $1 AND chat_id = $2 AND removed_at IS NULL`,
		channel, chatID, now); err != nil {
		return d, mapErr(err)
	}
	d.Channel, d.ChatID, d.Title = channel, chatID, title
	return tx.insertDesk(ctx, d, userID, now)
}

// insertDesk registers d's chat as its desk.
func (tx *Tx) insertDesk(ctx context.Context, d Desk, by string, now time.Time) (Desk, error) {
	var agency *string
	if d.AgencyCode != "" {
		agency = &d.AgencyCode
	}
	err := tx.tx.QueryRow(ctx, `
		INSERT INTO desks (kind, agency_code, channel, chat_id, title, registered_at, registered_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		d.Kind, agency, d.Channel, d.ChatID, d.Title, now, by).Scan(&d.ID)
	return d, mapErr(err)
}

// RemoveDesk unregisters a chat (the bot was removed from the group).
func (tx *Tx) RemoveDesk(ctx context.Context, channel, chatID string, now time.Time) (bool, error) {
	tag, err := tx.tx.Exec(ctx, `UPDATE desks SET removed_at = $3 WHERE channel = $1 AND chat_id = $2 AND removed_at IS NULL`,
		channel, chatID, now)
	return tag.RowsAffected() > 0, mapErr(err)
}

// RoomCode is what a web room sign-in code grants.
type RoomCode struct {
	Kind        string
	AgencyCode  string
	OfficerName string
	IssuedBy    string
}

// IssueRoomCode stores a one-time code that signs a browser in to a desk's
// web room as the named officer.
func (tx *Tx) IssueRoomCode(ctx context.Context, code string, rc RoomCode, now, expires time.Time) error {
	return tx.issueCode(ctx, code, "room", rc, now, expires)
}

// UseRoomCode consumes a valid room code for usedBy. ErrNotFound means
// the code is unknown, used, expired or a group code.
func (tx *Tx) UseRoomCode(ctx context.Context, code, usedBy string, now time.Time) (RoomCode, error) {
	var rc RoomCode
	err := tx.tx.QueryRow(ctx, `
		UPDATE desk_codes SET used_at = $2, used_by = $3
		WHERE code = $1 AND purpose = 'room' AND used_at IS NULL AND expires_at > $2
		RETURNING kind, coalesce(agency_code, ''), officer_name, issued_by`, code, now, usedBy).
		Scan(&rc.Kind, &rc.AgencyCode, &rc.OfficerName, &rc.IssuedBy)
	return rc, mapErr(err)
}

// EnsureDesk registers d's chat as its desk unless it already is, and
// returns the registration.
func (tx *Tx) EnsureDesk(ctx context.Context, d Desk, by string, now time.Time) (Desk, error) {
	existing, err := tx.DeskByChat(ctx, d.Channel, d.ChatID)
	if err == nil {
		return existing, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return d, err
	}
	return tx.insertDesk(ctx, d, by, now)
}

// ExpireRoomCodesIssuedBy ends every unused room code issued by issuer (the
// demo's, at the start of a normal run) and says how many there were.
func (db *DB) ExpireRoomCodesIssuedBy(ctx context.Context, issuer string, now time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE desk_codes SET expires_at = $2
		WHERE purpose = 'room' AND issued_by = $1 AND used_at IS NULL AND expires_at > $2`, issuer, now)
	if err != nil {
		return 0, mapErr(err)
	}
	return tag.RowsAffected(), nil
}
