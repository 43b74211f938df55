package store

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// HistoryFilter selects reports for exports, printouts, recaps and open
// data. Zero fields select everything.
type HistoryFilter struct {
	From, To       time.Time // submitted in [From, To)
	AgencyCode     string    // disposed to this agency
	TrackingIDs    []string
	Types          []string
	Stages         []string
	NoConfidential bool // leave confidential reports out entirely
	Verified       bool // only reports the super admin verified
	Ombudsman      bool // only reports forwarded to the Ombudsman
	NewestFirst    bool
	Limit          int
	// Responses: also the agencies' submitted answers and the follow-ups
	// that left their draft, each with its files (History.Responses). For
	// one report's printout; exports leave it off.
	Responses bool
}

// History is a report with its events, its answers and its files (without
// their bytes).
type History struct {
	Report  Report
	Events  []Event
	Answers []Answer
	Files   []Attachment // Data is nil
	// Responses are the agencies' answers and follow-ups, oldest first,
	// when the filter asked for them (store/documents.go).
	Responses []Response
}

// EachHistory streams the reports of f with their history to fn, one at a
// time, from one consistent snapshot (the transaction's). Memory stays flat
// whatever the number of reports.
func (tx *Tx) EachHistory(ctx context.Context, f HistoryFilter, fn func(History) error) error {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	if !f.From.IsZero() {
		where = append(where, "r.submitted_at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "r.submitted_at < "+arg(f.To))
	}
	if f.AgencyCode != "" {
		a := arg(f.AgencyCode)
		where = append(where, "(r.agency_code = "+a+" OR r.co_agencies @> ARRAY["+a+"]::text[])")
	}
	if len(f.TrackingIDs) > 0 {
		where = append(where, "r.tracking_id = ANY("+arg(f.TrackingIDs)+")")
	}
	if len(f.Types) > 0 {
		where = append(where, "r.type = ANY("+arg(f.Types)+")")
	}
	if len(f.Stages) > 0 {
		where = append(where, "r.stage = ANY("+arg(f.Stages)+")")
	}
	if f.NoConfidential {
		where = append(where, "NOT r.confidential")
	}
	if f.Verified {
		where = append(where, "EXISTS (SELECT 1 FROM report_events v WHERE v.report_id = r.id AND v.kind = 'verify')")
	}
	if f.Ombudsman {
		where = append(where, "r.ombudsman_at IS NOT NULL")
	}
	q := `SELECT ` + reportColumns + `,
		(SELECT coalesce(json_agg(json_build_object('id', e.id, 'at', e.at, 'kind', e.kind, 'from', e.stage_from,
			'to', e.stage_to, 'role', e.actor_role, 'actor', e.actor_id, 'desk', e.desk, 'channel', e.channel,
			'note', e.note, 'deadline', e.deadline) ORDER BY e.id), '[]')
		 FROM report_events e WHERE e.report_id = r.id),
		(SELECT coalesce(json_agg(json_build_object('round', a.round, 'body', a.body, 'author', a.author_name,
			'agency', a.agency_code, 'submitted', a.submitted_at) ORDER BY a.round, a.submitted_at, a.id), '[]')
		 FROM answers a WHERE a.report_id = r.id AND a.submitted_at IS NOT NULL),
		(SELECT coalesce(json_agg(json_build_object('id', f.id, 'kind', f.kind, 'name', f.original_name,
			'mime', f.mime_type, 'size', f.size_bytes) ORDER BY f.id), '[]')
		 FROM attachments f WHERE f.report_id = r.id)`
	if f.Responses {
		q += ",\n" + responsesColumn
	}
	q += `
		FROM reports r`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.NewestFirst {
		q += " ORDER BY r.submitted_at DESC, r.id DESC"
	} else {
		q += " ORDER BY r.submitted_at, r.id"
	}
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit)
	}
	rows, err := tx.tx.Query(ctx, q, args...)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var h History
		var events, answers, files, responses []byte
		extra := []any{&events, &answers, &files}
		if f.Responses {
			extra = append(extra, &responses)
		}
		r, err := scanReport(rowWith{rows, extra})
		if err != nil {
			return err
		}
		h.Report = r
		if h.Events, err = decodeEvents(r.ID, events); err != nil {
			return err
		}
		if h.Answers, err = decodeAnswers(r.ID, answers); err != nil {
			return err
		}
		if h.Files, err = decodeFiles(r.ID, files); err != nil {
			return err
		}
		if f.Responses {
			if h.Responses, err = decodeResponses(r.ID, responses); err != nil {
				return err
			}
		}
		if err := fn(h); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// rowWith scans a report followed by extra columns.
type rowWith struct {
	row   scanner
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// jsonTime reads the timestamps json_build_object writes.
type jsonTime struct{ time.Time }

func (t *jsonTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999Z07:00", "2006-01-02T15:04:05.999999Z07", time.RFC3339Nano} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	t.Time = v
	return err
}

func decodeEvents(reportID int64, b []byte) ([]Event, error) {
	var raw []struct {
		ID                                               int64
		At                                               jsonTime
		Kind, From, To, Role, Actor, Desk, Channel, Note string
		Deadline                                         jsonTime
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := make([]Event, len(raw))
	for i, e := range raw {
		out[i] = Event{ID: e.ID, ReportID: reportID, At: e.At.Time, Kind: e.Kind, StageFrom: e.From, StageTo: e.To,
			ActorRole: e.Role, ActorID: e.Actor, Desk: e.Desk, Channel: e.Channel, Note: e.Note, Deadline: e.Deadline.Time}
	}
	return out, nil
}

func decodeAnswers(reportID int64, b []byte) ([]Answer, error) {
	var raw []struct {
		Round                int
		Body, Author, Agency string
		Submitted            jsonTime
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := make([]Answer, len(raw))
	for i, a := range raw {
		out[i] = Answer{ReportID: reportID, Round: a.Round, Body: a.Body, AuthorName: a.Author, AgencyCode: a.Agency,
			SubmittedAt: a.Submitted.Time}
	}
	return out, nil
}

func decodeFiles(reportID int64, b []byte) ([]Attachment, error) {
	var raw []struct {
		ID               int64
		Kind, Name, MIME string
		Size             int64
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := make([]Attachment, len(raw))
	for i, f := range raw {
		out[i] = Attachment{ID: f.ID, ReportID: reportID, Kind: f.Kind, OriginalName: f.Name, MIMEType: f.MIME, Size: f.Size}
	}
	return out, nil
}

// OldestOpen lists the reports still open, oldest submission first.
func (tx *Tx) OldestOpen(ctx context.Context, limit int) ([]Report, error) {
	return tx.reports(ctx, `stage NOT IN ('closed', 'archived', 'in_lapor') ORDER BY submitted_at, id LIMIT $1`, limit)
}

// Document is a file lapor made to send to a chat. Its bytes are the blob
// BlobID.
type Document struct {
	ID      int64
	Channel string
	ChatID  string
	Kind    string // photo or document
	Name    string
	MIME    string
	MadeBy  string
	BlobID  int64
	Size    int64
}

// AddDocument stores a made file with its bytes and returns its id.
func (tx *Tx) AddDocument(ctx context.Context, d Document, data []byte, now time.Time) (int64, error) {
	b, err := tx.WriteBlob(ctx, bytes.NewReader(data), -1)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.tx.QueryRow(ctx, `
		INSERT INTO documents (channel, chat_id, kind, name, mime_type, blob_id, made_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		d.Channel, d.ChatID, d.Kind, d.Name, d.MIME, b.ID, d.MadeBy, now).Scan(&id)
	return id, mapErr(err)
}

// Document returns a made file.
func (db *DB) Document(ctx context.Context, id int64) (Document, error) {
	d := Document{ID: id}
	err := db.pool.QueryRow(ctx, `
		SELECT d.channel, d.chat_id, d.kind, d.name, d.mime_type, d.made_by, d.blob_id, b.size_bytes
		FROM documents d JOIN blobs b ON b.id = d.blob_id WHERE d.id = $1`, id).
		Scan(&d.Channel, &d.ChatID, &d.Kind, &d.Name, &d.MIME, &d.MadeBy, &d.BlobID, &d.Size)
	return d, mapErr(err)
}

// ReportIDs maps tracking ids to report ids (for bulk imports).
func (db *DB) ReportIDs(ctx context.Context) (map[string]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT tracking_id, id FROM reports`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var t string
		var id int64
		if err := rows.Scan(&t, &id); err != nil {
			return nil, mapErr(err)
		}
		out[t] = id
	}
	return out, mapErr(rows.Err())
}

// ImportEvents bulk-loads history (benchmarks and migrations from another
// system); events go in as given, in one COPY.
func (db *DB) ImportEvents(ctx context.Context, events []Event) (int64, error) {
	rows := make([][]any, len(events))
	for i, e := range events {
		rows[i] = []any{e.ReportID, e.At, e.Kind, e.StageFrom, e.StageTo, e.ActorRole, e.ActorID, e.Desk, e.Channel,
			e.Note, nullTime(e.Deadline)}
	}
	n, err := db.pool.CopyFrom(ctx, pgx.Identifier{"report_events"}, []string{"report_id", "at", "kind", "stage_from",
		"stage_to", "actor_role", "actor_id", "desk", "channel", "note", "deadline"}, pgx.CopyFromRows(rows))
	if err != nil {
		return n, mapErr(err)
	}
	_, err = db.pool.Exec(ctx, `ANALYZE report_events`)
	return n, mapErr(err)
}
