package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/hardcopy"
	"github.com/lapor-id/lapor/flows/records"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/flows/softcopy"
	"github.com/lapor-id/lapor/store"
)

const exportUsage = `Usage:
  lapor export --format csv|xlsx [--period YYYY-MM | YYYY | --from YYYY-MM-DD --to YYYY-MM-DD]
               [--agency <agency code> | --public] [--lang id|en] [--out FILE]
      the reports submitted in the period (default: this month), with their timelines.
      Without --agency or --public the file is an admin export: it names reporters who
      are not anonymous, with their contacts and chat ids. --agency is that agency's own
      export: the reports disposed to it, as its desk sees them (no contact, username or
      chat id; no name of an anonymous or walk-in reporter). --public leaves out
      confidential reports, identities, notes and evidence. Every export is written to
      the audit log.
  lapor print <tracking id> [--agency | --public] [--lang id|en] [--by NAME] [--out FILE]
      an A4 PDF of one report with its timeline, deadlines and images
  lapor recap [--month YYYY-MM] [--lang id|en] [--by NAME] [--out FILE]
      the monthly recap PDF with counts, deadline compliance and charts
`

// deskGone answers the --desk of earlier versions, which made an admin
// export (with reporters' contacts and chat ids) of one agency's reports:
// an agency's own export is --agency now, and follows its desk's privacy.
const deskGone = `lapor: --desk is gone. It made an admin export of one agency's reports, with the
reporters' contacts and chat ids. For the agency's own export, as its desk sees its
reports (no contacts, usernames or chat ids), use --agency <agency code>. An admin
export of one agency's reports is /ekspor xlsx <period> <agency code> in an admin desk.
`

// openService opens the database and the service for a one-shot command.
func openService(ctx context.Context, cfg Config, log *slog.Logger) (*flows.Service, *store.DB, func(), error) {
	db, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	fcfg, err := serviceConfig(cfg)
	if err != nil {
		closeDB()
		return nil, nil, nil, err
	}
	svc := flows.New(db, fcfg, nil, region.Default(), time.Now, log)
	if err := svc.Seed(ctx); err != nil {
		closeDB()
		return nil, nil, nil, err
	}
	if err := svc.ReloadCalendar(ctx); err != nil {
		closeDB()
		return nil, nil, nil, err
	}
	return svc, db, closeDB, nil
}

// writeOutput writes a command's file (stdout for "-") with write; a file
// that could not be written whole is removed.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return err
}

func exportCmd(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "xlsx", "csv or xlsx")
	period := fs.String("period", "", "YYYY-MM or YYYY (default: this month)")
	from := fs.String("from", "", "first day, YYYY-MM-DD")
	to := fs.String("to", "", "last day, YYYY-MM-DD")
	agencyFlag := fs.String("agency", "", "the agency's own export: its reports, as its desk sees them")
	desk := fs.String("desk", "", "gone: see --agency")
	public := fs.Bool("public", false, "a public export: no confidential reports, no identities")
	lang := fs.String("lang", cfg.Lang, "id or en")
	out := fs.String("out", "", "file to write (default: a name from the period; - for stdout)")
	if err := fs.Parse(args); err != nil || (*format != "csv" && *format != "xlsx") || fs.NArg() != 0 {
		fmt.Fprint(stderr, exportUsage)
		return 2
	}
	if *desk != "" {
		fmt.Fprint(stderr, deskGone)
		return 2
	}
	if *agencyFlag != "" && *public {
		fmt.Fprintln(stderr, "lapor: give --agency or --public, not both")
		return 2
	}
	spec := *period
	if *from != "" || *to != "" {
		if *from == "" || *to == "" || spec != "" {
			fmt.Fprintln(stderr, "lapor: give --from and --to together, or --period")
			return 2
		}
		spec = *from + ".." + *to
	}
	p, err := flows.ParsePeriod(spec, time.Now(), flows.Lang(*lang))
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 2
	}
	svc, _, closeDB, err := openService(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	defer closeDB()
	rd := flows.AdminReaders
	if *public {
		rd = flows.PublicReaders
	}
	f := store.HistoryFilter{From: p.From, To: p.To}
	if *agencyFlag != "" {
		code, err := svc.AgencyCode(ctx, *agencyFlag)
		if err != nil {
			fmt.Fprintln(stderr, "lapor:", err)
			return 2
		}
		rd, f.AgencyCode = flows.AgencyReaders(code), code
	}
	aud := rd.Audience
	if *out == "" {
		*out = flows.ExportName(p, rd, *format)
	}
	start := time.Now()
	opts := softcopy.Options{Lang: *lang, Audience: aud, Now: time.Now(), Progress: func(n int) {
		fmt.Fprintf(stderr, "\r%d reports exported (%s)", n, time.Since(start).Round(100*time.Millisecond))
	}}
	seq := svc.Records(ctx, f, rd, flows.Lang(*lang))
	var n int
	err = writeOutput(*out, stdout, func(w io.Writer) (err error) {
		if *format == "csv" {
			n, err = softcopy.CSV(w, seq, opts)
		} else {
			n, err = softcopy.XLSX(w, seq, opts)
		}
		return err
	})
	fmt.Fprintln(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "lapor: export failed:", err)
		return 1
	}
	if err := svc.AuditOutput(ctx, "command line", "export", fmt.Sprintf("%s %s %s..%s desk=%s reports=%d", *format, aud,
		p.From.Format(time.DateOnly), p.To.Format(time.DateOnly), f.AgencyCode, n)); err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	fmt.Fprintf(stderr, "%d reports of %s written to %s in %s\n", n, p.Label, *out, time.Since(start).Round(time.Millisecond))
	return 0
}

func printCmd(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("print", flag.ContinueOnError)
	fs.SetOutput(stderr)
	agency := fs.Bool("agency", false, "as an agency sees it: no identity")
	public := fs.Bool("public", false, "as the public sees it")
	lang := fs.String("lang", cfg.Lang, "id or en")
	out := fs.String("out", "", "file to write (default: <tracking id>.pdf; - for stdout)")
	by := fs.String("by", "", "who prints it, for the footer (\"Dicetak … oleh NAME\"); also in the audit log")
	// The tracking id may come before or after the flags.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		fmt.Fprint(stderr, exportUsage)
		return 2
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	}
	if id == "" {
		fmt.Fprint(stderr, exportUsage)
		return 2
	}
	aud := records.Admin
	switch {
	case *public:
		aud = records.Public
	case *agency:
		aud = records.Agency
	}
	svc, _, closeDB, err := openService(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	defer closeDB()
	// --agency prints the report as its own agency's desk sees it.
	rec, err := svc.Record(ctx, id, flows.Readers{Audience: aud}, flows.Lang(*lang))
	if errors.Is(err, flows.ErrNoReport) {
		fmt.Fprintf(stderr, "lapor: no report %s\n", strings.ToUpper(id))
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	if *out == "" {
		*out = rec.TrackingID + ".pdf"
	}
	err = writeOutput(*out, stdout, func(w io.Writer) error {
		return hardcopy.Report(w, rec, svc.PrintHeader(flows.Lang(*lang), *by), *lang)
	})
	if err == nil {
		err = svc.AuditOutput(ctx, strings.TrimSpace("command line "+*by), "print", rec.TrackingID+" "+aud.String())
	}
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	fmt.Fprintf(stderr, "%s written to %s\n", rec.TrackingID, *out)
	return 0
}

func recapCmd(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("recap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	month := fs.String("month", "", "YYYY-MM (default: this month)")
	lang := fs.String("lang", cfg.Lang, "id or en")
	out := fs.String("out", "", "file to write (default: lapor-rekap-YYYY-MM.pdf; - for stdout)")
	by := fs.String("by", "", "who prints it, for the footer (\"Dicetak … oleh NAME\")")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fmt.Fprint(stderr, exportUsage)
		return 2
	}
	m := time.Now()
	if *month != "" {
		t, err := time.Parse("2006-01", *month)
		if err != nil {
			fmt.Fprintln(stderr, "lapor: --month must be YYYY-MM")
			return 2
		}
		m = time.Date(t.Year(), t.Month(), 15, 12, 0, 0, 0, time.UTC)
	}
	svc, _, closeDB, err := openService(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	defer closeDB()
	rc, err := svc.Recap(ctx, m, flows.Lang(*lang))
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	if *out == "" {
		*out = "lapor-rekap-" + rc.From.Format("2006-01") + ".pdf"
	}
	err = writeOutput(*out, stdout, func(w io.Writer) error {
		return hardcopy.Recap(w, rc, svc.PrintHeader(flows.Lang(*lang), *by), *lang)
	})
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	fmt.Fprintf(stderr, "recap of %s (%d reports) written to %s\n", rc.Period, rc.Total, *out)
	return 0
}

// printing is the printed documents' letterhead and the recap's signatory,
// from the configuration.
func printing(cfg Config) (hardcopy.Letterhead, hardcopy.Signature, error) {
	var lh hardcopy.Letterhead
	for _, l := range strings.Split(cfg.Letterhead, "|") {
		if l = strings.TrimSpace(l); l != "" {
			lh.Lines = append(lh.Lines, l)
		}
	}
	if cfg.LetterheadLogo != "" {
		logo, err := os.ReadFile(cfg.LetterheadLogo)
		if err != nil {
			return lh, hardcopy.Signature{}, fmt.Errorf("LAPOR_LETTERHEAD_LOGO: %w", err)
		}
		lh.Logo = logo
	}
	return lh, hardcopy.Signature{Place: cfg.SignPlace, Position: cfg.SignerPosition, Name: cfg.SignerName, NIP: cfg.SignerNIP}, nil
}
