package flows

// Texts of the first-response deadline in a desk's queue and digest
// (flows/queuefirstresponse.go) and of follow-ups withdrawn unreviewed
// (flows/followups_settle.go). Merged into texts at start-up.
var escalationTexts = map[string][2]string{
	"queue.fr.due":  {" · ⏳ respon awal paling lambat %s", " · ⏳ first response due %s"},
	"queue.fr.over": {" · 🔴 respon awal terlambat %d hari kerja (batas %s)", " · 🔴 first response %d working days late (due %s)"},
	"fu.withdrawn": {"%s untuk laporan %s tidak lagi menunggu pemeriksaan: laporan sudah tidak di perangkat daerah (kini: %s), jadi tidak diteruskan kepada pelapor. Tidak ada yang diubah.",
		"The %s for report %s no longer waits for review: the report has left the agency (now: %s), so it was not passed on to the reporter. Nothing was changed."},
	"event.fu_withdrawn": {"Tindak lanjut yang menunggu pemeriksaan tidak diteruskan kepada pelapor karena laporan sudah tidak di perangkat daerah",
		"A follow-up waiting for review was not passed on to the reporter: the report had left the agency"},
}

func init() {
	for k, v := range escalationTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
