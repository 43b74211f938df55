// Command lapor is the LAPOR! SP4N complaint service: citizens file
// complaints by chat and officers work them through the SOP. main only
// wires the parts together; see Run.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/lapor-id/lapor/flows/calendar"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `lapor — LAPOR! SP4N complaints over chat

Usage:
  lapor serve [--demo]
                   run the service (with no configuration: a private database
                   in ./lapor-data and the web chat on http://127.0.0.1:8080);
                   --demo prints a sign-in link for every desk's web room
  lapor migrate    apply database migrations and exit
  lapor admin      add an officer (the first super admin), or issue a desk or web room code
  lapor whatsapp-login [--phone 62812…]   link a WhatsApp account (QR code or pairing code)
  lapor workdays   add <date> <n> | between <from> <to>: working-day arithmetic
  lapor holidays   list | add | remove | undo: run-time holiday changes
  lapor export     --format csv|xlsx [--period …] [--agency …|--public]: reports as a spreadsheet
  lapor print      <tracking id>: one report as an A4 PDF
  lapor recap      [--month YYYY-MM]: the monthly recap PDF with charts
  lapor healthcheck
                   exit 0 when the running service answers /healthz (for a container's HEALTHCHECK)
  lapor version    print the version
  lapor config     list the configuration variables and their defaults

Every command takes --help. Configuration comes from LAPOR_* environment
variables; see lapor config.

Exit codes: 0 done; 1 the command failed (the reason is on standard error);
2 the command line or the configuration is not valid.
`

// subcommandUsage is what --help prints for each command.
var subcommandUsage = map[string]string{
	"serve": `Usage:
  lapor serve [--demo]
      run the service: the chat channels that are configured, the web chat,
      the deadline sweeps. With no configuration: a private database in
      ./lapor-data and the web chat on http://127.0.0.1:8080.
      --demo prints a sign-in link for every desk's web room and, without
      LAPOR_DATABASE_URL, keeps its own private database in ./lapor-demo.
`,
	"migrate": `Usage:
  lapor migrate
      apply the database migrations and exit.
`,
	"admin":          adminUsage,
	"whatsapp-login": "Usage:\n  lapor whatsapp-login [--phone 081234567890]\n      link a WhatsApp account: a QR code to scan, or with --phone a pairing code.\n",
	"workdays":       workdaysUsage,
	"holidays":       holidaysUsage,
	"export":         exportUsage,
	"print":          exportUsage,
	"recap":          exportUsage,
	"version":        "Usage:\n  lapor version\n",
	"healthcheck":    "Usage:\n  lapor healthcheck\n      exit 0 when the admin listener (LAPOR_ADMIN_ADDR) answers GET /readyz with 200 within 3 s\n      (the database answers; a channel that is down does not count), else 1 (the reason on\n      standard error); with LAPOR_ADMIN_ADDR=off, GET /healthz on LAPOR_HTTP_ADDR. Opens no database.\n",
	"config":         "Usage:\n  lapor config\n      list the configuration variables and their defaults.\n",
}

// wantsHelp reports whether a command's arguments ask for its usage.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "help":
			return true
		}
	}
	return false
}

// Run runs one subcommand and returns the process exit code.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if wantsHelp(args[1:]) {
		// Usage only: no configuration, no database.
		if u, ok := subcommandUsage[args[0]]; ok {
			fmt.Fprint(stdout, u)
			return 0
		}
	}
	switch args[0] {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "lapor", version)
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	case "config":
		for _, s := range settings() {
			secret := ""
			if s.secret {
				secret = " (secret; or " + s.name + "_FILE)"
			}
			fmt.Fprintf(stdout, "%-32s %s%s\n%32s default: %q\n", s.name, s.help, secret, "", s.def)
		}
		return 0
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "lapor: configuration is not valid:\n%v\n", err)
		return 2
	}
	calendar.SetZone(cfg.Zone) // before anything reads a date
	log := newLogger(cfg, stderr)
	switch args[0] {
	case "serve":
		err = serve(ctx, cfg, log, args[1:], stdout)
	case "migrate":
		err = migrate(ctx, cfg, log, stdout)
	case "admin":
		return admin(ctx, cfg, log, args[1:], stdout, stderr)
	case "whatsapp-login":
		return whatsappLogin(ctx, cfg, log, args[1:], stdout, stderr)
	case "workdays":
		return workdays(cfg, args[1:], stdout, stderr)
	case "holidays":
		return holidays(ctx, cfg, log, args[1:], stdout, stderr)
	case "export":
		return exportCmd(ctx, cfg, log, args[1:], stdout, stderr)
	case "print":
		return printCmd(ctx, cfg, log, args[1:], stdout, stderr)
	case "recap":
		return recapCmd(ctx, cfg, log, args[1:], stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, cfg, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "lapor: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		log.Error("lapor stopped", "err", err)
		return 1
	}
	return 0
}
