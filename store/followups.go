package store

import (
	"context"
	"time"
)

// Followup is an agency's first response (respon awal) or progress update
// (tindak lanjut) on a report, before its final answer.
type Followup struct {
	ID          int64
	ReportID    int64
	Round       int
	AgencyCode  string
	Kind        string // first_response | progress
	Body        string
	Status      string // draft | pending | sent | returned
	AuthorID    string
	AuthorName  string
	CreatedAt   time.Time
	SubmittedAt time.Time
	DecidedAt   time.Time
	DecidedBy   string
	Reason      string
}

const followupColumns = `id, report_id, round, agency_code, kind, body, status, author_id, author_name,
	created_at, submitted_at, decided_at, decided_by, reason`

func scanFollowup(row scanner) (Followup, error) {
	var f Followup
	var submitted, decided *time.Time
	err := row.Scan(&f.ID, &f.ReportID, &f.Round, &f.AgencyCode, &f.Kind, &f.Body, &f.Status, &f.AuthorID, &f.AuthorName,
		&f.CreatedAt, &submitted, &decided, &f.DecidedBy, &f.Reason)
	f.SubmittedAt, f.DecidedAt = valueTime(submitted), valueTime(decided)
	return f, mapErr(err)
}

// FollowupDraft returns the report's draft of a kind, creating an empty one
// for the agency when there is none.
func (tx *Tx) FollowupDraft(ctx context.Context, reportID int64, round int, agency, kind string, now time.Time) (Followup, error) {
	if _, err := tx.tx.Exec(ctx, `
		INSERT INTO followups (report_id, round, agency_code, kind, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (report_id, kind, agency_code) WHERE status = 'draft' DO NOTHING`, reportID, round, agency, kind, now); err != nil {
		return Followup{}, mapErr(err)
	}
	return scanFollowup(tx.tx.QueryRow(ctx, `SELECT `+followupColumns+` FROM followups
		WHERE report_id = $1 AND kind = $2 AND agency_code = $3 AND status = 'draft'`, reportID, kind, agency))
}

// Followup returns one follow-up of a report, locked for the transaction.
func (tx *Tx) Followup(ctx context.Context, reportID, id int64) (Followup, error) {
	return scanFollowup(tx.tx.QueryRow(ctx, `SELECT `+followupColumns+` FROM followups
		WHERE report_id = $1 AND id = $2 FOR UPDATE`, reportID, id))
}

// SaveFollowup stores a follow-up's text, author, status and decision.
func (tx *Tx) SaveFollowup(ctx context.Context, f Followup) error {
	_, err := tx.tx.Exec(ctx, `
		UPDATE followups SET body = $2, author_id = $3, author_name = $4, status = $5, submitted_at = $6,
			decided_at = $7, decided_by = $8, reason = $9, agency_code = $10, round = $11
		WHERE id = $1`, f.ID, f.Body, f.AuthorID, f.AuthorName, f.Status, nullTime(f.SubmittedAt),
		nullTime(f.DecidedAt), f.DecidedBy, f.Reason, f.AgencyCode, f.Round)
	return mapErr(err)
}

// Followups lists a report's follow-ups that left the draft, oldest first.
func (tx *Tx) Followups(ctx context.Context, reportID int64) ([]Followup, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+followupColumns+` FROM followups
		WHERE report_id = $1 AND status <> 'draft' ORDER BY id`, reportID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Followup
	for rows.Next() {
		f, err := scanFollowup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, mapErr(rows.Err())
}

// AttachToFollowup binds a stored file to a follow-up.
func (tx *Tx) AttachToFollowup(ctx context.Context, attachmentID, followupID int64) error {
	_, err := tx.tx.Exec(ctx, `UPDATE attachments SET followup_id = $2 WHERE id = $1`, attachmentID, followupID)
	return mapErr(err)
}

// FollowupAttachments lists the files of a follow-up, without their bytes.
func (tx *Tx) FollowupAttachments(ctx context.Context, followupID int64) ([]Attachment, error) {
	return tx.attachmentList(ctx, `followup_id = $1`, followupID)
}

// FirstResponseDue returns when the report's first-response clock started
// and its deadline; zero times when none applies.
func (tx *Tx) FirstResponseDue(ctx context.Context, reportID int64) (base, due time.Time, err error) {
	var b, d *time.Time
	err = tx.tx.QueryRow(ctx, `SELECT first_response_base, first_response_due FROM reports WHERE id = $1`, reportID).Scan(&b, &d)
	return valueTime(b), valueTime(d), mapErr(err)
}

// SetFirstResponseDue sets (or, with zero times, clears) the report's
// first-response deadline. It does not bump the report's version: the
// buttons already shown stay valid.
func (tx *Tx) SetFirstResponseDue(ctx context.Context, reportID int64, base, due time.Time) error {
	_, err := tx.tx.Exec(ctx, `UPDATE reports SET first_response_base = $2, first_response_due = $3 WHERE id = $1`,
		reportID, nullTime(base), nullTime(due))
	return mapErr(err)
}

// FirstResponseClock is a report at an agency whose first response is due.
type FirstResponseClock struct {
	ReportID       int64
	TrackingID     string
	AgencyCode     string
	StageStartedAt time.Time
	Base, Due      time.Time
}

// FirstResponsesDueBy lists reports at an agency whose first response is
// due at or before horizon, oldest deadline first (partial index on the
// deadline: the cost follows the reports due, not the table).
func (tx *Tx) FirstResponsesDueBy(ctx context.Context, horizon time.Time, limit int) ([]FirstResponseClock, error) {
	rows, err := tx.tx.Query(ctx, `SELECT id, tracking_id, coalesce(agency_code, ''), stage_started_at,
			first_response_base, first_response_due
		FROM reports WHERE stage = 'at_agency' AND first_response_due IS NOT NULL AND first_response_due <= $1
		ORDER BY first_response_due, id LIMIT $2`, horizon, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []FirstResponseClock
	for rows.Next() {
		var c FirstResponseClock
		var base *time.Time
		if err := rows.Scan(&c.ReportID, &c.TrackingID, &c.AgencyCode, &c.StageStartedAt, &base, &c.Due); err != nil {
			return nil, mapErr(err)
		}
		c.Base = valueTime(base)
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// StopFirstResponseClock clears the first-response deadline and keeps when
// its clock started (a first response sent back puts it back).
func (tx *Tx) StopFirstResponseClock(ctx context.Context, reportID int64) error {
	_, err := tx.tx.Exec(ctx, `UPDATE reports SET first_response_due = NULL WHERE id = $1`, reportID)
	return mapErr(err)
}
