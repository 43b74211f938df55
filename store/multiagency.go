package store

import (
	"context"
	"time"
)

// coAgencies is a report's other agencies as the column takes them: never
// NULL.
func coAgencies(codes []string) []string {
	if codes == nil {
		return []string{}
	}
	return codes
}

// RoundAnswers lists every agency's answer to a report's round, drafts
// included, in the order they were started.
func (tx *Tx) RoundAnswers(ctx context.Context, reportID int64, round int) ([]Answer, error) {
	rows, err := tx.tx.Query(ctx, `
		SELECT id, report_id, round, body, author_id, author_name, agency_code, created_at, submitted_at
		FROM answers WHERE report_id = $1 AND round = $2 ORDER BY id`, reportID, round)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Answer
	for rows.Next() {
		var a Answer
		var submitted *time.Time
		if err := rows.Scan(&a.ID, &a.ReportID, &a.Round, &a.Body, &a.AuthorID, &a.AuthorName, &a.AgencyCode,
			&a.CreatedAt, &submitted); err != nil {
			return nil, mapErr(err)
		}
		a.SubmittedAt = valueTime(submitted)
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
}

// ReopenAnswers takes back the submission of the named agencies' answers
// to a report's round (all of them when agencies is empty): an admin asked
// them to revise, or the report went back to the regency.
func (tx *Tx) ReopenAnswers(ctx context.Context, reportID int64, round int, agencies []string) error {
	_, err := tx.tx.Exec(ctx, `UPDATE answers SET submitted_at = NULL
		WHERE report_id = $1 AND round = $2 AND (cardinality($3::text[]) = 0 OR agency_code = ANY($3))`,
		reportID, round, coAgencies(agencies))
	return mapErr(err)
}
