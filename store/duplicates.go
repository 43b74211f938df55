package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// SimilarQuery asks for open reports that may repeat one report.
type SimilarQuery struct {
	ReportID  int64
	Since     time.Time // submitted at or after
	RadiusM   float64   // a pin this close counts as the same place
	StopWords string    // words that say nothing of the matter, space separated
	MinShared int       // words in common at least (1 or 2; more counts as 2)
	Limit     int
}

// Similar is a candidate duplicate and how it resembles the report asked
// about. Words are lexemes of PostgreSQL's Indonesian full-text search
// (letters and digits, not a bare number).
type Similar struct {
	Report     Report
	Shared     int     // lexemes both descriptions have
	Words      int     // lexemes of the report asked about
	TheirWords int     // lexemes of the candidate
	DistanceM  float64 // between the two pins; -1 when either has none
}

// SimilarOpenReports lists open (not closed, not archived) reports submitted
// since q.Since that share at least q.MinShared words with the report's
// description and lie in its kecamatan or within q.RadiusM of its pin; most
// shared words first. The caller decides what is similar enough.
func (tx *Tx) SimilarOpenReports(ctx context.Context, q SimilarQuery) ([]Similar, error) {
	if q.Limit == 0 {
		q.Limit = 20
	}
	// First the report's own words, less the stop words: plain letters and
	// digits, so that they can be quoted into a query.
	var words, stop []string
	err := tx.tx.QueryRow(ctx, `
		WITH stop AS (SELECT tsvector_to_array(to_tsvector('indonesian', $2)) AS stop)
		SELECT coalesce(array_agg(w), '{}'), (SELECT stop FROM stop)
		FROM reports, stop, unnest(tsvector_to_array(ts_delete(description_words, stop))) w
		WHERE id = $1 AND w ~ '^[[:alnum:]]+$' AND w !~ '^[0-9]+$'`, q.ReportID, q.StopWords).Scan(&words, &stop)
	if err != nil {
		return nil, mapErr(err)
	}
	query, ok := anyOf(words, max(1, q.MinShared))
	if !ok {
		return nil, nil
	}
	// Candidates come from the place first (an index each), then their
	// words are compared; a pin's surroundings are a box, then a circle.
	// Planned for each run's values: a plan made once for a rare word
	// would scan a whole kecamatan for a common one.
	rows, err := tx.tx.Query(ctx, `
		WITH me AS (
			SELECT id AS me_id, latitude AS me_lat, longitude AS me_lon, kecamatan_code AS me_kec,
				1.1 * $4 / 111320.0 AS me_dlat, 1.1 * $4 / (111320.0 * cos(radians(latitude))) AS me_dlon
			FROM reports WHERE id = $1
		), near AS MATERIALIZED (
			SELECT r.id FROM reports r, me
			WHERE me_kec <> '' AND r.kecamatan_code = me_kec AND r.stage NOT IN ('closed', 'archived', 'in_lapor')
				AND r.submitted_at >= $3 AND r.description_words @@ to_tsquery('simple', $2)
			UNION
			SELECT r.id FROM reports r, me
			WHERE r.stage NOT IN ('closed', 'archived', 'in_lapor') AND r.latitude IS NOT NULL
				AND r.latitude BETWEEN me_lat - me_dlat AND me_lat + me_dlat
				AND r.longitude BETWEEN me_lon - me_dlon AND me_lon + me_dlon
				AND r.submitted_at >= $3 AND r.description_words @@ to_tsquery('simple', $2)
		), cand AS (
			SELECT reports.*, me.*,
				CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL AND me_lat IS NOT NULL AND me_lon IS NOT NULL THEN
					2 * 6371000 * asin(least(1, sqrt(power(sin(radians(latitude - me_lat) / 2), 2) +
						cos(radians(me_lat)) * cos(radians(latitude)) * power(sin(radians(longitude - me_lon) / 2), 2))))
				END AS distance_m
			FROM reports JOIN near USING (id), me
			WHERE id <> me_id
		), scored AS (
			SELECT cand.*, cardinality(ARRAY(SELECT unnest($6::text[]) INTERSECT
				SELECT unnest(tsvector_to_array(description_words)))) AS shared,
				(SELECT count(*) FROM unnest(tsvector_to_array(ts_delete(description_words, $7::text[]))) w
					WHERE w ~ '^[[:alnum:]]+$' AND w !~ '^[0-9]+$')::int AS their_words
			FROM cand
			WHERE (me_kec <> '' AND kecamatan_code = me_kec) OR distance_m <= $4
		)
		SELECT `+reportColumns+`, shared, $8::int, their_words, coalesce(distance_m, -1)
		FROM scored ORDER BY shared DESC, submitted_at DESC, id DESC LIMIT $5`, planned,
		q.ReportID, query, q.Since, q.RadiusM, q.Limit, words, stop, len(words))
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

// queryWords is how many of a description's words the index is asked
// about: its longest, which say most. Two of 30 words make 435 pairs.
const queryWords = 30

// anyOf is a tsquery matching a description that has any one of words
// (need 1) or any two of them (need 2), so the index, not a scan, drops
// the reports that cannot be similar. Words are alphanumeric lexemes,
// quoted. False when no description can match.
func anyOf(words []string, need int) (string, bool) {
	words = slices.Clone(words)
	slices.SortStableFunc(words, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	words = words[:min(len(words), queryWords)]
	var terms []string
	for i, a := range words {
		if need < 2 {
			terms = append(terms, "'"+a+"'")
			continue
		}
		for _, b := range words[i+1:] {
			terms = append(terms, "('"+a+"' & '"+b+"')")
		}
	}
	return strings.Join(terms, " | "), len(terms) > 0
}
