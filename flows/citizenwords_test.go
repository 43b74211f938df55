package flows_test

import (
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// The reporter's /status names who holds the report and which agency did
// what, in plain words: no "Super Admin", "OPD" or "disposisi".
func TestStatusSpeaksPlainly(t *testing.T) {
	h := chainHarness(t)
	const chat = "5501"
	id := h.fileReport(chat, "anon:no", "conf:yes")
	expect(t, h.send(gSuper, groupCmd(uSuper, "verifikasi", id)), "✅ "+id)
	expect(t, h.send(gRegency, groupCmd(uRegency, "disposisi", id+" pupr")), "✅ "+id)
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", id+" Jalan sudah ditambal pada 2 Desember.")), "dicatat")
	expect(t, h.send(gPupr, groupCmd(uPupr, "tanggapi", id+" selesai")), "✅ "+id)
	h.drainAll()
	status := expect(t, h.send(chat, cmd("status", id)),
		"Diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang",
		"Dinas Pekerjaan Umum dan Penataan Ruang mengirim tanggapan",
		"Ditangani oleh: Tim LAPOR! SP4N Kabupaten (memeriksa tanggapan Dinas Pekerjaan Umum dan Penataan Ruang)")
	for _, jargon := range []string{"Super Admin", "OPD", "isposisi", "meja"} {
		if strings.Contains(status.Text, jargon) {
			t.Errorf("the reporter's /status says %q:\n%s", jargon, status.Text)
		}
	}
}

// No notification a citizen may be sent uses the desks' jargon.
func TestNoticesSpeakPlainly(t *testing.T) {
	for _, k := range flows.NoticeKeys() {
		for _, l := range []flows.Lang{flows.LangID, flows.LangEN} {
			text := flows.T(l, k)
			for _, jargon := range []string{"Super Admin", "super admin", "OPD", "isposisi", "meja", "kartu", "desk"} {
				if strings.Contains(text, jargon) {
					t.Errorf("notice %s (%s) says %q: %s", k, l, jargon, text)
				}
			}
		}
	}
}
