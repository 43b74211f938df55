package store

import (
	"context"
	"fmt"
	"time"
)

// SetReportForm changes the title and category of a report (an admin's
// correction of what intake suggested) if it is still at version r.Version,
// and bumps the version, since the cards' buttons carry it.
func (tx *Tx) SetReportForm(ctx context.Context, r *Report, title, category string, now time.Time) error {
	tag, err := tx.tx.Exec(ctx, `
		UPDATE reports SET title = $3, category = $4, updated_at = $5, version = version + 1
		WHERE id = $1 AND version = $2`, r.ID, r.Version, title, category, now)
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("%w: report %s changed meanwhile", ErrConflict, r.TrackingID)
	}
	r.Title, r.Category, r.UpdatedAt = title, category, now
	r.Version++
	return nil
}
