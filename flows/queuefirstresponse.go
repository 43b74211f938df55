package flows

import (
	"context"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// firstResponseNotes are, by report id, what a desk's queue (/antrian) and
// its morning digest add to the line of a report whose agency owes its
// first response (respon awal, flows/followups.go): the deadline, or how
// late it is. The first-response deadline is not the stage's: an agency
// may keep the stage deadline and still be late with its first response.
func (s *Service) firstResponseNotes(ctx context.Context, tx *store.Tx, l Lang, now time.Time, reports []store.Report) (map[int64]string, error) {
	ids := make([]int64, 0, len(reports))
	for _, r := range reports {
		if Stage(r.Stage) == StageAtAgency {
			ids = append(ids, r.ID)
		}
	}
	dues, err := tx.FirstResponseDues(ctx, ids)
	if err != nil {
		return nil, err
	}
	notes := map[int64]string{}
	for id, due := range dues {
		day := FormatDate(l, due.In(calendar.Local()))
		if now.After(due) {
			notes[id] = T(l, "queue.fr.over", max(1, s.cal().WorkingDaysBetween(due, now)), day)
		} else {
			notes[id] = T(l, "queue.fr.due", day)
		}
	}
	return notes, nil
}
