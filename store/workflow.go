package store

import (
	"context"
	"fmt"
	"time"
)

// LockReport returns a report locked for the caller's transaction, by its
// tracking ID or its national LAPOR! ID.
func (tx *Tx) LockReport(ctx context.Context, id string) (Report, error) {
	return scanReport(tx.tx.QueryRow(ctx, `SELECT `+reportColumns+` FROM reports
		WHERE tracking_id = $1 OR lapor_tracking_id = $1 FOR UPDATE`, id))
}

// ReportByAnyID finds a report by its tracking ID or its national LAPOR! ID.
func (tx *Tx) ReportByAnyID(ctx context.Context, id string) (Report, error) {
	return scanReport(tx.tx.QueryRow(ctx, `SELECT `+reportColumns+` FROM reports
		WHERE tracking_id = $1 OR lapor_tracking_id = $1`, id))
}

// UpdateReport writes the workflow fields of a report and bumps its version.
// It fails with ErrConflict if the report changed since it was read.
func (tx *Tx) UpdateReport(ctx context.Context, r *Report) error {
	var agency *string
	if r.AgencyCode != "" {
		agency = &r.AgencyCode
	}
	var lapor *string
	if r.LaporTrackingID != "" {
		lapor = &r.LaporTrackingID
	}
	var rating *int
	if r.Rating != 0 {
		rating = &r.Rating
	}
	tag, err := tx.tx.Exec(ctx, `
		UPDATE reports SET stage = $3, responsible_unit = $4, stage_started_at = $5, stage_deadline = $6,
			agency_code = $7, round = $8, resume_stage = $9, paused_days = $10, question = $11,
			closed_reason = $12, rating = $13, rating_comment = $14, lapor_tracking_id = $15,
			updated_at = $16, deadline_base = $17, deadline_days = $18, ombudsman_at = $19, ombudsman_limit_at = $20,
			co_agencies = $21, version = version + 1
		WHERE id = $1 AND version = $2`,
		r.ID, r.Version, r.Stage, r.ResponsibleUnit, r.StageStartedAt, nullTime(r.StageDeadline),
		agency, r.Round, r.ResumeStage, r.PausedDays, r.Question, r.ClosedReason, rating, r.RatingComment,
		lapor, r.UpdatedAt, nullTime(r.DeadlineBase), r.DeadlineDays, nullTime(r.OmbudsmanAt), nullTime(r.OmbudsmanLimitAt),
		coAgencies(r.CoAgencies))
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("%w: report %s changed meanwhile", ErrConflict, r.TrackingID)
	}
	r.Version++
	return nil
}

// LastEvent returns the newest history entry of a report.
func (tx *Tx) LastEvent(ctx context.Context, reportID int64) (Event, error) {
	var e Event
	err := tx.tx.QueryRow(ctx, `
		SELECT id, report_id, at, kind, stage_from, stage_to, actor_role, actor_id, desk, channel, note
		FROM report_events WHERE report_id = $1 ORDER BY id DESC LIMIT 1`, reportID).Scan(
		&e.ID, &e.ReportID, &e.At, &e.Kind, &e.StageFrom, &e.StageTo, &e.ActorRole, &e.ActorID, &e.Desk, &e.Channel, &e.Note)
	return e, mapErr(err)
}

// ReportFilter selects reports for queues and searches.
type ReportFilter struct {
	Stages     []string // empty: every stage
	AgencyCode string
	Words      string // full-text-ish search over tracking id and description
	Limit      int
}

// FindReports lists reports, oldest deadline first.
func (tx *Tx) FindReports(ctx context.Context, f ReportFilter) ([]Report, error) {
	if f.Limit == 0 {
		f.Limit = 50
	}
	return tx.reports(ctx, `(coalesce(cardinality($1::text[]), 0) = 0 OR stage = ANY($1))
		  AND ($2 = '' OR agency_code = $2 OR co_agencies @> ARRAY[$2]::text[])
		  AND ($3 = '' OR tracking_id ILIKE '%' || $3 || '%' OR description ILIKE '%' || $3 || '%' OR lapor_tracking_id = $3)
		ORDER BY stage_deadline NULLS LAST, id
		LIMIT $4`, f.Stages, f.AgencyCode, f.Words, f.Limit)
}

// StageCount is how many reports stand in one stage, and how many of those
// are past their deadline at the given moment.
type StageCount struct {
	Stage   string
	Agency  string
	Count   int
	Overdue int
	Rating  float64 // mean rating of closed reports, 0 if none
	Rated   int
}

// CountByStage counts reports per stage and agency.
func (tx *Tx) CountByStage(ctx context.Context, now time.Time) ([]StageCount, error) {
	rows, err := tx.tx.Query(ctx, `
		SELECT stage, coalesce(agency_code, ''), count(*),
		       count(*) FILTER (WHERE stage_deadline < $1 AND stage NOT IN ('closed', 'archived', 'in_lapor')),
		       coalesce(avg(rating), 0), count(rating)
		FROM reports GROUP BY 1, 2 ORDER BY 1, 2`, now)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []StageCount
	for rows.Next() {
		var c StageCount
		if err := rows.Scan(&c.Stage, &c.Agency, &c.Count, &c.Overdue, &c.Rating, &c.Rated); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// Answer is an agency's answer to one round of a report.
type Answer struct {
	ID          int64
	ReportID    int64
	Round       int
	Body        string
	AuthorID    string
	AuthorName  string
	AgencyCode  string
	CreatedAt   time.Time
	SubmittedAt time.Time
}

// AnswerFor returns an agency's answer to a report's round, creating an
// empty draft when there is none (each agency of a report disposed to more
// than one writes its own part).
func (tx *Tx) AnswerFor(ctx context.Context, reportID int64, round int, agency string, now time.Time) (Answer, error) {
	_, err := tx.tx.Exec(ctx, `
		INSERT INTO answers (report_id, round, agency_code, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (report_id, round, agency_code) DO NOTHING`, reportID, round, agency, now)
	if err != nil {
		return Answer{}, mapErr(err)
	}
	var a Answer
	var submitted *time.Time
	err = tx.tx.QueryRow(ctx, `
		SELECT id, report_id, round, body, author_id, author_name, agency_code, created_at, submitted_at
		FROM answers WHERE report_id = $1 AND round = $2 AND agency_code = $3`, reportID, round, agency).Scan(
		&a.ID, &a.ReportID, &a.Round, &a.Body, &a.AuthorID, &a.AuthorName, &a.AgencyCode, &a.CreatedAt, &submitted)
	a.SubmittedAt = valueTime(submitted)
	return a, mapErr(err)
}

// SaveAnswer stores an answer's body, author and submission time.
func (tx *Tx) SaveAnswer(ctx context.Context, a Answer) error {
	_, err := tx.tx.Exec(ctx, `
		UPDATE answers SET body = $2, author_id = $3, author_name = $4, submitted_at = $5 WHERE id = $1`,
		a.ID, a.Body, a.AuthorID, a.AuthorName, nullTime(a.SubmittedAt))
	return mapErr(err)
}

// AnswerAttachments lists the files of an answer, without their bytes.
func (tx *Tx) AnswerAttachments(ctx context.Context, answerID int64) ([]Attachment, error) {
	return tx.attachmentList(ctx, `answer_id = $1`, answerID)
}

// AttachToAnswer binds a stored file to an answer.
func (tx *Tx) AttachToAnswer(ctx context.Context, attachmentID, answerID int64) error {
	_, err := tx.tx.Exec(ctx, `UPDATE attachments SET answer_id = $2 WHERE id = $1`, attachmentID, answerID)
	return mapErr(err)
}

// ReportAttachments lists a report's evidence without the bytes.
func (tx *Tx) ReportAttachments(ctx context.Context, reportID int64) ([]Attachment, error) {
	return tx.attachmentList(ctx, `report_id = $1 AND answer_id IS NULL`, reportID)
}

// attachmentList lists attachments without their bytes, oldest first.
func (tx *Tx) attachmentList(ctx context.Context, where string, args ...any) ([]Attachment, error) {
	rows, err := tx.tx.Query(ctx, `SELECT id, kind, original_name, mime_type, size_bytes FROM attachments WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.Kind, &a.OriginalName, &a.MIMEType, &a.Size); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At       time.Time
	Channel  string
	ChatID   string
	UserID   string
	Action   string
	ReportID int64
	Allowed  bool
	Detail   string
}

// Audit appends to the audit log.
func (tx *Tx) Audit(ctx context.Context, e AuditEntry) error {
	var report *int64
	if e.ReportID != 0 {
		report = &e.ReportID
	}
	_, err := tx.tx.Exec(ctx, `
		INSERT INTO audit_log (at, channel, chat_id, user_id, action, report_id, allowed, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.At, e.Channel, e.ChatID, e.UserID, e.Action, report, e.Allowed, e.Detail)
	return mapErr(err)
}

// AuditLog returns the newest audit entries, newest first.
func (db *DB) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT at, channel, chat_id, user_id, action, coalesce(report_id, 0), allowed, detail
		FROM audit_log ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.At, &e.Channel, &e.ChatID, &e.UserID, &e.Action, &e.ReportID, &e.Allowed, &e.Detail); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}
