package calendar

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata" // the binary runs on scratch images without /usr/share/zoneinfo
)

// The regency's time zone: every date and deadline in lapor is on its wall
// clock (a deadline of N working days ends at 23:59:59 of the Nth working
// day there), whatever location a time.Time passed in carries. Asia/Jakarta
// (WIB) unless the configuration names another Indonesian zone (SetZone,
// LAPOR_TIMEZONE): a regency in WITA or WIT counts its days on its own
// clock. Like time.Local, it is one per process, set at start.
var zone atomic.Pointer[Zone]

func init() { zone.Store(&Zone{Loc: mustLoad("Asia/Jakarta"), Abbr: "WIB"}) }

// Zone is a time zone with the abbreviation Indonesians write after a time.
type Zone struct {
	Loc  *time.Location
	Abbr string // WIB, WITA or WIT
}

// indonesianZones are the IANA names of Indonesia's three time zones.
var indonesianZones = map[string]string{
	"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
	"Asia/Makassar": "WITA",
	"Asia/Jayapura": "WIT",
}

// ParseZone reads one of Indonesia's zones by its IANA name
// (Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura) or its
// abbreviation (WIB, WITA, WIT).
func ParseZone(name string) (Zone, error) {
	switch strings.ToUpper(strings.TrimSpace(name)) {
	case "WIB":
		name = "Asia/Jakarta"
	case "WITA":
		name = "Asia/Makassar"
	case "WIT":
		name = "Asia/Jayapura"
	}
	abbr, ok := indonesianZones[name]
	if !ok {
		return Zone{}, fmt.Errorf("not one of Indonesia's time zones: Asia/Jakarta (WIB), Asia/Pontianak (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)")
	}
	return Zone{Loc: mustLoad(name), Abbr: abbr}, nil
}

// SetZone makes z the regency's time zone. Call it at start, before
// anything reads dates.
func SetZone(z Zone) { zone.Store(&z) }

// Local is the regency's time zone (Asia/Jakarta unless set).
func Local() *time.Location { return zone.Load().Loc }

// Abbr is the regency's time zone's abbreviation: WIB, WITA or WIT.
func Abbr() string { return zone.Load().Abbr }

func mustLoad(name string) *time.Location {
	// LoadLocation falls back to the tzdata embedded by the import above
	// when the system has no zoneinfo database.
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("calendar: loading %s: %v", name, err))
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

// DateOf returns t's date on the regency's wall clock. 2026-07-05T23:30:00Z
// is already 2026-07-06 in Jakarta.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Local()).Date()
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
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Local())
}

// End is 23:59:59 WIB on d, the moment a working-day deadline falls due.
func (d Date) End() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, Local())
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
