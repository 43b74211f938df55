// Package calendar owns the working-day calendar (hari kerja) that every
// deadline in lapor is counted in: Monday–Friday on the regency's clock (WIB,
// Asia/Jakarta, unless LAPOR_TIMEZONE names WITA or WIT; see SetZone), minus
// national holidays (libur nasional) and, by default, collective leave (cuti
// bersama), plus the rules for when a deadline of N working days falls due.
// It embeds the holiday list (holidays-id.yaml) and the time zone database.
//
// The rules, decided in DOMAIN.md ("Time: working days") and configurable
// through Rules:
//   - the day the clock starts does not count;
//   - a deadline of N working days ends at 23:59:59 local time of the Nth working
//     day after the start date;
//   - a start on a non-working day counts from the next working day;
//   - cuti bersama is a non-working day.
//
// A Calendar is immutable and safe for concurrent use. To add or remove
// holidays at run time, build a new one (With) and swap it in.
package calendar

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"
)

// Rules are the configurable parts of working-day arithmetic.
type Rules struct {
	// CutiBersamaIsHoliday makes cuti bersama a non-working day. Default
	// true: government offices are closed on cuti bersama.
	CutiBersamaIsHoliday bool
	// CountStartDay makes the start date itself count as working day 1 when
	// it is a working day. Default false: a report filed on Monday with a
	// 3-working-day limit is due at the end of Thursday.
	CountStartDay bool
}

// DefaultRules are the rules DOMAIN.md decides.
func DefaultRules() Rules {
	return Rules{CutiBersamaIsHoliday: true, CountStartDay: false}
}

// Calendar answers working-day questions for dates on the regency's clock.
type Calendar struct {
	rules    Rules
	holidays []Holiday // sorted by date, then name
	// closed holds, sorted and unique, the weekdays (Mon–Fri) that are not
	// working days under rules. Weekends are computed, not listed.
	closed []day
}

// New builds a Calendar from holidays and rules. The slice is copied. Every
// holiday closes its date except cuti bersama when r.CutiBersamaIsHoliday is
// false. New does not validate; Parse does that for files.
func New(holidays []Holiday, r Rules) *Calendar {
	hs := slices.Clone(holidays)
	sortHolidays(hs)
	c := &Calendar{rules: r, holidays: hs}
	for _, h := range hs {
		if h.Kind == KindCutiBersama && !r.CutiBersamaIsHoliday {
			continue
		}
		d := h.Date.day()
		if d.isWeekend() {
			continue
		}
		// hs is sorted by date, so a repeat can only be the last entry.
		if n := len(c.closed); n > 0 && c.closed[n-1] == d {
			continue
		}
		c.closed = append(c.closed, d)
	}
	return c
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	hs, err := Embedded()
	if err != nil {
		panic(fmt.Sprintf("calendar: %v", err))
	}
	return New(hs, DefaultRules())
})

// Default is the calendar of the embedded holidays under DefaultRules. It
// panics only if the embedded file is broken, which a test rules out.
func Default() *Calendar { return defaultCalendar() }

// With returns a new Calendar with the same rules, without the holidays
// listed on the dates in remove, and with the holidays in add. Removal
// happens first, so a date can be both removed and re-added with new
// details. c is unchanged.
func (c *Calendar) With(add []Holiday, remove []Date) *Calendar {
	hs := make([]Holiday, 0, len(c.holidays)+len(add))
	for _, h := range c.holidays {
		if !slices.Contains(remove, h.Date) {
			hs = append(hs, h)
		}
	}
	hs = append(hs, add...)
	return New(hs, c.rules)
}

// Rules returns the rules c was built with.
func (c *Calendar) Rules() Rules { return c.rules }

// Holidays returns a copy of every listed holiday, sorted by date then name,
// including those on weekends and cuti bersama the rules ignore.
func (c *Calendar) Holidays() []Holiday { return slices.Clone(c.holidays) }

// Years returns the years that have at least one listed holiday, ascending.
// Deadlines in other years count weekends only, so a deployment should warn
// when the current or next year is missing.
func (c *Calendar) Years() []int {
	var ys []int
	for _, h := range c.holidays {
		if n := len(ys); n == 0 || ys[n-1] != h.Date.Year {
			ys = append(ys, h.Date.Year)
		}
	}
	return ys
}

// IsWorkingDay reports whether t's date on the regency's clock is a working day:
// Monday–Friday and not closed by a holiday (cuti bersama per the rules).
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.working(DateOf(t).day())
}

// HolidayOn returns the holiday listed on t's date on the regency's clock. It reports
// listed holidays whatever the rules say, so a cuti bersama is returned even
// when CutiBersamaIsHoliday is false (use IsWorkingDay for the verdict). When
// a date has several entries, a libur nasional or local holiday wins over
// cuti bersama, then the first by name.
func (c *Calendar) HolidayOn(t time.Time) (Holiday, bool) {
	d := DateOf(t).day()
	i := sort.Search(len(c.holidays), func(i int) bool { return c.holidays[i].Date.day() >= d })
	var found Holiday
	ok := false
	for ; i < len(c.holidays) && c.holidays[i].Date.day() == d; i++ {
		h := c.holidays[i]
		if !ok || (found.Kind == KindCutiBersama && h.Kind != KindCutiBersama) {
			found, ok = h, true
		}
	}
	return found, ok
}

// Deadline returns when a limit of n working days, started at start, falls
// due: 23:59:59 local time of the nth working day after start's date on the regency's clock.
// Day 1 is the first working day strictly after start's date, so a start on
// a weekend or holiday effectively counts from the next working day. With
// Rules.CountStartDay, a start date that is a working day is itself day 1.
//
// For n <= 0 the limit is "today": the end of start's date if it is a
// working day, otherwise the end of the next working day (the first day the
// clock would run). This keeps a zero limit from falling due on a holiday.
func (c *Calendar) Deadline(start time.Time, n int) time.Time {
	d := DateOf(start).day()
	if n <= 0 {
		for !c.working(d) {
			d++
		}
		return d.date().End()
	}
	count := 0
	if c.rules.CountStartDay && c.working(d) {
		count = 1
	}
	for count < n {
		d++
		if c.working(d) {
			count++
		}
	}
	return d.date().End()
}

// WorkingDaysBetween counts the working days in the half-open date range
// (from's date, to's date], dates on the regency's clock: how many working days of a
// limit started at from have been used by the end of to's date. With
// Rules.CountStartDay, from's date is counted too when it is a working day.
// It is the inverse of Deadline: for n >= 1,
// WorkingDaysBetween(start, Deadline(start, n)) == n.
//
// The same date gives 0 (1 with CountStartDay on a working day). When to's
// date is before from's date the result is negative, minus the working days
// in (to's date, from's date], whatever CountStartDay says; so
// WorkingDaysBetween(deadline, now) > 0 means overdue by that many days.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := DateOf(from).day(), DateOf(to).day()
	if b < a {
		return -c.workingIn(b, a)
	}
	n := c.workingIn(a, b)
	if c.rules.CountStartDay && c.working(a) {
		n++
	}
	return n
}

// NextWorkingDay returns 00:00 local time of the first working day strictly after
// t's date on the regency's clock.
func (c *Calendar) NextWorkingDay(t time.Time) time.Time {
	d := DateOf(t).day() + 1
	for !c.working(d) {
		d++
	}
	return d.date().Start()
}

func (c *Calendar) working(d day) bool {
	if d.isWeekend() {
		return false
	}
	_, closed := slices.BinarySearch(c.closed, d)
	return !closed
}

// workingIn counts working days in (a, b], a <= b, without walking the range.
func (c *Calendar) workingIn(a, b day) int {
	weekdays := weekdaysBefore(b+1) - weekdaysBefore(a+1)
	return weekdays - (c.closedUpTo(b) - c.closedUpTo(a))
}

// closedUpTo counts closed weekdays <= d.
func (c *Calendar) closedUpTo(d day) int {
	return sort.Search(len(c.closed), func(i int) bool { return c.closed[i] > d })
}
