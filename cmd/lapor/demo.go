package main

import (
	"context"
	"fmt"
	"io"

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
		code, err := svc.IssueRoomCode(ctx, d.kind, d.agency, name, "demo")
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %s  %s\n", flows.SignInLink(webURL, code), d.label)
	}
	fmt.Fprintln(out, "\nOpen each link in its own browser profile or private window: a browser signed in to a desk shows that desk's room.")
	return nil
}
