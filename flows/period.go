package flows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
)

// Period is a span of submission dates, [From, To), in Jakarta.
type Period struct {
	From, To time.Time
	Label    string // "November 2026", "2026", "1–15 November 2026"
}

// ErrPeriod is a period that cannot be read.
var ErrPeriod = errors.New("flows: period must be YYYY-MM, YYYY, or YYYY-MM-DD..YYYY-MM-DD")

// ParsePeriod reads a period as admins type it: empty (this month),
// YYYY-MM (a month), YYYY (a year), or YYYY-MM-DD..YYYY-MM-DD (both days
// included).
func ParsePeriod(s string, now time.Time, lang Lang) (Period, error) {
	s = strings.TrimSpace(s)
	loc := calendar.Local()
	switch {
	case s == "":
		from, to := monthRange(now)
		return Period{from, to, monthName(lang, from)}, nil
	case len(s) == 7:
		t, err := time.ParseInLocation("2006-01", s, loc)
		if err != nil {
			return Period{}, ErrPeriod
		}
		from, to := monthRange(t)
		return Period{from, to, monthName(lang, from)}, nil
	case len(s) == 4:
		t, err := time.ParseInLocation("2006", s, loc)
		if err != nil {
			return Period{}, ErrPeriod
		}
		return Period{t, t.AddDate(1, 0, 0), s}, nil
	}
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return Period{}, ErrPeriod
	}
	from, err1 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(a), loc)
	last, err2 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(b), loc)
	if err1 != nil || err2 != nil || last.Before(from) {
		return Period{}, ErrPeriod
	}
	if last.Sub(from) > 10*366*24*time.Hour {
		return Period{}, fmt.Errorf("%w (at most ten years)", ErrPeriod)
	}
	return Period{from, last.AddDate(0, 0, 1), FormatDate(lang, from) + " – " + FormatDate(lang, last)}, nil
}
