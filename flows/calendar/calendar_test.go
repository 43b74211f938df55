package calendar

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// wib is a wall-clock time in Jakarta.
func wib(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Local())
	if err != nil {
		panic(err)
	}
	return t
}

func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func noCuti() Rules {
	r := DefaultRules()
	r.CutiBersamaIsHoliday = false
	return r
}

func countStart() Rules {
	r := DefaultRules()
	r.CountStartDay = true
	return r
}

func TestEmbedded(t *testing.T) {
	hs, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	// Counted from holidays-id.yaml; update with the file.
	want := map[int]int{2025: 28, 2026: 25, 2027: 26}
	got := map[int]int{}
	for _, h := range hs {
		got[h.Date.Year]++
		if h.Source == "" {
			t.Errorf("%s %q has no source", h.Date, h.Name)
		}
		if h.Confidence == "" {
			t.Errorf("%s %q has no confidence", h.Date, h.Name)
		}
		if !h.Kind.Valid() || h.Kind == KindLocal {
			t.Errorf("%s %q: kind %q in the national list", h.Date, h.Name, h.Kind)
		}
	}
	for y, n := range want {
		if got[y] != n {
			t.Errorf("year %d: %d holidays, want %d", y, got[y], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("years %v, want %v", got, want)
	}
	if got := Default().Years(); len(got) != 3 || got[0] != 2025 || got[2] != 2027 {
		t.Errorf("Years() = %v", got)
	}
}

func TestDefaultDoesNotPanic(t *testing.T) {
	if Default() == nil || Default() != Default() {
		t.Fatal("Default() should build one calendar once")
	}
}

func TestJakarta(t *testing.T) {
	_, off := time.Date(2026, 7, 1, 12, 0, 0, 0, Local()).Zone()
	if off != 7*3600 {
		t.Fatalf("Jakarta offset %d, want +7h", off)
	}
}

func TestParseRejects(t *testing.T) {
	head := "schema_version: 1\ntimezone: Asia/Jakarta\nweekend: [Saturday, Sunday]\nholidays:\n"
	entry := func(date, name, kind, source string) string {
		return "  - {date: " + date + ", name: \"" + name + "\", kind: " + kind + ", source: \"" + source + "\", confidence: official}\n"
	}
	tests := []struct {
		name, yaml, want string
	}{
		{"empty", "", "empty"},
		{"bad date", head + entry("2026-02-30", "X", "libur_nasional", "s"), "invalid date"},
		{"unknown kind", head + entry("2026-02-03", "X", "libur", "s"), "unknown kind"},
		{"no source", head + entry("2026-02-03", "X", "libur_nasional", ""), "missing source"},
		{"no name", head + entry("2026-02-03", "", "libur_nasional", "s"), "missing name"},
		{"duplicate", head + entry("2026-02-03", "X", "libur_nasional", "s") + entry("2026-02-03", "X", "cuti_bersama", "s"), "duplicate"},
		{"unknown field", head + "  - {date: 2026-02-03, name: X, kind: local, source: s, colour: red}\n", "colour"},
		{"timezone", "schema_version: 1\ntimezone: Asia/Makassar\nholidays: []\n", "timezone"},
		{"schema", "schema_version: 2\ntimezone: Asia/Jakarta\nholidays: []\n", "schema_version"},
		{"weekend", "schema_version: 1\ntimezone: Asia/Jakarta\nweekend: [Friday, Saturday]\nholidays: []\n", "weekend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}

	// Same date, different names is allowed (2027 has such pairs in other lists).
	ok := head + entry("2026-02-03", "X", "libur_nasional", "s") + entry("2026-02-03", "Y", "local", "s")
	if hs, err := Parse([]byte(ok)); err != nil || len(hs) != 2 {
		t.Fatalf("Parse = %v, %v; want 2 holidays", hs, err)
	}
}

func TestDeadline(t *testing.T) {
	tests := []struct {
		name  string
		rules Rules
		start time.Time
		n     int
		want  string // date of the deadline; the time is always 23:59:59 WIB
	}{
		// Week of 6–10 July 2026 has no holidays.
		{"Monday +3 is Thursday", DefaultRules(), wib("2026-07-06 09:00"), 3, "2026-07-09"},
		{"Monday late evening +3", DefaultRules(), wib("2026-07-06 23:59"), 3, "2026-07-09"},
		{"Friday +1 is Monday", DefaultRules(), wib("2026-07-10 16:00"), 1, "2026-07-13"},
		{"Saturday +1 is Monday", DefaultRules(), wib("2026-07-11 10:00"), 1, "2026-07-13"},
		{"Sunday +1 is Monday", DefaultRules(), wib("2026-07-12 10:00"), 1, "2026-07-13"},
		{"Friday +5 is next Friday", DefaultRules(), wib("2026-07-10 08:00"), 5, "2026-07-17"},
		{"23:30 UTC Sunday is Monday in Jakarta", DefaultRules(), time.Date(2026, 7, 5, 23, 30, 0, 0, time.UTC), 3, "2026-07-09"},
		{"16:59 UTC Monday is still Monday", DefaultRules(), time.Date(2026, 7, 6, 16, 59, 0, 0, time.UTC), 3, "2026-07-09"},
		{"17:00 UTC Monday is Tuesday", DefaultRules(), time.Date(2026, 7, 6, 17, 0, 0, 0, time.UTC), 3, "2026-07-10"},

		// Idulfitri 1447 H: Nyepi cuti Wed 18 Mar, Nyepi Thu 19, cuti Fri 20,
		// Idulfitri Sat 21–Sun 22, cuti Mon 23–Tue 24 March 2026.
		{"2026 Tuesday before Nyepi +1", DefaultRules(), wib("2026-03-17 10:00"), 1, "2026-03-25"},
		{"2026 Monday before Nyepi +3", DefaultRules(), wib("2026-03-16 10:00"), 3, "2026-03-26"},
		{"2026 filed on Idulfitri +1", DefaultRules(), wib("2026-03-21 10:00"), 1, "2026-03-25"},
		{"2026 filed on cuti bersama +1", DefaultRules(), wib("2026-03-23 10:00"), 1, "2026-03-25"},
		{"2026 +10 across Idulfitri", DefaultRules(), wib("2026-03-13 10:00"), 10, "2026-04-06"},
		{"2026 without cuti bersama +1", noCuti(), wib("2026-03-17 10:00"), 1, "2026-03-18"},
		{"2026 without cuti bersama +3", noCuti(), wib("2026-03-16 10:00"), 3, "2026-03-20"},
		{"2026 filed on Idulfitri without cuti +1", noCuti(), wib("2026-03-21 10:00"), 1, "2026-03-23"},

		// Idulfitri 1446 H: cuti Nyepi Fri 28 Mar, Idulfitri Mon 31 Mar–Tue 1
		// Apr, cuti Wed 2–Fri 4 and Mon 7 April 2025.
		{"2025 Thursday before Idulfitri +1", DefaultRules(), wib("2025-03-27 10:00"), 1, "2025-04-08"},
		{"2025 without cuti bersama +1 (cuti Nyepi works)", noCuti(), wib("2025-03-27 10:00"), 1, "2025-03-28"},

		{"60 working days (Ombudsman)", DefaultRules(), wib("2026-01-05 10:00"), 60, "2026-04-10"},

		{"count start day: Monday +3 is Wednesday", countStart(), wib("2026-07-06 09:00"), 3, "2026-07-08"},
		{"count start day: Saturday +1 is Monday", countStart(), wib("2026-07-11 10:00"), 1, "2026-07-13"},
		{"count start day: Monday +1 is Monday", countStart(), wib("2026-07-06 09:00"), 1, "2026-07-06"},

		{"n=0 on a working day is today", DefaultRules(), wib("2026-07-06 09:00"), 0, "2026-07-06"},
		{"n=0 on Saturday is Monday", DefaultRules(), wib("2026-07-11 09:00"), 0, "2026-07-13"},
		{"n<0 on Idulfitri is the next working day", DefaultRules(), wib("2026-03-21 09:00"), -4, "2026-03-25"},
	}
	hs := mustEmbedded(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(hs, tt.rules)
			got := c.Deadline(tt.start, tt.n)
			want := date(tt.want).End()
			if !got.Equal(want) {
				t.Fatalf("Deadline(%s, %d) = %s, want %s", tt.start, tt.n, got, want)
			}
			if s := got.Format(time.RFC3339); !strings.HasSuffix(s, "T23:59:59+07:00") {
				t.Fatalf("Deadline formats as %s, want 23:59:59+07:00", s)
			}
			if !c.IsWorkingDay(got) {
				t.Fatalf("deadline %s is not a working day", got)
			}
		})
	}
}

func TestIsWorkingDayAndHolidayOn(t *testing.T) {
	c := Default()
	tests := []struct {
		at      time.Time
		working bool
		holiday string // "" means none listed
		kind    Kind
	}{
		{wib("2026-07-06 12:00"), true, "", ""},
		{wib("2026-07-11 12:00"), false, "", ""}, // Saturday
		{wib("2026-03-19 12:00"), false, "Hari Suci Nyepi (Tahun Baru Saka 1948)", KindLiburNasional},
		{wib("2026-03-23 12:00"), false, "Cuti Bersama Idulfitri", KindCutiBersama},
		{wib("2026-03-22 12:00"), false, "Idulfitri 1447 H", KindLiburNasional},                    // Sunday and a holiday
		{wib("2025-08-18 12:00"), false, "Cuti Bersama HUT ke-80 Kemerdekaan RI", KindCutiBersama}, // added by amendment
		{time.Date(2026, 3, 18, 17, 0, 0, 0, time.UTC), false, "Hari Suci Nyepi (Tahun Baru Saka 1948)", KindLiburNasional},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.at); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.at, got, tt.working)
		}
		h, ok := c.HolidayOn(tt.at)
		if ok != (tt.holiday != "") || h.Name != tt.holiday || h.Kind != tt.kind {
			t.Errorf("HolidayOn(%s) = %+v, %v; want %q %q", tt.at, h, ok, tt.holiday, tt.kind)
		}
	}

	nc := New(mustEmbedded(t), noCuti())
	if !nc.IsWorkingDay(wib("2026-03-23 12:00")) {
		t.Error("cuti bersama should be a working day when CutiBersamaIsHoliday is false")
	}
	if h, ok := nc.HolidayOn(wib("2026-03-23 12:00")); !ok || h.Kind != KindCutiBersama {
		t.Errorf("HolidayOn reports listed cuti bersama whatever the rules; got %+v, %v", h, ok)
	}
}

func TestHolidayOnPrefersLiburNasional(t *testing.T) {
	d := date("2026-07-07")
	c := New([]Holiday{
		{Date: d, Name: "A cuti", Kind: KindCutiBersama, Source: "t"},
		{Date: d, Name: "Z hari jadi", Kind: KindLocal, Source: "t"},
	}, noCuti())
	h, ok := c.HolidayOn(d.Start())
	if !ok || h.Name != "Z hari jadi" {
		t.Fatalf("HolidayOn = %+v, %v", h, ok)
	}
	if c.IsWorkingDay(d.Start()) {
		t.Fatal("a local holiday closes the day even without cuti bersama")
	}
}

func TestNextWorkingDay(t *testing.T) {
	c := Default()
	tests := []struct {
		at   time.Time
		want string
	}{
		{wib("2026-07-06 08:00"), "2026-07-07"},
		{wib("2026-07-10 08:00"), "2026-07-13"},
		{wib("2026-07-11 08:00"), "2026-07-13"},
		{wib("2026-03-18 08:00"), "2026-03-25"},
		{wib("2025-12-24 08:00"), "2025-12-29"},                        // Natal Thu 25, cuti Fri 26
		{time.Date(2026, 7, 10, 17, 30, 0, 0, time.UTC), "2026-07-13"}, // already Saturday in Local()
	}
	for _, tt := range tests {
		got := c.NextWorkingDay(tt.at)
		if want := date(tt.want).Start(); !got.Equal(want) || got.Location() != Local() {
			t.Errorf("NextWorkingDay(%s) = %s, want %s", tt.at, got, want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := Default()
	tests := []struct {
		from, to time.Time
		want     int
	}{
		{wib("2026-07-06 09:00"), wib("2026-07-06 18:00"), 0},
		{wib("2026-07-06 09:00"), wib("2026-07-09 01:00"), 3},
		{wib("2026-07-09 09:00"), wib("2026-07-06 01:00"), -3},
		{wib("2026-07-10 09:00"), wib("2026-07-12 09:00"), 0},  // Friday to Sunday
		{wib("2026-07-11 09:00"), wib("2026-07-13 09:00"), 1},  // Saturday to Monday
		{wib("2026-03-17 09:00"), wib("2026-03-25 09:00"), 1},  // across Idulfitri 2026
		{wib("2026-01-05 09:00"), wib("2026-04-10 09:00"), 60}, // Ombudsman limit
		{wib("2024-12-31 09:00"), wib("2027-12-31 09:00"), 3*261 - 79 + countWeekendHolidays(t)},
	}
	for _, tt := range tests {
		if got := c.WorkingDaysBetween(tt.from, tt.to); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}

	cs := New(mustEmbedded(t), countStart())
	if got := cs.WorkingDaysBetween(wib("2026-07-06 09:00"), wib("2026-07-06 18:00")); got != 1 {
		t.Errorf("CountStartDay: same working day = %d, want 1", got)
	}
	if got := cs.WorkingDaysBetween(wib("2026-07-11 09:00"), wib("2026-07-11 18:00")); got != 0 {
		t.Errorf("CountStartDay: same Saturday = %d, want 0", got)
	}
}

// countWeekendHolidays counts listed 2025–2027 holidays that do not close an
// extra day: those on weekends, and second entries on an already closed date.
func countWeekendHolidays(t *testing.T) int {
	seen := map[Date]bool{}
	n := 0
	for _, h := range mustEmbedded(t) {
		wd := h.Date.Weekday()
		if wd == time.Saturday || wd == time.Sunday || seen[h.Date] {
			n++
		}
		seen[h.Date] = true
	}
	return n
}

// TestDeadlineProperties checks Deadline and WorkingDaysBetween against each
// other and against a day-by-day count, for random starts and limits.
func TestDeadlineProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260321, 1447))
	lo := wib("2024-11-01 00:00").Unix()
	hi := wib("2027-12-31 00:00").Unix()
	hs := mustEmbedded(t)
	for _, rules := range []Rules{DefaultRules(), noCuti(), countStart(), {CutiBersamaIsHoliday: false, CountStartDay: true}} {
		c := New(hs, rules)
		for i := 0; i < 1000; i++ {
			start := time.Unix(lo+rng.Int64N(hi-lo), 0).In(randomZone(rng))
			n := 1 + rng.IntN(60)
			dl := c.Deadline(start, n)

			if got := c.WorkingDaysBetween(start, dl); got != n {
				t.Fatalf("%+v: WorkingDaysBetween(%s, Deadline(.., %d)=%s) = %d", rules, start, n, dl, got)
			}
			// The deadline is the first moment n days are used up: the day
			// before has one day fewer, and the deadline day is a working day.
			if !c.IsWorkingDay(dl) {
				t.Fatalf("%+v: Deadline(%s, %d) = %s is not a working day", rules, start, n, dl)
			}
			before := dl.AddDate(0, 0, -1)
			if got := c.WorkingDaysBetween(start, before); got != n-1 && !(got == -1 && n == 1) {
				t.Fatalf("%+v: WorkingDaysBetween(%s, %s) = %d, want %d", rules, start, before, got, n-1)
			}
			if dl.Hour() != 23 || dl.Minute() != 59 || dl.Second() != 59 || dl.Location() != Local() {
				t.Fatalf("deadline %s is not 23:59:59 WIB", dl)
			}
			// Deadline(n) is Deadline(n-1) moved to the next working day.
			if n > 1 {
				prev := c.Deadline(start, n-1)
				if want := DateOf(c.NextWorkingDay(prev)); DateOf(dl) != want {
					t.Fatalf("%+v: Deadline(%s, %d) = %s, want the working day after %s", rules, start, n, dl, prev)
				}
			}

			// WorkingDaysBetween against a naive day-by-day walk, both ways.
			to := start.Add(time.Duration(rng.Int64N(2*400*24)-400*24) * time.Hour)
			if got, want := c.WorkingDaysBetween(start, to), naiveBetween(c, start, to); got != want {
				t.Fatalf("%+v: WorkingDaysBetween(%s, %s) = %d, naive %d", rules, start, to, got, want)
			}
		}
	}
}

func naiveBetween(c *Calendar, from, to time.Time) int {
	a, b := DateOf(from), DateOf(to)
	if b.Before(a) {
		n := 0
		for d := b.AddDays(1); !d.After(a); d = d.AddDays(1) {
			if c.IsWorkingDay(d.Start()) {
				n++
			}
		}
		return -n
	}
	n := 0
	if c.Rules().CountStartDay && c.IsWorkingDay(a.Start()) {
		n++
	}
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkingDay(d.Start()) {
			n++
		}
	}
	return n
}

func randomZone(rng *rand.Rand) *time.Location {
	return []*time.Location{Local(), time.UTC, time.FixedZone("WIT", 9*3600), time.FixedZone("HST", -10*3600)}[rng.IntN(4)]
}

func TestWith(t *testing.T) {
	c := Default()
	hariJadi := date("2026-10-12") // a Monday; Hari Jadi Kabupaten Magetan
	local := Holiday{Date: hariJadi, Name: "Hari Jadi Kabupaten Magetan", Kind: KindLocal, Source: "Keputusan Bupati (test)", Confidence: "admin"}

	c2 := c.With([]Holiday{local}, nil)
	if c2.IsWorkingDay(hariJadi.Start()) {
		t.Error("local holiday should close the day")
	}
	if !c.IsWorkingDay(hariJadi.Start()) {
		t.Error("With must not change the original calendar")
	}
	if got := c2.Deadline(wib("2026-10-09 10:00"), 1); !got.Equal(date("2026-10-13").End()) {
		t.Errorf("Deadline over the local holiday = %s", got)
	}

	// Removing a cuti bersama (an amended decree) reopens the day.
	c3 := c.With(nil, []Date{date("2026-03-23")})
	if !c3.IsWorkingDay(wib("2026-03-23 10:00")) {
		t.Error("removed holiday should be a working day")
	}
	if _, ok := c3.HolidayOn(wib("2026-03-23 10:00")); ok {
		t.Error("removed holiday is still listed")
	}
	if len(c3.Holidays()) != len(c.Holidays())-1 {
		t.Errorf("Holidays: %d, want %d", len(c3.Holidays()), len(c.Holidays())-1)
	}
	if c3.Rules() != c.Rules() {
		t.Error("With keeps the rules")
	}
}

func TestDate(t *testing.T) {
	d := date("2026-03-21")
	if d.Weekday() != time.Saturday {
		t.Errorf("2026-03-21 is a %s", d.Weekday())
	}
	if d.String() != "2026-03-21" || d.AddDays(11).String() != "2026-04-01" || d.AddDays(-81).String() != "2025-12-30" {
		t.Error("AddDays / String")
	}
	if old := date("1969-12-29"); old.Weekday() != time.Monday || old.AddDays(3).String() != "1970-01-01" {
		t.Error("dates before the epoch")
	}
	if got := DateOf(time.Date(2026, 3, 20, 17, 0, 0, 0, time.UTC)); got != d {
		t.Errorf("DateOf = %s", got)
	}
	if _, err := ParseDate("21-03-2026"); err == nil {
		t.Error("ParseDate accepted a non-ISO date")
	}
}

func TestConcurrentReads(t *testing.T) {
	c := Default()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := wib("2026-01-02 10:00")
			for i := 0; i < 200; i++ {
				s := start.AddDate(0, 0, i)
				dl := c.Deadline(s, 10)
				if c.WorkingDaysBetween(s, dl) != 10 {
					t.Error("inverse broken under concurrency")
					return
				}
				c.HolidayOn(s)
				c.NextWorkingDay(s)
			}
		}()
	}
	wg.Wait()
}

func mustEmbedded(t testing.TB) []Holiday {
	t.Helper()
	hs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

func BenchmarkDeadline60(b *testing.B) {
	c := Default()
	start := wib("2026-03-02 10:00")
	for b.Loop() {
		c.Deadline(start, 60)
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := Default()
	from, to := wib("2026-03-02 10:00"), wib("2026-06-02 10:00")
	for b.Loop() {
		c.WorkingDaysBetween(from, to)
	}
}

// Indonesia's three zones by name or abbreviation; nothing else.
func TestParseZone(t *testing.T) {
	for name, want := range map[string]string{"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
		"Asia/Jayapura": "WIT", "wita": "WITA", "WIT": "WIT"} {
		z, err := ParseZone(name)
		if err != nil || z.Abbr != want {
			t.Errorf("%s: %+v, %v; want %s", name, z, err, want)
			continue
		}
		if _, off := time.Date(2026, 7, 1, 0, 0, 0, 0, z.Loc).Zone(); off != map[string]int{"WIB": 7, "WITA": 8, "WIT": 9}[want]*3600 {
			t.Errorf("%s: offset %d", name, off)
		}
	}
	for _, bad := range []string{"", "UTC", "Europe/Berlin", "Asia/Singapore", "Local"} {
		if _, err := ParseZone(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
