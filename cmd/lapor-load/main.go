// Command lapor-load drives a running `lapor serve` the way a regency's
// citizens and officers would, through the repository's fake Bot API, and
// measures it: inbound messages handled per second, latency from an update
// being available to the reply being delivered, errors, the service's peak
// RSS, and the same run's ceilings (an echo bot without a database on the
// same fake; pgbench doing one message's writes). Fault and replica
// scenarios assert from the database and the fake's record of deliveries
// that nothing is lost, duplicated beyond 0.1% or reordered.
//
// Every scenario starts its own PostgreSQL (production durability
// settings) in a temporary folder, hosts the fake Bot API in this process,
// and runs lapor as child processes. See docs/LOAD.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `lapor-load — load, fault and replica runs against lapor serve

Usage: lapor-load <scenario> [flags]   (lapor-load <scenario> -h lists the flags)

Scenarios:
  throughput     citizens file complaints with evidence, officers work them,
                 open loop at --rate for --duration (default 1000 msg/s, 60 s)
  conversations  10,000 citizens each stopped in the middle of the intake; peak RSS
  outbound       Telegram's real limits (30/s, 1/s per chat, 20/min per group);
                 delivered messages per second and 429 answers
  echo           the pipeline ceiling: a database-less echo bot on the same fake
  pgbench        the database ceiling: pgbench doing one message's writes
  faults         load while lapor is SIGKILLed, PostgreSQL restarts and the fake
                 fails 10% of calls; asserts nothing is lost (exit 1 if it is)
  replicas       three lapor serve on one database under load, with overdue
                 reports for the sweep; asserts no duplicates, nothing lost
  webcrowd       10,000 web chat pages holding event streams, 300 of them
                 chatting: memory per stream, idle database work, reply p99

Each scenario starts its own PostgreSQL and fake Bot API and builds
./cmd/lapor (or runs --lapor). The report is a table (--json: JSON). The
exit status is 1 when a check failed. See docs/LOAD.md.
(lapor-load echo-bot is the echo bot the scenarios start as a child.)
`

// Options are the flags of every scenario; each scenario has its own
// defaults.
type Options struct {
	Scenario    string
	Lapor       string
	Dir         string
	PGBin       string
	Keep        bool
	JSON        bool
	Out         string
	Workers     int
	Rate        float64
	Duration    time.Duration
	Citizens    int
	Officers    int
	OfficerRate float64
	Wait        time.Duration
	PollTimeout time.Duration
	OutboxLease time.Duration
	Drain       time.Duration
	Limits      Limits
	RealLimits  bool
	Ceilings    bool    // throughput: also measure pgbench and the echo bot in the same run
	EchoRate    float64 // throughput: offered rate for the echo bot ceiling
	Steps       int     // conversations: intake steps before going idle
	Batch       int     // pgbench: messages per pgbench transaction script
	FaultShare  float64 // faults: share of failed API calls
	FaultFor    time.Duration
	Replicas    int
	Typing      int // webcrowd: pages that chat while the rest hold their streams open
	SweepEvery  time.Duration
	Overdue     int
	KillActive  bool
	SlowPlans   time.Duration // log the plans of statements slower than this (auto_explain); 0: off
	Statements  bool          // throughput: pg_stat_statements, per handled message, in the report
	Flood       int           // LAPOR_FLOOD_PER_MINUTE
	DBParams    string        // extra query parameters of lapor's database URL (server settings for its sessions)
}

var scenarios = map[string]func(ctx context.Context, o Options, rep *Report, log *slog.Logger) error{
	"throughput":    runThroughput,
	"conversations": runConversations,
	"outbound":      runOutbound,
	"echo":          runEcho,
	"pgbench":       runPgbench,
	"faults":        runFaults,
	"replicas":      runReplicas,
	"webcrowd":      runWebCrowd,
}

// defaults are a scenario's flag defaults.
func defaults(scenario string) Options {
	o := Options{Scenario: scenario, Workers: 8, Rate: 1000, Duration: 60 * time.Second, Citizens: 2000, Officers: 3,
		OfficerRate: 2, Wait: 30 * time.Second, PollTimeout: 5 * time.Second, OutboxLease: 30 * time.Second,
		Drain: 2 * time.Minute, Limits: ScaledLimits, Steps: 3, Batch: 10, FaultShare: 0.1, FaultFor: 20 * time.Second,
		Replicas: 3, SweepEvery: 2 * time.Second, Overdue: 300, KillActive: true, Ceilings: true, EchoRate: 3000, SlowPlans: time.Second, Flood: 1000}
	switch scenario {
	case "conversations":
		o.Citizens, o.Rate, o.Officers, o.Duration, o.Steps = 10000, 100, 0, 0, 3
	case "outbound":
		o.Citizens, o.Rate, o.Officers, o.Wait, o.Limits, o.RealLimits = 300, 100, 0, 3*time.Minute, TelegramLimits, true
	case "echo":
		o.Officers = 0
	case "faults":
		o.Citizens, o.Rate, o.Duration, o.Wait, o.Drain = 200, 100, 90*time.Second, 3*time.Minute, 5*time.Minute
	case "replicas":
		o.Citizens, o.Rate, o.Wait, o.Drain = 200, 100, 3*time.Minute, 5*time.Minute
	case "webcrowd":
		o.Citizens, o.Officers, o.Duration = 10000, 0, 30*time.Second
	}
	return o
}

// Run runs one scenario and returns the exit code: 0 when it ran and every
// check passed, 1 when a check failed or the run broke, 2 for bad usage.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == echoBotCommand {
		return runEchoBot(ctx, os.Getenv, stderr)
	}
	scenario := args[0]
	run, ok := scenarios[scenario]
	if !ok {
		fmt.Fprintf(stderr, "lapor-load: unknown scenario %q\n\n%s", scenario, usage)
		return 2
	}
	o := defaults(scenario)
	fs := flag.NewFlagSet(scenario, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Lapor, "lapor", "", "lapor binary to run (default: go build ./cmd/lapor into the working folder)")
	fs.StringVar(&o.Dir, "dir", "", "working folder (default: a new temporary folder, removed unless --keep or a check fails)")
	fs.StringVar(&o.PGBin, "pg-bin", "", "folder with initdb, postgres and pgbench (default: looked up)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the working folder: logs, database")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON instead of a table")
	fs.StringVar(&o.Out, "out", "", "also write the JSON report to this file")
	fs.IntVar(&o.Workers, "workers", o.Workers, "LAPOR_WORKERS (and the echo bot's and pgbench's concurrency)")
	fs.Float64Var(&o.Rate, "rate", o.Rate, "inbound messages per second offered (open loop)")
	fs.DurationVar(&o.Duration, "duration", o.Duration, "how long the load runs")
	fs.IntVar(&o.Citizens, "citizens", o.Citizens, "simulated citizens (each has one message in flight at most)")
	fs.IntVar(&o.Officers, "officers", o.Officers, "officers working the chain: 1 super admin, 2 + regency admin, 3+ agency liaison officers")
	fs.Float64Var(&o.OfficerRate, "officer-rate", o.OfficerRate, "actions per second of each officer")
	fs.DurationVar(&o.Wait, "wait", o.Wait, "how long a person waits for an answer before giving up")
	fs.DurationVar(&o.PollTimeout, "poll-timeout", o.PollTimeout, "LAPOR_TELEGRAM_POLL_TIMEOUT")
	fs.DurationVar(&o.OutboxLease, "outbox-lease", o.OutboxLease, "LAPOR_OUTBOX_LEASE")
	fs.StringVar(&o.DBParams, "db-params", "", "extra parameters of lapor's database URL, e.g. plan_cache_mode=force_custom_plan (pgx sends them as session settings)")
	fs.IntVar(&o.Flood, "flood-per-minute", o.Flood, "LAPOR_FLOOD_PER_MINUTE: simulated citizens answer at machine speed, not abusively, so the limit is raised")
	fs.DurationVar(&o.Drain, "drain", o.Drain, "how long to wait for lapor to finish its backlog after the load")
	fs.Float64Var(&o.Limits.PerChat, "per-chat", o.Limits.PerChat, "messages per second to one chat (fake and lapor)")
	fs.IntVar(&o.Limits.PerChatBurst, "per-chat-burst", o.Limits.PerChatBurst, "burst of the per-chat limit (fake)")
	fs.Float64Var(&o.Limits.Global, "global", o.Limits.Global, "messages per second in all (fake and lapor)")
	fs.IntVar(&o.Limits.GlobalBurst, "global-burst", o.Limits.GlobalBurst, "burst of the global limit (fake)")
	fs.IntVar(&o.Limits.GroupPerMinute, "group-per-minute", o.Limits.GroupPerMinute, "messages per minute to one group (fake and lapor)")
	fs.BoolVar(&o.Ceilings, "ceilings", o.Ceilings, "throughput: then run pgbench and the echo bot on the same machine and cluster, and report ratios")
	fs.Float64Var(&o.EchoRate, "echo-rate", o.EchoRate, "throughput: offered rate for the echo bot (above lapor's, to find the ceiling)")
	fs.IntVar(&o.Steps, "steps", o.Steps, "conversations: intake steps each citizen takes before going idle")
	fs.IntVar(&o.Batch, "batch", o.Batch, "pgbench: inbound messages per script (lapor stores a getUpdates batch in one transaction)")
	fs.Float64Var(&o.FaultShare, "fault-share", o.FaultShare, "faults: share of API calls the fake fails")
	fs.DurationVar(&o.FaultFor, "fault-for", o.FaultFor, "faults: how long the fake fails calls")
	fs.IntVar(&o.Typing, "typing", 300, "webcrowd: pages that chat while the others hold their event streams open")
	fs.IntVar(&o.Replicas, "replicas", o.Replicas, "replicas: lapor serve processes on the one database")
	fs.DurationVar(&o.SweepEvery, "sweep-every", o.SweepEvery, "replicas: how often the run sweeps, from every replica at once, on a fixed working-morning clock")
	fs.IntVar(&o.Overdue, "overdue", o.Overdue, "replicas: overdue reports seeded for the sweep")
	fs.BoolVar(&o.KillActive, "kill-active", o.KillActive, "replicas: SIGKILL the replica that talks to Telegram halfway, and start it again")
	fs.DurationVar(&o.SlowPlans, "slow-plans", o.SlowPlans, "log the plans of lapor's statements slower than this with auto_explain and report them (0: off)")
	fs.BoolVar(&o.Statements, "statements", false, "throughput: load pg_stat_statements and report statements, PostgreSQL time and lapor CPU per handled message, with the top statements")
	logLevel := fs.String("log-level", "info", "the tool's own log level on stderr: debug, info, warn, error")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lapor-load: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "lapor-load: --log-level: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	rep := NewReport(scenario, "lapor-load "+strings.Join(args, " "))
	err := run(ctx, o, rep, log)
	rep.Took = time.Since(rep.Started)
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		rep.Host["loadavg_at_end"] = strings.Join(strings.Fields(string(b))[:3], ",")
	}
	if err != nil {
		rep.Check("the run completed", false, "%v", err)
		log.Error("run failed", "err", err)
	}
	if o.JSON {
		_ = rep.WriteJSON(stdout)
	} else {
		rep.WriteTable(stdout)
	}
	if o.Out != "" {
		f, err := os.Create(o.Out)
		if err == nil {
			err = errors.Join(rep.WriteJSON(f), f.Close())
		}
		if err != nil {
			log.Error("writing the report", "file", o.Out, "err", err)
			return 1
		}
	}
	if rep.Failed() {
		return 1
	}
	return 0
}
