package store

import (
	"context"
	"time"
)

// FirstResponseDues returns the first-response deadline of each of the
// reports that has one running (their first response not yet sent), by
// report id: what a desk's queue and its morning digest show beside the
// stage deadline.
func (tx *Tx) FirstResponseDues(ctx context.Context, reportIDs []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(reportIDs) == 0 {
		return out, nil
	}
	rows, err := tx.tx.Query(ctx, `SELECT id, first_response_due FROM reports
		WHERE id = ANY($1) AND first_response_due IS NOT NULL`, reportIDs)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var due time.Time
		if err := rows.Scan(&id, &due); err != nil {
			return nil, mapErr(err)
		}
		out[id] = due
	}
	return out, mapErr(rows.Err())
}
