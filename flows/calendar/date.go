package calendar

import (
	"fmt"
	"time"
	_ "time/tzdata" // the binary runs on scratch images without /usr/share/zoneinfo
)

// Jakarta is WIB (Waktu Indonesia Barat), Asia/Jakarta: UTC+7 with no
// daylight saving. Every date in this package is a date on a Jakarta wall
// clock, whatever location the time.Time passed in carries.
var Jakarta = mustLoadJakarta()

func mustLoadJakarta() *time.Location {
	// LoadLocation falls back to the tzdata embedded by the import above
	// when the system has no zoneinfo database.
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic(fmt.Sprintf("calendar: loading Asia/Jakarta: %v", err))
	}
	return loc
}

// Date is a civil date (tanggal) without a time of day or zone. It is
// comparable, so it can be used as a map key.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns t's date on the Jakarta wall clock. 2026-07-05T23:30:00Z is
// already 2026-07-06 in Jakarta.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Jakarta).Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses an ISO 8601 calendar date, "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}, nil
}

// String formats d as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Start is 00:00:00 WIB on d.
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Jakarta)
}

// End is 23:59:59 WIB on d, the moment a working-day deadline falls due.
func (d Date) End() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, Jakarta)
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.day().weekday() }

// AddDays returns d moved by n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return (d.day() + day(n)).date() }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.day() < o.day() }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.day() > o.day() }

// day numbers dates consecutively, 0 being 1970-01-01 (a Thursday), so that
// the calendar does date arithmetic on integers.
type day int

func (d Date) day() day {
	// UTC has no offsets to trip over; Unix()/86400 is exact at midnight UTC
	// and floor division keeps dates before 1970 right.
	u := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix()
	return day(floorDiv(int(u), 86400))
}

func (n day) date() Date {
	y, m, d := time.Unix(int64(n)*86400, 0).UTC().Date()
	return Date{Year: y, Month: m, Day: d}
}

func (n day) weekday() time.Weekday {
	// Day 0 was a Thursday.
	return time.Weekday((int(n)%7 + 7 + int(time.Thursday)) % 7)
}

func (n day) isWeekend() bool {
	wd := n.weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// weekdaysBefore counts the Monday–Friday days in [m, n), where m is a fixed
// Monday far enough back not to matter: only differences of it are used.
func weekdaysBefore(n day) int {
	// Day -3 (1969-12-29) was a Monday; i counts days from it.
	i := int(n) + 3
	weeks := floorDiv(i, 7)
	return 5*weeks + min(i-7*weeks, 5)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
