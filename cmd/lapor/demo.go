package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// printDemo issues one web room sign-in code per desk (the three central
// desks and every active agency) and prints the links, so the whole SOP
// can be tried on one machine: one browser window per desk, another as the
// citizen. Each link works once; a restart in demo mode prints new ones.
func printDemo(ctx context.Context, db *store.DB, svc *flows.Service, webURL string, out io.Writer) error {
	type desk struct{ kind, agency, label string }
	desks := []desk{
		{flows.DeskSuperAdmin, "", "Super admin (verifikasi)"},
		{flows.DeskRegency, "", "Admin kabupaten (disposisi, persetujuan)"},
		{flows.DeskOmbudsman, "", "Ombudsman"},
	}
	var agencies []store.Agency
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		agencies, err = tx.Agencies(ctx, false)
		return err
	}); err != nil {
		return err
	}
	for _, a := range agencies {
		desks = append(desks, desk{flows.DeskAgency, a.Code, a.Code + " — " + a.Name})
	}
	fmt.Fprintf(out, "\nDEMO MODE: anyone with these links becomes that desk's officer. Never use demo mode with real complaints.\n\n")
	fmt.Fprintf(out, "Citizen chat:  %s/\n\nOfficer sign-in links (one use each, valid %d days):\n", webURL, flows.CodeValidDays())
	for _, d := range desks {
		name := "Petugas demo " + d.label
		if d.agency != "" {
			name = "Petugas demo " + d.agency
		}
		code, err := svc.IssueRoomCode(ctx, d.kind, d.agency, name, demoIssuer)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %s  %s\n", flows.SignInLink(webURL, code), d.label)
	}
	fmt.Fprintln(out, "\nOpen each link in its own browser profile or private window: a browser signed in to a desk shows that desk's room.")
	return nil
}

// demoIssuer marks the sign-in codes the demo prints.
const demoIssuer = "demo"

// demoDataDir is the private cluster of `serve --demo`: lapor-demo beside
// the normal one (./lapor-demo by default), so that the demo's officers and
// links never reach the real data.
func demoDataDir(dataDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(dataDir)), "lapor-demo")
}

// endDemoLinks ends, at the start of a normal run, the sign-in links a demo
// run printed on the same database and left unused: whoever saw them must
// not become an officer of the real service.
func endDemoLinks(ctx context.Context, db *store.DB, log *slog.Logger) error {
	n, err := db.ExpireRoomCodesIssuedBy(ctx, demoIssuer, time.Now())
	if err != nil {
		return err
	}
	if n > 0 {
		log.Warn("the sign-in links of an earlier demo run on this database no longer work", "links", n)
	}
	return nil
}
