package store

import (
	"context"
	"errors"
	"time"
)

// Template is a canned answer (templat tanggapan). AgencyCode "" marks a
// regency-wide template, written by the admins for every agency.
type Template struct {
	ID         int64
	AgencyCode string
	Title      string
	Body       string
	CreatedBy  string
	CreatedAt  time.Time
}

// AddTemplate stores a new template and sets its id. A title its owner
// already uses (in any case) is ErrConflict; the transaction stays usable.
func (tx *Tx) AddTemplate(ctx context.Context, t *Template) error {
	err := tx.tx.QueryRow(ctx, `
		INSERT INTO answer_templates (agency_code, title, body, created_by, created_at)
		VALUES (nullif($1, ''), $2, $3, $4, $5)
		ON CONFLICT DO NOTHING RETURNING id`,
		t.AgencyCode, t.Title, t.Body, t.CreatedBy, t.CreatedAt).Scan(&t.ID)
	if err = mapErr(err); errors.Is(err, ErrNotFound) {
		return ErrConflict
	}
	return err
}

// Templates lists the templates of the given owners ("" for regency-wide),
// an agency's before the regency's, each by number.
func (tx *Tx) Templates(ctx context.Context, owners ...string) ([]Template, error) {
	rows, err := tx.tx.Query(ctx, `
		SELECT id, coalesce(agency_code, ''), title, body, created_by, created_at
		FROM answer_templates WHERE coalesce(agency_code, '') = ANY($1)
		ORDER BY agency_code IS NULL, id`, owners)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		var t Template
		if err := rows.Scan(&t.ID, &t.AgencyCode, &t.Title, &t.Body, &t.CreatedBy, &t.CreatedAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

// TemplateByID returns one template, whoever owns it: the caller checks
// that the asker may see it.
func (tx *Tx) TemplateByID(ctx context.Context, id int64) (Template, error) {
	var t Template
	err := tx.tx.QueryRow(ctx, `
		SELECT id, coalesce(agency_code, ''), title, body, created_by, created_at
		FROM answer_templates WHERE id = $1`, id).Scan(&t.ID, &t.AgencyCode, &t.Title, &t.Body, &t.CreatedBy, &t.CreatedAt)
	return t, mapErr(err)
}

// DeleteTemplate removes a template of an owner ("" for regency-wide); a
// template of another owner, or one already gone, is ErrNotFound.
func (tx *Tx) DeleteTemplate(ctx context.Context, id int64, owner string) error {
	tag, err := tx.tx.Exec(ctx, `DELETE FROM answer_templates WHERE id = $1 AND coalesce(agency_code, '') = $2`, id, owner)
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
