package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// lapor export --agency is the agency's own export: its reports, as its
// desk sees them (no contact, username or chat id column; no anonymous
// reporter's name). --desk, which made an admin export of one agency, is
// refused with a message that says what to use instead.
func TestExportAgencyFollowsTheDesksPrivacy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	svc := flows.New(db, flows.DefaultConfig(), calendar.Default(), region.Default(), time.Now, nil)
	if err := svc.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	seed := func(agency, chat string, anonymous bool) string {
		r := store.Report{TrackingID: flows.NewTrackingID("MGT"), Type: "pengaduan",
			Description: "Lampu jalan mati sejak dua minggu di depan pasar.", KecamatanCode: "35.20.06", Anonymous: anonymous,
			Channel: "telegram", ChatID: chat, ReporterUserID: chat, ReporterName: "Warga " + chat, ReporterUsername: "warga" + chat,
			Contact: "0813-" + chat, Lang: "id", Stage: string(flows.StageAtAgency), ResponsibleUnit: "x",
			StageStartedAt: now, StageDeadline: now.AddDate(0, 0, 10), SubmittedAt: now}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateReport(ctx, &r); err != nil {
				return err
			}
			r.AgencyCode = agency
			return tx.UpdateReport(ctx, &r)
		}); err != nil {
			t.Fatal(err)
		}
		return r.TrackingID
	}
	named, anon, other := seed("pupr", "7001", false), seed("pupr", "7002", true), seed("dinkes", "7003", false)
	env := map[string]string{"LAPOR_DATABASE_URL": db.URL()}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
		return code, out.String(), errOut.String()
	}

	code, csv, stderr := run("export", "--format", "csv", "--agency", "pupr", "--out", "-")
	if code != 0 {
		t.Fatalf("export --agency: exit %d: %s", code, stderr)
	}
	header := csv[:strings.IndexAny(csv, "\r\n")]
	for _, col := range []string{"Kontak", "Chat ID", "Username"} {
		if strings.Contains(header, col) {
			t.Errorf("the agency's export has a %q column: %s", col, header)
		}
	}
	for _, want := range []string{named, anon, "Warga 7001"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the agency's export lacks %q", want)
		}
	}
	for _, secret := range []string{other, "Warga 7002", "0813-", "warga7001", "7003"} {
		if strings.Contains(csv, secret) {
			t.Errorf("the agency's export shows %q", secret)
		}
	}

	// The admin's export has what the agency's leaves out.
	code, csv, stderr = run("export", "--format", "csv", "--out", "-")
	if code != 0 || !strings.Contains(csv, "0813-7001") || !strings.Contains(csv, other) {
		t.Errorf("the admin export: exit %d, %s", code, stderr)
	}

	code, _, stderr = run("export", "--format", "csv", "--desk", "pupr", "--out", "-")
	if code != 2 || !strings.Contains(stderr, "--desk is gone") || !strings.Contains(stderr, "--agency <agency code>") {
		t.Errorf("export --desk: exit %d, %q", code, stderr)
	}
	code, _, stderr = run("export", "--agency", "pupr", "--public")
	if code != 2 {
		t.Errorf("export --agency --public: exit %d, %q", code, stderr)
	}
}
