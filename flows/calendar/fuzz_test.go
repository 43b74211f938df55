package calendar

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzParseDate: a date is read only in its one canonical spelling, and
// what is read is a real date that survives the trip through Start.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-25", "2026-02-29", "2028-02-29", "2026-02-30", "0000-01-01", "9999-12-31",
		"2026-1-05", "2026-13-01", " 2026-11-25", "2026-11-25T00:00:00Z", "25/11/2026", "", "+2026-11-25", "２０２６-11-25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %v with error %v", s, d, err)
			}
			if !strings.Contains(err.Error(), "YYYY-MM-DD") {
				t.Fatalf("ParseDate(%q) error %q does not say what it wants", s, err)
			}
			return
		}
		if got := d.String(); got != s {
			t.Fatalf("ParseDate(%q) = %v, which is written %q", s, d, got)
		}
		if d.Month < time.January || d.Month > time.December || d.Day < 1 || d.Day > 31 {
			t.Fatalf("ParseDate(%q) = %+v: not a date", s, d)
		}
		if got := DateOf(d.Start()); got != d {
			t.Fatalf("DateOf(%v.Start()) = %v", d, got)
		}
		if got := DateOf(d.End()); got != d {
			t.Fatalf("DateOf(%v.End()) = %v", d, got)
		}
		if got := d.AddDays(1).AddDays(-1); got != d {
			t.Fatalf("%v + 1 - 1 day = %v", d, got)
		}
		if got := d.AddDays(1); !got.After(d) || !d.Before(got) {
			t.Fatalf("%v is not before the next day %v", d, got)
		}
	})
}

// FuzzDeadline checks the working-day arithmetic the SLA hangs on, for
// starts anywhere in 2025–2027 (any time of day, any time zone), limits of
// 1 to 400 working days, every combination of rules, and a calendar changed
// at run time (one holiday added, one removed):
// WorkingDaysBetween(start, Deadline(start, n)) == n, the deadline is the
// end of a working day, and a day-by-day count agrees.
func FuzzDeadline(f *testing.F) {
	// (days after 2025-01-01, second of the day, n, rules bits, zone, added holiday, removed holiday)
	f.Add(uint16(0), uint32(0), uint16(3), uint8(0), uint8(0), uint16(0), uint16(0))
	f.Add(uint16(698), uint32(36000), uint16(3), uint8(0), uint8(0), uint16(700), uint16(5))     // Mon 30 Nov 2026 10:00, /tambah a holiday
	f.Add(uint16(87), uint32(86399), uint16(10), uint8(1), uint8(1), uint16(1), uint16(12))      // end of March 2025 (Nyepi, Lebaran), UTC
	f.Add(uint16(1094), uint32(3600), uint16(400), uint8(3), uint8(3), uint16(1090), uint16(80)) // 31 Dec 2027, far past the list
	f.Add(uint16(458), uint32(61200), uint16(60), uint8(2), uint8(2), uint16(460), uint16(40))   // a Saturday evening
	hs := mustEmbedded(f)
	zones := []*time.Location{Local(), time.UTC, time.FixedZone("WIT", 9*3600), time.FixedZone("HST", -10*3600)}
	first := date("2025-01-01")
	f.Fuzz(func(t *testing.T, dayOff uint16, sec uint32, n16 uint16, rulesBits, zone uint8, added, removed uint16) {
		rules := Rules{CutiBersamaIsHoliday: rulesBits&1 == 0, CountStartDay: rulesBits&2 != 0}
		add := []Holiday{{Date: first.AddDays(int(added % 1200)), Name: "Libur daerah", Kind: KindLocal, Source: "fuzz"}}
		remove := []Date{hs[int(removed)%len(hs)].Date}
		c := New(hs, rules).With(add, remove)

		start := first.Start().Add(time.Duration(dayOff%1095)*24*time.Hour + time.Duration(sec%86400)*time.Second).
			In(zones[int(zone)%len(zones)])
		n := 1 + int(n16%400)
		dl := c.Deadline(start, n)
		if got := c.WorkingDaysBetween(start, dl); got != n {
			t.Fatalf("%+v: WorkingDaysBetween(%s, Deadline(.., %d) = %s) = %d", rules, start, n, dl, got)
		}
		if got := naiveBetween(c, start, dl); got != n {
			t.Fatalf("%+v: %d working days counted one by one from %s to %s, want %d", rules, got, start, dl, n)
		}
		if !c.IsWorkingDay(dl) {
			t.Fatalf("%+v: Deadline(%s, %d) = %s is not a working day", rules, start, n, dl)
		}
		if dl.Location() != Local() || dl.Hour() != 23 || dl.Minute() != 59 || dl.Second() != 59 {
			t.Fatalf("Deadline(%s, %d) = %s is not 23:59:59 WIB", start, n, dl)
		}
		if !dl.After(start) && !(rules.CountStartDay && n == 1) {
			t.Fatalf("Deadline(%s, %d) = %s is not after the start", start, n, dl)
		}
		// One day earlier, one working day less is used (n-1, or -1 when
		// the deadline is the start date's next day and n is 1).
		if got := c.WorkingDaysBetween(start, dl.AddDate(0, 0, -1)); got != n-1 && !(got == -1 && n == 1) {
			t.Fatalf("%+v: WorkingDaysBetween(%s, day before %s) = %d, want %d", rules, start, dl, got, n-1)
		}
		if a, b := DateOf(start), DateOf(dl); b.After(a) && c.WorkingDaysBetween(dl, start) != -c.workingIn(a.day(), b.day()) {
			t.Fatalf("WorkingDaysBetween(%s, %s) is not minus the working days in between", dl, start)
		}
	})
}

// FuzzParseHolidays: a holiday file is refused with a reason, or gives
// holidays that each have a real date, a name, a known kind and a source,
// sorted and without repeats; a calendar built from them keeps the
// Deadline/WorkingDaysBetween contract.
func FuzzParseHolidays(f *testing.F) {
	head := "schema_version: 1\ntimezone: Asia/Jakarta\nweekend: [Saturday, Sunday]\nholidays:\n"
	entry := func(date, name, kind string) string {
		return "  - {date: " + date + ", name: \"" + name + "\", kind: " + kind + ", source: \"SKB\", confidence: official}\n"
	}
	f.Add([]byte(head + entry("2026-02-17", "Tahun Baru Imlek", "libur_nasional") + entry("2026-02-16", "Cuti Bersama Imlek", "cuti_bersama")))
	f.Add([]byte(head + entry("2026-02-03", "X", "libur_nasional") + entry("2026-02-03", "Y", "local")))
	f.Add([]byte(head + entry("2026-02-30", "X", "libur_nasional")))
	f.Add([]byte(head + entry("2026-02-03", "X", "libur_nasional") + entry("2026-02-03", "X", "cuti_bersama")))
	f.Add([]byte(head + "  - {date: 2026-02-03, name: X, kind: local, source: s, colour: red}\n"))
	f.Add([]byte("schema_version: 1\ntimezone: Asia/Jakarta\nholidays: []\n"))
	f.Add([]byte("schema_version: 1\ntimezone: Asia/Jakarta\nholidays:\n  - date: &d 2026-08-17\n    name: *d\n    kind: local\n    source: s\n"))
	f.Add([]byte(""))
	f.Add(embeddedYAML)
	start := wib("2026-11-30 10:00")
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, err := Parse(b)
		if err != nil {
			if hs != nil {
				t.Fatalf("Parse returned %d holidays with error %v", len(hs), err)
			}
			return
		}
		type key struct {
			d    Date
			name string
		}
		seen := map[key]bool{}
		for i, h := range hs {
			if _, err := ParseDate(h.Date.String()); err != nil {
				t.Fatalf("holiday %d has date %+v", i, h.Date)
			}
			if h.Name == "" || h.Source == "" || !h.Kind.Valid() {
				t.Fatalf("holiday %d is incomplete: %+v", i, h)
			}
			k := key{h.Date, h.Name}
			if seen[k] {
				t.Fatalf("holiday %s %q twice", h.Date, h.Name)
			}
			seen[k] = true
		}
		if !slices.IsSortedFunc(hs, func(a, b Holiday) int {
			if a.Date != b.Date {
				return int(a.Date.day() - b.Date.day())
			}
			return strings.Compare(a.Name, b.Name)
		}) {
			t.Fatal("holidays are not sorted by date, then name")
		}
		for _, rules := range []Rules{DefaultRules(), {CountStartDay: true}} {
			c := New(hs, rules)
			for _, n := range []int{1, 3, 60} {
				if got := c.WorkingDaysBetween(start, c.Deadline(start, n)); got != n {
					t.Fatalf("%+v: WorkingDaysBetween(start, Deadline(start, %d)) = %d", rules, n, got)
				}
			}
		}
	})
}
