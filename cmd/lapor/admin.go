package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/phone"
)

const adminUsage = `Usage:
  lapor admin add (--telegram-user <id> | --whatsapp-user <phone or JID>) --role <super_admin|regency_admin|liaison_officer|ombudsman|ppid|ppid_superior> [--agency <code>] [--name <name>]
  lapor admin code --desk <super_admin|regency_admin|ombudsman|agency> [--agency <code>]
  lapor admin code --web --desk <…> [--agency <code>] [--name <officer's name>]
      --web: a sign-in link for the desk's room in the web chat instead of a group code
`

// admin runs the administration subcommands against the configured
// database: creating the first super admin, and issuing desk codes.
func admin(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, adminUsage)
		return 2
	}
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.String("telegram-user", "", "Telegram user id of the officer")
	waUser := fs.String("whatsapp-user", "", "WhatsApp number (62812…) or JID of the officer")
	role := fs.String("role", "", "role")
	agencyCode := fs.String("agency", "", "agency code for a liaison officer or an agency desk")
	name := fs.String("name", "", "officer's name")
	desk := fs.String("desk", "", "desk kind")
	web := fs.Bool("web", false, "issue a sign-in code for the desk's web room")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	svc, _, closeDB, err := openService(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	defer closeDB()
	switch args[0] {
	case "add":
		channel, id := "telegram", *user
		if *waUser != "" {
			channel = "whatsapp"
			if id, err = whatsappUserID(*waUser); err != nil {
				fmt.Fprintln(stderr, "lapor: --whatsapp-user:", err)
				return 2
			}
		}
		if (id == "") || *role == "" || (*user != "" && *waUser != "") {
			fmt.Fprint(stderr, adminUsage)
			return 2
		}
		if err := svc.AddOfficer(ctx, channel, id, *name, flows.Role(*role), *agencyCode, "command line"); err != nil {
			fmt.Fprintln(stderr, "lapor:", err)
			return 1
		}
		fmt.Fprintf(stdout, "officer %s:%s is now %s\n", channel, id, *role)
		return 0
	case "code":
		if *desk == "" {
			fmt.Fprint(stderr, adminUsage)
			return 2
		}
		if *web {
			code, err := svc.IssueRoomCode(ctx, *desk, *agencyCode, *name, "command line")
			if err != nil {
				fmt.Fprintln(stderr, "lapor:", err)
				return 1
			}
			fmt.Fprintf(stdout, "%s\n(one use, valid %d days; whoever opens it becomes this desk's officer: give it only to them)\n",
				flows.SignInLink(cfg.WebURL(), code), flows.CodeValidDays())
			return 0
		}
		code, err := svc.IssueDeskCode(ctx, *desk, *agencyCode, "command line")
		if err != nil {
			fmt.Fprintln(stderr, "lapor:", err)
			return 1
		}
		fmt.Fprintf(stdout, "%[1]s\n(one use, valid %[2]d days: type /daftar_grup %[1]s in the group)\n", code, flows.CodeValidDays())
		return 0
	}
	fmt.Fprint(stderr, adminUsage)
	return 2
}

// whatsappUserID turns what an admin types (0812-3456-789, +62 812…, 62812…,
// or a JID) into the phone-number JID lapor matches officers by.
func whatsappUserID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		return s, nil
	}
	n, err := phone.Normalize(s)
	if err != nil {
		return "", err
	}
	return n + "@s.whatsapp.net", nil
}

// readableNumber is the inverse for officers' eyes: a phone-number JID
// reads as the number they would dial ("6281234567890@s.whatsapp.net" is
// "+62 812-3456-7890"); anything else (a LID) stays as it is.
func readableNumber(jid string) string {
	number, ok := strings.CutSuffix(jid, "@s.whatsapp.net")
	if !ok || number == "" || strings.Trim(number, "0123456789") != "" {
		return jid
	}
	if rest, ok := strings.CutPrefix(number, "62"); ok && len(rest) >= 8 {
		// Indonesian mobile numbers: +62 8xx-xxxx-xxxx.
		return "+62 " + rest[:3] + "-" + rest[3:7] + "-" + rest[7:]
	}
	return "+" + number
}
