package flows_test

import (
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// /saya tells anyone the id lapor knows them by, and an officer their
// role and desks, in a private chat (without disturbing a draft) and in
// their desk. A citizen's /saya says they are served as a citizen and
// never names anyone else.
func TestSayaTellsWhoYouAre(t *testing.T) {
	h := chainHarness(t)
	text := func(out []flows.Outbound) string {
		t.Helper()
		if len(out) != 1 {
			t.Fatalf("%d replies, want one: %+v", len(out), out)
		}
		return out[0].Text
	}
	saya := flows.Inbound{Kind: flows.KindCommand, Command: "saya"}

	step := func() string {
		t.Helper()
		var s string
		if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
			c, err := tx.LoadConversation(h.ctx, "test", "5150")
			s = c.Step
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// A citizen in the middle of a report.
	h.intakeToEvidence("5150")
	before := step()
	got := text(h.send("5150", saya))
	for _, want := range []string{"ID Anda di test: 5150", "dilayani sebagai warga", "berikan ID di atas kepada admin"} {
		if !strings.Contains(got, want) {
			t.Errorf("citizen's /saya lacks %q: %q", want, got)
		}
	}
	if strings.Contains(got, "Petugas") || strings.Contains(got, "Meja") {
		t.Errorf("citizen's /saya speaks of officers: %q", got)
	}
	if after := step(); after != before || before == "" || before == "idle" {
		t.Fatalf("the draft was at %q before /saya and at %q after", before, after)
	}

	// The pupr liaison officer, privately and in the desk.
	in := saya
	in.UserID, in.UserName = uPupr, "Petugas "+uPupr
	got = text(h.send(uPupr, in))
	for _, want := range []string{"ID Anda di test: " + uPupr, "Petugas " + uPupr, "Pejabat Penghubung", "Grup petugas Anda: test:"} {
		if !strings.Contains(got, want) {
			t.Errorf("officer's /saya lacks %q: %q", want, got)
		}
	}
	got = text(h.send(gPupr, groupCmd(uPupr, "saya", "")))
	if !strings.Contains(got, "ID Anda di test: "+uPupr) || !strings.Contains(got, "Pejabat Penghubung") {
		t.Errorf("/saya in the desk: %q", got)
	}

	// An officer whose role has no desk yet.
	if err := h.svc.AddOfficer(h.ctx, "test", "9100", "Rina", flows.RoleLiaison, "dishub", "test"); err != nil {
		t.Fatal(err)
	}
	in.UserID, in.UserName = "9100", "Rina"
	got = text(h.send("9100", in))
	if !strings.Contains(got, "Rina") || !strings.Contains(got, "Belum ada grup atau ruang") {
		t.Errorf("/saya of an officer without a desk: %q", got)
	}
}
