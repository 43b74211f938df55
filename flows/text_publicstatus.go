package flows

// Texts of the national LAPOR! statuses citizens read (flows/publicstatus.go).
// Merged into texts at start-up.
var publicStatusTexts = map[string][2]string{
	"pstatus.belum_terverifikasi": {"Belum Terverifikasi", "Not yet verified"},
	"pstatus.terverifikasi":       {"Terverifikasi", "Verified"},
	"pstatus.tindak_lanjut":       {"Tindak Lanjut", "Follow-up"},
	"pstatus.selesai":             {"Selesai", "Completed"},
	"pstatus.diarsipkan":          {"Diarsipkan", "Archived"},

	// What each status means, under the status in /status.
	"pstatus.hint.belum_terverifikasi": {"Laporan ini sudah diterima dan menunggu diperiksa oleh admin LAPOR! SP4N.",
		"This report was received and is waiting to be checked by the LAPOR! SP4N admin."},
	"pstatus.hint.terverifikasi": {"Laporan ini sudah diperiksa dan sedang diteruskan ke perangkat daerah yang berwenang.",
		"This report was checked and is being forwarded to the responsible agency."},
	"pstatus.hint.tindak_lanjut": {"Laporan ini sedang ditindaklanjuti. Pertanyaan atau tanggapan untuk pelapor dikirim lewat chat tempat laporan dibuat.",
		"This report is being followed up. Questions and answers for the reporter are sent to the chat the report came from."},
	"pstatus.hint.selesai":    {"Penanganan laporan ini sudah selesai.", "The handling of this report is completed."},
	"pstatus.hint.diarsipkan": {"Laporan ini diarsipkan dan tidak ditindaklanjuti.", "This report was archived and is not followed up."},

	// /status in the citizen's chat, with the public status.
	"status.view.public": {
		"Laporan %s\nJenis: %s\nDiterima: %s\nStatus: %s\n%s\nDitangani oleh: %s\nBatas waktu langkah ini: %s\n\nRiwayat:\n%s",
		"Report %s\nType: %s\nReceived: %s\nStatus: %s\n%s\nHandled by: %s\nDeadline of this step: %s\n\nHistory:\n%s"},
}

func init() {
	for k, v := range publicStatusTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
