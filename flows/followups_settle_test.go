package flows_test

import (
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// pendingFirstResponse has the agency send a first response for review
// and returns the regency desk's review message.
func (h *harness) pendingFirstResponse(r store.Report, text string) []flows.Outbound {
	h.t.Helper()
	h.post(gPupr, groupCmd(uPupr, "respon_awal", r.TrackingID+" "+text))
	review := h.drainAll()[gRegency]
	expect(h.t, review, text)
	return review
}

func (h *harness) followupStatuses(r store.Report) []string {
	h.t.Helper()
	var out []string
	if err := h.db.InTx(h.ctx, func(tx *store.Tx) error {
		fs, err := tx.Followups(h.ctx, r.ID)
		for _, f := range fs {
			out = append(out, f.Status)
		}
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// A first response still waiting for review when the agency's final
// answer is approved is withdrawn, with an event: it never reaches the
// citizen, and its review buttons say why.
func TestPendingFollowupIsWithdrawnWhenTheReportIsAnswered(t *testing.T) {
	h := followupHarness(t, true)
	r := h.disposed(false)
	review := h.pendingFirstResponse(r, "Tim UPT meninjau lokasi Kamis.")
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" Saluran sudah dikeruk."))
	h.post(gPupr, groupCmd(uPupr, "tanggapi", r.TrackingID+" selesai"))
	h.drainAll()
	// In the answer's review the follow-up still waits: the admin may
	// still decide on it there.
	if st := h.followupStatuses(r); len(st) != 1 || st[0] != "pending" {
		t.Fatalf("follow-ups during the answer's review: %v", st)
	}
	h.post(gRegency, groupCmd(uRegency, "setujui", r.TrackingID))
	out := h.drainAll()
	expect(t, out[identities["telegram"].chat], "sudah dikeruk")
	if strings.Contains(allText(out[identities["telegram"].chat]), "meninjau lokasi") {
		t.Fatal("the withdrawn first response reached the citizen")
	}
	if st := h.followupStatuses(r); len(st) != 1 || st[0] == "pending" {
		t.Fatalf("follow-ups after the answer: %v", st)
	}
	if n := eventKinds(h.events(r.TrackingID))[string(flows.ActFollowupWithdrawn)]; n != 1 {
		t.Fatalf("%d withdrawal events, want 1", n)
	}

	// The review buttons and the command say what became of it.
	for _, label := range []string{"✅ Teruskan ke pelapor", "↩️ Kembalikan ke perangkat daerah"} {
		h.post(gRegency, pressIn(uRegency, labelData(t, review, label)))
		expect(t, h.drainAll()[gRegency], "Respon awal untuk laporan "+r.TrackingID+" tidak lagi menunggu pemeriksaan")
	}
	expect(t, h.send(gRegency, groupCmd(uRegency, "tindak_lanjut", r.TrackingID+" teruskan")), "yang menunggu pemeriksaan")
	if n := eventKinds(h.events(r.TrackingID))[string(flows.ActFollowupApprove)]; n != 0 {
		t.Fatalf("a withdrawn follow-up was approved %d times", n)
	}
	// The citizen's /status has no line for it.
	if st := h.citizenStatus(r.TrackingID); strings.Contains(st, "respon awal") || strings.Contains(st, "tidak diteruskan") {
		t.Errorf("/status shows the withdrawn follow-up:\n%s", st)
	}
}

// Returned as not the agency's authority, the report takes its pending
// follow-up nowhere: it is withdrawn.
func TestPendingFollowupIsWithdrawnWhenTheReportIsReturned(t *testing.T) {
	h := followupHarness(t, true)
	r := h.disposed(false)
	review := h.pendingFirstResponse(r, "Kami cek dulu ke lapangan.")
	h.post(gPupr, groupCmd(uPupr, "bukan_wewenang", r.TrackingID+" Jalan provinsi, bukan kewenangan kami."))
	h.drainAll()
	if n := eventKinds(h.events(r.TrackingID))[string(flows.ActFollowupWithdrawn)]; n != 1 {
		t.Fatalf("%d withdrawal events, want 1", n)
	}
	h.post(gRegency, pressIn(uRegency, labelData(t, review, "✅ Teruskan ke pelapor")))
	expect(t, h.drainAll()[gRegency], "tidak lagi menunggu pemeriksaan", "kini: ")
}
