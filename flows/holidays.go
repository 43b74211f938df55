package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/store"
)

// ChangeHoliday adds a holiday (removed=false) or declares an embedded
// holiday a working day (removed=true), or with undo forgets a change; then
// recomputes the deadline of every open report. It returns how many
// deadlines moved.
func (s *Service) ChangeHoliday(ctx context.Context, day time.Time, name string, removed, undo bool, by string) (int, error) {
	moved := 0
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if undo {
			_, err = tx.DeleteHolidayChange(ctx, day)
		} else {
			err = tx.PutHolidayChange(ctx, store.HolidayChange{Day: day, Name: name, Removed: removed, ChangedBy: by}, s.now())
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	if err := s.ReloadCalendar(ctx); err != nil {
		return 0, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		moved, err = s.recomputeDeadlines(ctx, tx)
		return err
	})
	return moved, err
}

// recomputeDeadlines moves open deadlines to the calendar in force.
func (s *Service) recomputeDeadlines(ctx context.Context, tx *store.Tx) (int, error) {
	reports, err := tx.ReportsWithDeadline(ctx)
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, r := range reports {
		d := s.cal().Deadline(r.DeadlineBase, r.DeadlineDays)
		if d.Equal(r.StageDeadline) {
			continue
		}
		if err := tx.SetDeadline(ctx, r.ID, d); err != nil {
			return moved, err
		}
		moved++
	}
	return moved, s.recomputeFirstResponses(ctx, tx) // flows/followups_sweep.go
}

// Holidays lists the run-time changes as lines for people.
func (s *Service) Holidays(ctx context.Context, lang Lang) ([]string, error) {
	changes, err := s.db.HolidayChanges(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range changes {
		mark := "+"
		if c.Removed {
			mark = "−"
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", mark, c.Day.Format(time.DateOnly), FormatDate(lang, c.Day), c.Name))
	}
	return out, nil
}

// ParseDay reads a YYYY-MM-DD date in Jakarta.
func ParseDay(s string) (time.Time, error) {
	d, err := calendar.ParseDate(strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, errors.New("want a date as YYYY-MM-DD")
	}
	return d.Start(), nil
}

// holidayCommand is /libur [tambah <YYYY-MM-DD> <nama> | hapus <YYYY-MM-DD> | batal <YYYY-MM-DD>].
func (o *office) holidayCommand(args string) error {
	verb, rest := splitFirst(args)
	if verb == "" {
		lines, err := o.s.Holidays(o.ctx, o.lang)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			return o.say(T(o.lang, "wf.libur.none"))
		}
		return o.say(T(o.lang, "wf.libur.list") + "\n" + strings.Join(lines, "\n"))
	}
	dayArg, name := splitFirst(rest)
	day, err := ParseDay(dayArg)
	if err != nil {
		return refuse(o.lang, "wf.usage", officerCommands["libur"])
	}
	var removed, undo bool
	switch verb {
	case "tambah":
		if name == "" {
			name = "Libur daerah"
		}
	case "hapus":
		removed = true
	case "batal":
		undo = true
	default:
		return refuse(o.lang, "wf.usage", officerCommands["libur"])
	}
	if err := o.audit("holiday_"+verb, 0, true, dayArg+" "+name); err != nil {
		return err
	}
	// The change commits on its own so every replica sees it; the
	// confirmation goes out with this message's transaction.
	moved, err := o.s.ChangeHoliday(o.ctx, day, name, removed, undo, o.msg.UserID)
	if err != nil {
		return err
	}
	return o.say(T(o.lang, "wf.libur.saved", dayArg, moved))
}
