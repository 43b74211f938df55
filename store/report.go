package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Report is a citizen's complaint, aspiration or information request.
type Report struct {
	ID               int64
	TrackingID       string
	Type             string
	Description      string
	OccurredOn       time.Time // zero when the citizen does not remember
	OccurredText     string
	Address          string
	Latitude         *float64
	Longitude        *float64
	KecamatanCode    string
	Anonymous        bool
	Confidential     bool
	Channel          string
	ChatID           string
	ReporterUserID   string
	ReporterName     string
	ReporterUsername string
	Lang             string
	Stage            string
	ResponsibleUnit  string
	StageStartedAt   time.Time
	StageDeadline    time.Time
	SubmittedAt      time.Time
	UpdatedAt        time.Time
	SourceInboxID    int64
	LaporTrackingID  string // the national LAPOR! id, keyed in by an admin
	Version          int    // bumped by every transition; buttons carry it
	AgencyCode       string // the agency the report is disposed to (the lead one)
	Round            int    // a rejected answer starts a new round
	ResumeStage      string // while waiting for the citizen: the stage to go back to
	PausedDays       int    // working days left when the clock was paused
	Question         string // the open Tunda question
	ClosedReason     string
	Rating           int
	RatingComment    string
	RecordedBy       string    // the officer who recorded a walk-in complaint
	Contact          string    // a walk-in citizen's contact, if given
	DeadlineBase     time.Time // StageDeadline = Deadline(DeadlineBase, DeadlineDays)
	DeadlineDays     int
	OmbudsmanAt      time.Time // when it was forwarded to a registered Ombudsman desk
	OmbudsmanLimitAt time.Time // when it passed the Ombudsman limit unresolved (the escalation file was made)
	Title            string    // a short title (judul), suggested from the description at intake
	Category         string    // a LAPOR! category code (flows/category); "" when none was given

	CoAgencies []string // the agencies it is disposed to besides AgencyCode (flows/multiagency.go)
}

// Event is one entry of a report's append-only history.
type Event struct {
	ID        int64
	ReportID  int64
	At        time.Time
	Kind      string
	StageFrom string
	StageTo   string
	ActorRole string
	ActorID   string
	Desk      string
	Channel   string
	Note      string
	Deadline  time.Time // the deadline of the stage the event began; zero when none
}

const reportColumns = `id, tracking_id, type, description, occurred_on, occurred_text, address,
	latitude, longitude, kecamatan_code, anonymous, confidential, channel, chat_id,
	reporter_user_id, reporter_name, reporter_username, lang, stage, responsible_unit,
	stage_started_at, stage_deadline, submitted_at, updated_at, coalesce(source_inbox_id, 0),
	coalesce(lapor_tracking_id, ''), version, coalesce(agency_code, ''), round, resume_stage, paused_days,
	question, closed_reason, coalesce(rating, 0), rating_comment, recorded_by, contact,
	deadline_base, deadline_days, ombudsman_at, ombudsman_limit_at, title, category, co_agencies`

type scanner interface{ Scan(dest ...any) error }

func scanReport(row scanner) (Report, error) {
	var r Report
	var occurred, deadline, base, ombudsman, limit *time.Time
	err := row.Scan(&r.ID, &r.TrackingID, &r.Type, &r.Description, &occurred, &r.OccurredText, &r.Address,
		&r.Latitude, &r.Longitude, &r.KecamatanCode, &r.Anonymous, &r.Confidential, &r.Channel, &r.ChatID,
		&r.ReporterUserID, &r.ReporterName, &r.ReporterUsername, &r.Lang, &r.Stage, &r.ResponsibleUnit,
		&r.StageStartedAt, &deadline, &r.SubmittedAt, &r.UpdatedAt, &r.SourceInboxID,
		&r.LaporTrackingID, &r.Version, &r.AgencyCode, &r.Round, &r.ResumeStage, &r.PausedDays,
		&r.Question, &r.ClosedReason, &r.Rating, &r.RatingComment, &r.RecordedBy, &r.Contact,
		&base, &r.DeadlineDays, &ombudsman, &limit, &r.Title, &r.Category, &r.CoAgencies)
	if err != nil {
		return r, mapErr(err)
	}
	r.OccurredOn, r.StageDeadline = valueTime(occurred), valueTime(deadline)
	r.DeadlineBase, r.OmbudsmanAt, r.OmbudsmanLimitAt = valueTime(base), valueTime(ombudsman), valueTime(limit)
	return r, nil
}

// CreateReport inserts r and sets its ID. A tracking ID already taken
// returns ErrConflict, so the caller can draw another.
func (tx *Tx) CreateReport(ctx context.Context, r *Report) error {
	var occurred *string
	if !r.OccurredOn.IsZero() {
		s := r.OccurredOn.Format(time.DateOnly)
		occurred = &s
	}
	var source *int64
	if r.SourceInboxID != 0 {
		source = &r.SourceInboxID
	}
	// A savepoint keeps the surrounding transaction usable after a unique
	// violation on the tracking ID.
	sp, err := tx.tx.Begin(ctx)
	if err != nil {
		return mapErr(err)
	}
	err = sp.QueryRow(ctx, `
		INSERT INTO reports (tracking_id, type, description, occurred_on, occurred_text, address,
			latitude, longitude, kecamatan_code, anonymous, confidential, channel, chat_id,
			reporter_user_id, reporter_name, reporter_username, lang, stage, responsible_unit,
			stage_started_at, stage_deadline, submitted_at, updated_at, source_inbox_id, recorded_by, contact,
			deadline_base, deadline_days, title, category)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
			$20, $21, $22, $22, $23, $24, $25, $26, $27, $28, $29)
		RETURNING id`,
		r.TrackingID, r.Type, r.Description, occurred, r.OccurredText, r.Address,
		r.Latitude, r.Longitude, r.KecamatanCode, r.Anonymous, r.Confidential, r.Channel, r.ChatID,
		r.ReporterUserID, r.ReporterName, r.ReporterUsername, r.Lang, r.Stage, r.ResponsibleUnit,
		r.StageStartedAt, nullTime(r.StageDeadline), r.SubmittedAt, source, r.RecordedBy, r.Contact,
		nullTime(r.DeadlineBase), r.DeadlineDays, r.Title, r.Category).Scan(&r.ID)
	if err != nil {
		_ = sp.Rollback(ctx)
		return fmt.Errorf("store: create report: %w", mapErr(err))
	}
	r.UpdatedAt, r.Version, r.Round = r.SubmittedAt, 1, 1
	return mapErr(sp.Commit(ctx))
}

// ReportByTrackingID returns the report with that tracking ID.
func (tx *Tx) ReportByTrackingID(ctx context.Context, trackingID string) (Report, error) {
	return scanReport(tx.tx.QueryRow(ctx, `SELECT `+reportColumns+` FROM reports WHERE tracking_id = $1`, trackingID))
}

// ReportsByChat lists the reports filed from one chat, newest first.
func (tx *Tx) ReportsByChat(ctx context.Context, channel, chatID string, limit int) ([]Report, error) {
	return tx.reports(ctx, `channel = $1 AND chat_id = $2 ORDER BY submitted_at DESC, id DESC LIMIT $3`, channel, chatID, limit)
}

// AppendEvent adds an entry to a report's history.
func (tx *Tx) AppendEvent(ctx context.Context, e Event) error {
	_, err := tx.tx.Exec(ctx, `
		INSERT INTO report_events (report_id, at, kind, stage_from, stage_to, actor_role, actor_id, desk, channel, note, deadline)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.ReportID, e.At, e.Kind, e.StageFrom, e.StageTo, e.ActorRole, e.ActorID, e.Desk, e.Channel, e.Note, nullTime(e.Deadline))
	return mapErr(err)
}

// Events returns a report's history, oldest first.
func (tx *Tx) Events(ctx context.Context, reportID int64) ([]Event, error) {
	rows, err := tx.tx.Query(ctx, `
		SELECT id, report_id, at, kind, stage_from, stage_to, actor_role, actor_id, desk, channel, note, deadline
		FROM report_events WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var deadline *time.Time
		if err := rows.Scan(&e.ID, &e.ReportID, &e.At, &e.Kind, &e.StageFrom, &e.StageTo,
			&e.ActorRole, &e.ActorID, &e.Desk, &e.Channel, &e.Note, &deadline); err != nil {
			return nil, mapErr(err)
		}
		e.Deadline = valueTime(deadline)
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// ImportReports bulk-loads reports (an import from another system, or a
// load test) with COPY. Tracking IDs must be unique; IDs are assigned.
func (db *DB) ImportReports(ctx context.Context, reports []Report) (int64, error) {
	rows := make([][]any, len(reports))
	for i, r := range reports {
		var agency *string
		if r.AgencyCode != "" {
			agency = &r.AgencyCode
		}
		rows[i] = []any{r.TrackingID, r.Type, r.Description, r.Anonymous, r.Confidential, r.Channel, r.ChatID,
			r.Stage, r.ResponsibleUnit, r.StageStartedAt, nullTime(r.StageDeadline), r.SubmittedAt, r.SubmittedAt,
			nullTime(r.DeadlineBase), r.DeadlineDays, agency, r.KecamatanCode}
	}
	n, err := db.pool.CopyFrom(ctx, pgx.Identifier{"reports"}, []string{"tracking_id", "type", "description", "anonymous",
		"confidential", "channel", "chat_id", "stage", "responsible_unit", "stage_started_at", "stage_deadline",
		"submitted_at", "updated_at", "deadline_base", "deadline_days", "agency_code", "kecamatan_code"}, pgx.CopyFromRows(rows))
	if err != nil {
		return n, mapErr(err)
	}
	_, err = db.pool.Exec(ctx, `ANALYZE reports`)
	return n, mapErr(err)
}

// HasEventAt reports whether r's history has an event of kind recorded at
// the instant at (to the database's microsecond).
func (tx *Tx) HasEventAt(ctx context.Context, reportID int64, kind string, at time.Time) (bool, error) {
	var ok bool
	err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_events WHERE report_id = $1 AND kind = $2 AND at = $3)`,
		reportID, kind, at).Scan(&ok)
	return ok, mapErr(err)
}
