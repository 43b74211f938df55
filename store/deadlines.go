package store

import (
	"context"
	"strings"
	"time"
)

// HolidayChange is a holiday added (or an embedded one removed) at run time.
type HolidayChange struct {
	Day       time.Time // a date; the time of day is ignored
	Name      string
	Removed   bool
	ChangedBy string
}

// HolidayChanges lists the run-time changes to the holiday list.
func (db *DB) HolidayChanges(ctx context.Context) ([]HolidayChange, error) {
	rows, err := db.pool.Query(ctx, `SELECT day, name, removed, changed_by FROM holiday_changes ORDER BY day`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []HolidayChange
	for rows.Next() {
		var h HolidayChange
		if err := rows.Scan(&h.Day, &h.Name, &h.Removed, &h.ChangedBy); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, h)
	}
	return out, mapErr(rows.Err())
}

// PutHolidayChange records a holiday added or removed.
func (tx *Tx) PutHolidayChange(ctx context.Context, h HolidayChange, now time.Time) error {
	_, err := tx.tx.Exec(ctx, `
		INSERT INTO holiday_changes (day, name, removed, changed_by, changed_at) VALUES ($1::date, $2, $3, $4, $5)
		ON CONFLICT (day) DO UPDATE SET name = EXCLUDED.name, removed = EXCLUDED.removed,
			changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at`,
		h.Day.Format(time.DateOnly), h.Name, h.Removed, h.ChangedBy, now)
	return mapErr(err)
}

// DeleteHolidayChange forgets a run-time change (back to the embedded list).
func (tx *Tx) DeleteHolidayChange(ctx context.Context, day time.Time) (bool, error) {
	tag, err := tx.tx.Exec(ctx, `DELETE FROM holiday_changes WHERE day = $1::date`, day.Format(time.DateOnly))
	return tag.RowsAffected() > 0, mapErr(err)
}

func (tx *Tx) reports(ctx context.Context, where string, args ...any) ([]Report, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+reportColumns+` FROM reports WHERE `+where, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// ReportsDueBy lists reports whose clock runs and whose stage deadline
// falls at or before horizon, oldest deadline first. A clock runs exactly
// when the report has a stage deadline: the workflow clears it when the
// clock pauses or stops. Its cost follows the number of such reports, not
// the size of the table (partial index on the deadline).
func (tx *Tx) ReportsDueBy(ctx context.Context, horizon time.Time, limit int) ([]Report, error) {
	return tx.reports(ctx, `stage_deadline IS NOT NULL
		AND stage_deadline <= $1 ORDER BY stage_deadline, id LIMIT $2`, horizon, limit)
}

// ReportsOpenSince lists reports not yet answered or closed, and not yet
// past the Ombudsman limit, that were submitted at or before cutoff.
func (tx *Tx) ReportsOpenSince(ctx context.Context, cutoff time.Time, limit int) ([]Report, error) {
	return tx.reports(ctx, `ombudsman_limit_at IS NULL
		AND stage IN ('submitted', 'at_regency', 'at_agency', 'answer_review', 'waiting_citizen')
		AND submitted_at <= $1 ORDER BY submitted_at, id LIMIT $2`, cutoff, limit)
}

// ReportsWaitingSince lists reports waiting for the citizen since before t.
func (tx *Tx) ReportsWaitingSince(ctx context.Context, t time.Time, limit int) ([]Report, error) {
	return tx.reports(ctx, `stage = 'waiting_citizen' AND stage_started_at <= $1 ORDER BY stage_started_at, id LIMIT $2`, t, limit)
}

// ReportsWithDeadline lists every open report whose deadline can be
// recomputed (for a holiday change).
func (tx *Tx) ReportsWithDeadline(ctx context.Context) ([]Report, error) {
	return tx.reports(ctx, `stage_deadline IS NOT NULL AND deadline_base IS NOT NULL ORDER BY id`)
}

// SetDeadline changes a report's deadline without bumping its version
// (buttons already shown stay valid: only the date moved).
func (tx *Tx) SetDeadline(ctx context.Context, reportID int64, deadline time.Time) error {
	_, err := tx.tx.Exec(ctx, `UPDATE reports SET stage_deadline = $2 WHERE id = $1`, reportID, nullTime(deadline))
	return mapErr(err)
}

// Mark records that a sweep did something (kind) about a report's current
// stage entry, and reports whether it was new. A rerun finds it marked.
func (tx *Tx) Mark(ctx context.Context, reportID int64, stageKey time.Time, kind string, at time.Time) (bool, error) {
	tag, err := tx.tx.Exec(ctx, `
		INSERT INTO sweep_marks (report_id, stage_key, kind, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, reportID, stageKey, kind, at)
	return tag.RowsAffected() == 1, mapErr(err)
}

// Marks counts what the sweeps did, by kind (tests and /sla).
func (db *DB) Marks(ctx context.Context) (map[string]int, error) {
	return db.counts(ctx, `SELECT kind, count(*) FROM sweep_marks GROUP BY kind`)
}

// MarkDigest records a desk's morning digest of one day; false if sent.
func (tx *Tx) MarkDigest(ctx context.Context, deskID int64, day time.Time, at time.Time) (bool, error) {
	tag, err := tx.tx.Exec(ctx, `INSERT INTO digests_sent (desk_id, day, at) VALUES ($1, $2::date, $3) ON CONFLICT DO NOTHING`,
		deskID, day.Format(time.DateOnly), at)
	return tag.RowsAffected() == 1, mapErr(err)
}

// ExpireDraft keeps an abandoned draft in expired_drafts and resets the
// conversation.
func (tx *Tx) ExpireDraft(ctx context.Context, c Conversation, at time.Time) error {
	if _, err := tx.tx.Exec(ctx, `INSERT INTO expired_drafts (channel, chat_id, step, draft, expired_at) VALUES ($1, $2, $3, $4, $5)`,
		c.Channel, c.ChatID, c.Step, c.Draft, at); err != nil {
		return mapErr(err)
	}
	_, err := tx.tx.Exec(ctx, `UPDATE conversations SET step = 'idle', draft = '{}', updated_at = $3, reminded_at = NULL
		WHERE channel = $1 AND chat_id = $2`, c.Channel, c.ChatID, at)
	return mapErr(err)
}

// RemindedDrafts lists drafts reminded before t and still untouched since.
func (tx *Tx) RemindedDrafts(ctx context.Context, t time.Time, limit int, notSteps []string) ([]Conversation, error) {
	return tx.conversations(ctx, `step <> 'idle' AND reminded_at IS NOT NULL AND reminded_at <= $1 AND updated_at <= reminded_at
		AND NOT step = ANY($3) ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED`, t, limit, notSteps)
}

// MarkEntry is one thing a sweep did.
type MarkEntry struct {
	ReportID int64
	Kind     string
	At       time.Time
}

// MarkLog lists everything the sweeps did, in order.
func (db *DB) MarkLog(ctx context.Context) ([]MarkEntry, error) {
	rows, err := db.pool.Query(ctx, `SELECT report_id, kind, at FROM sweep_marks ORDER BY at, report_id, kind`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []MarkEntry
	for rows.Next() {
		var m MarkEntry
		if err := rows.Scan(&m.ReportID, &m.Kind, &m.At); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// ExplainReportsDueBy returns the query plan of the deadline sweep's query
// with its actual row counts and timings (for docs/BENCHMARKS.md).
func (db *DB) ExplainReportsDueBy(ctx context.Context, horizon time.Time) (string, error) {
	rows, err := db.pool.Query(ctx, `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT `+reportColumns+` FROM reports
		WHERE stage_deadline IS NOT NULL
		AND stage_deadline <= $1 ORDER BY stage_deadline, id LIMIT 50000`, horizon)
	if err != nil {
		return "", mapErr(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", mapErr(err)
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n"), mapErr(rows.Err())
}

// MarkKey names one thing a sweep may do about a report's stage entry.
type MarkKey struct {
	ReportID int64
	StageKey time.Time
	Kind     string
}

// MarkMany records many marks in one statement and returns which were new,
// in the order given. Its cost is one round trip, whatever the count.
func (tx *Tx) MarkMany(ctx context.Context, keys []MarkKey, at time.Time) ([]bool, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(keys))
	stages := make([]time.Time, len(keys))
	kinds := make([]string, len(keys))
	for i, k := range keys {
		ids[i], stages[i], kinds[i] = k.ReportID, k.StageKey, k.Kind
	}
	rows, err := tx.tx.Query(ctx, `
		INSERT INTO sweep_marks (report_id, stage_key, kind, at)
		SELECT id, stage, kind, $4 FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS u(id, stage, kind)
		ON CONFLICT DO NOTHING
		RETURNING report_id, kind`, ids, stages, kinds, at)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	inserted := map[[2]any]bool{}
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, mapErr(err)
		}
		inserted[[2]any{id, kind}] = true
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	out := make([]bool, len(keys))
	for i, k := range keys {
		out[i] = inserted[[2]any{k.ReportID, k.Kind}]
	}
	return out, nil
}
