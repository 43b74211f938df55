package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
)

const workdaysUsage = `Usage:
  lapor workdays add <YYYY-MM-DD or RFC3339 time> <n>   the deadline n working days after, as RFC3339 in LAPOR_TIMEZONE
  lapor workdays between <from> <to>                   working days after from, up to and including to
`

// parseMoment reads a date (taken as 00:00 on the regency's clock) or an RFC3339 time.
func parseMoment(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := calendar.ParseDate(s); err == nil {
		return d.Start(), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither YYYY-MM-DD nor an RFC3339 time", s)
}

// workdays answers working-day questions from the embedded holidays and the
// policy's rules; it needs no database.
func workdays(cfg Config, args []string, stdout, stderr io.Writer) int {
	policy, err := loadPolicy(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 2
	}
	hs, err := calendar.Embedded()
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	cal := calendar.New(hs, calendar.Rules{CountStartDay: policy.Calendar.CountStartDay,
		CutiBersamaIsHoliday: policy.Calendar.CutiBersamaIsHoliday})
	if len(args) != 3 {
		fmt.Fprint(stderr, workdaysUsage)
		return 2
	}
	from, err := parseMoment(args[1])
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 2
	}
	switch args[0] {
	case "add":
		n, err := strconv.Atoi(args[2])
		if err != nil || n < 0 || n > 10000 {
			fmt.Fprintf(stderr, "lapor: %q is not a number of working days\n", args[2])
			return 2
		}
		fmt.Fprintln(stdout, cal.Deadline(from, n).In(calendar.Local()).Format(time.RFC3339))
		return 0
	case "between":
		to, err := parseMoment(args[2])
		if err != nil {
			fmt.Fprintln(stderr, "lapor:", err)
			return 2
		}
		fmt.Fprintln(stdout, cal.WorkingDaysBetween(from, to))
		return 0
	}
	fmt.Fprint(stderr, workdaysUsage)
	return 2
}

const holidaysUsage = `Usage:
  lapor holidays list
  lapor holidays add <YYYY-MM-DD> <name>     a regional holiday, or an amended decree
  lapor holidays remove <YYYY-MM-DD>         a listed holiday becomes a working day
  lapor holidays undo <YYYY-MM-DD>           forget a change made here
`

// holidays changes the run-time holiday list in the database; open
// deadlines are recomputed.
func holidays(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, holidaysUsage)
		return 2
	}
	svc, _, closeDB, err := openService(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	defer closeDB()
	if args[0] == "list" {
		lines, err := svc.Holidays(ctx, flows.Lang(cfg.Lang))
		if err != nil {
			fmt.Fprintln(stderr, "lapor:", err)
			return 1
		}
		for _, l := range lines {
			fmt.Fprintln(stdout, l)
		}
		return 0
	}
	if len(args) < 2 {
		fmt.Fprint(stderr, holidaysUsage)
		return 2
	}
	day, err := flows.ParseDay(args[1])
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 2
	}
	name := strings.Join(args[2:], " ")
	var removed, undo bool
	switch args[0] {
	case "add":
		if name == "" {
			name = "Libur daerah"
		}
	case "remove":
		removed = true
	case "undo":
		undo = true
	default:
		fmt.Fprint(stderr, holidaysUsage)
		return 2
	}
	moved, err := svc.ChangeHoliday(ctx, day, name, removed, undo, "command line")
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	fmt.Fprintf(stdout, "saved; %d open deadlines recomputed\n", moved)
	return 0
}
