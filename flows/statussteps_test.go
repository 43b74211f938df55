package flows_test

import (
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// citizenStatus is the reporter's /status of report id, as one text.
func (h *harness) citizenStatus(id string) string {
	h.t.Helper()
	c := identities["telegram"].chat
	return allText(h.send(c, flows.Inbound{Kind: flows.KindCommand, Command: "status", Text: id, UserID: c}))
}

// The reporter's /status has one line for each follow-up step that reached
// them: a reviewed one when it was passed on; none for one sent back or
// still waiting for review.
func TestStatusShowsOneLinePerFollowupStep(t *testing.T) {
	h := followupHarness(t, true)
	r := h.disposed(true)
	// A first response, passed on.
	h.post(gPupr, groupCmd(uPupr, "respon_awal", r.TrackingID+" Tim UPT meninjau lokasi besok."))
	h.drainAll()
	h.post(gRegency, groupCmd(uRegency, "tindak_lanjut", r.TrackingID+" teruskan"))
	h.drainAll()
	// A progress update sent back, then another one passed on.
	h.post(gPupr, groupCmd(uPupr, "tindak_lanjut", r.TrackingID+" Menunggu alat berat."))
	h.drainAll()
	h.post(gRegency, groupCmd(uRegency, "tindak_lanjut", r.TrackingID+" kembalikan Sebutkan tanggalnya."))
	h.drainAll()
	h.post(gPupr, groupCmd(uPupr, "tindak_lanjut", r.TrackingID+" Alat berat datang 10 Desember."))
	h.drainAll()
	h.post(gRegency, groupCmd(uRegency, "tindak_lanjut", r.TrackingID+" teruskan"))
	h.drainAll()
	// A third one, still waiting for review.
	h.post(gPupr, groupCmd(uPupr, "tindak_lanjut", r.TrackingID+" Pengecoran dimulai."))
	h.drainAll()

	st := h.citizenStatus(r.TrackingID)
	for phrase, want := range map[string]int{
		"Dinas Pekerjaan Umum dan Penataan Ruang menulis respon awal":         1,
		"Dinas Pekerjaan Umum dan Penataan Ruang menulis kabar tindak lanjut": 1,
		"diperiksa admin dan diteruskan kepada pelapor":                       0,
		"dikembalikan ke perangkat daerah":                                    0,
	} {
		if got := strings.Count(st, phrase); got != want {
			t.Errorf("/status has %q %d times, want %d:\n%s", phrase, got, want, st)
		}
	}
	// The lines stand where the steps reached the reporter: the first
	// response before the update.
	if i, j := strings.Index(st, "menulis respon awal"), strings.Index(st, "menulis kabar tindak lanjut"); i < 0 || j < i {
		t.Errorf("the steps are out of order:\n%s", st)
	}
}

// Sent straight to the reporter, each follow-up step is its own line too.
func TestStatusShowsFollowupsSentStraight(t *testing.T) {
	h := followupHarness(t, false)
	r := h.disposed(true)
	h.post(gPupr, groupCmd(uPupr, "respon_awal", r.TrackingID+" Sudah kami jadwalkan."))
	h.post(gPupr, groupCmd(uPupr, "tindak_lanjut", r.TrackingID+" Perbaikan berjalan."))
	h.drainAll()
	st := h.citizenStatus(r.TrackingID)
	if strings.Count(st, "menulis respon awal") != 1 || strings.Count(st, "menulis kabar tindak lanjut") != 1 {
		t.Errorf("/status of steps sent straight:\n%s", st)
	}
}
