package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// SimilarQuery asks for open reports that may repeat one report.
type SimilarQuery struct {
	ReportID  int64
	Since     time.Time // submitted at or after
	RadiusM   float64   // a pin this close counts as the same place
	StopWords string    // words that say nothing of the matter, space separated
	Limit     int
}

// Similar is a candidate duplicate and how it resembles the report asked
// about. Words are lexemes of PostgreSQL's Indonesian full-text search.
type Similar struct {
	Report     Report
	Shared     int     // lexemes both descriptions have
	Words      int     // lexemes of the report asked about
	TheirWords int     // lexemes of the candidate
	DistanceM  float64 // between the two pins; -1 when either has none
}

// SimilarOpenReports lists open (not closed, not archived) reports submitted
// since q.Since that share at least one word with the report's description
// and lie in its kecamatan or within q.RadiusM of its pin; most shared words
// first. The caller decides what is similar enough.
func (tx *Tx) SimilarOpenReports(ctx context.Context, q SimilarQuery) ([]Similar, error) {
	if q.Limit == 0 {
		q.Limit = 20
	}
	rows, err := tx.tx.Query(ctx, `
		WITH stop AS (
			SELECT tsvector_to_array(to_tsvector('indonesian', $2)) AS stop_words
		), me AS (
			SELECT id AS me_id, latitude AS me_lat, longitude AS me_lon, kecamatan_code AS me_kec,
				ARRAY(SELECT w FROM unnest(tsvector_to_array(ts_delete(to_tsvector('indonesian', description), stop_words))) w
					WHERE w ~ '^[[:alnum:]]+$') AS me_words
			FROM reports, stop WHERE id = $1
		), cand AS (
			SELECT reports.*, me.*,
				CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL AND me_lat IS NOT NULL AND me_lon IS NOT NULL THEN
					2 * 6371000 * asin(least(1, sqrt(power(sin(radians(latitude - me_lat) / 2), 2) +
						cos(radians(me_lat)) * cos(radians(latitude)) * power(sin(radians(longitude - me_lon) / 2), 2))))
				END AS distance_m,
				tsvector_to_array(ts_delete(to_tsvector('indonesian', description), stop_words)) AS their_words
			FROM reports, me, stop
			WHERE id <> me_id AND stage NOT IN ('closed', 'archived') AND submitted_at >= $3
				AND cardinality(me_words) > 0
				AND to_tsvector('indonesian', description) @@
					to_tsquery('simple', (SELECT string_agg('''' || w || '''', ' | ') FROM unnest(me_words) w))
		), scored AS (
			SELECT cand.*, cardinality(ARRAY(SELECT unnest(me_words) INTERSECT SELECT unnest(their_words))) AS shared
			FROM cand
			WHERE (me_kec <> '' AND kecamatan_code = me_kec) OR distance_m <= $4
		)
		SELECT `+reportColumns+`, shared, cardinality(me_words), cardinality(their_words), coalesce(distance_m, -1)
		FROM scored ORDER BY shared DESC, submitted_at DESC, id DESC LIMIT $5`,
		q.ReportID, q.StopWords, q.Since, q.RadiusM, q.Limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Similar
	for rows.Next() {
		var s Similar
		r, err := scanReport(withExtra{rows, []any{&s.Shared, &s.Words, &s.TheirWords, &s.DistanceM}})
		if err != nil {
			return nil, err
		}
		s.Report = r
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// withExtra scans a report row followed by more columns.
type withExtra struct {
	rows  pgx.Rows
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.extra...)...) }

// MergeReport records that a duplicate follows an original from now on,
// and moves the duplicate's own followers to the original, so that every
// merge points at a root. It returns the reports moved.
func (tx *Tx) MergeReport(ctx context.Context, duplicateID, originalID int64, at time.Time, by string) ([]int64, error) {
	rows, err := tx.tx.Query(ctx, `UPDATE report_merges SET original_id = $2 WHERE original_id = $1 RETURNING report_id`,
		duplicateID, originalID)
	if err != nil {
		return nil, mapErr(err)
	}
	moved, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, mapErr(err)
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO report_merges (report_id, original_id, merged_at, merged_by) VALUES ($1, $2, $3, $4)`,
		duplicateID, originalID, at, by)
	return moved, mapErr(err)
}

// MergedInto returns the original a report was merged into, or ErrNotFound.
func (tx *Tx) MergedInto(ctx context.Context, reportID int64) (Report, error) {
	return scanReport(tx.tx.QueryRow(ctx, `SELECT `+reportColumns+` FROM reports
		WHERE id = (SELECT original_id FROM report_merges WHERE report_id = $1)`, reportID))
}

// Followers lists the reports merged into an original, oldest first.
func (tx *Tx) Followers(ctx context.Context, originalID int64) ([]Report, error) {
	return tx.reports(ctx, `id IN (SELECT report_id FROM report_merges WHERE original_id = $1) ORDER BY id`, originalID)
}
