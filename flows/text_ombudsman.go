package flows

// Texts of the Ombudsman path (flows/ombudsman.go). Merged into texts at
// start-up.
var ombudsmanTexts = map[string][2]string{
	"omb.card": {"📨 Laporan %s melewati batas %d hari kerja. Mohon teruskan berkas laporan ini kepada Ombudsman RI melalui saluran resminya (berkas PDF menyusul di bawah).\n\nKronologi:\n%s\n\nBatas waktu yang terlewati:\n%s\n\nTanggapan sejauh ini:\n%s\n\nSetelah berkas dikirim, tekan tombol di bawah atau ketik /ombudsman_kirim %s [nomor surat atau catatan].",
		"📨 Report %s passed the limit of %d working days. Please send this report's file to Ombudsman RI by its official channels (the PDF follows below).\n\nChronology:\n%s\n\nDeadlines missed:\n%s\n\nAnswers so far:\n%s\n\nOnce it is sent, press the button below or type /ombudsman_kirim %s [letter number or note]."},
	"omb.missed": {"• %s: batas %s, %.0f hari kerja", "• %s: due %s, %.0f working days"},
	"omb.none":   {"• belum ada", "• none"},
	"omb.b.sent": {"Tandai sudah dikirim ke Ombudsman", "Mark as sent to the Ombudsman"},
	"omb.doc":    {"Berkas laporan %s untuk Ombudsman RI.", "The file of report %s for Ombudsman RI."},
	"omb.note":   {"Catatan: %s", "Note: %s"},
	"omb.notdue": {"Laporan %s belum melewati batas waktu untuk diteruskan ke Ombudsman RI, jadi belum ada berkas yang perlu dikirim.", "Report %s has not passed the Ombudsman limit, so there is no file to send yet."},
	"omb.sent.twice": {"Pengiriman berkas laporan %s ke Ombudsman RI sudah dicatat pada %s. Tidak dicatat dua kali.",
		"Sending report %s's file to Ombudsman RI was already recorded on %s. It is not recorded twice."},
	"omb.sent.done": {"✅ Dicatat: berkas laporan %s dikirim ke Ombudsman RI pada %s oleh %s. Pelapor sudah diberi tahu.",
		"✅ Recorded: report %s's file was sent to Ombudsman RI on %s by %s. The reporter was told."},
	"omb.desk.card": {"📨 Diteruskan ke Ombudsman: %s belum selesai setelah %d hari kerja.\n\nRiwayat:\n%s\n\nHari kerja per tahap:\n%s\n\nCatat hasilnya dengan /ombudsman_hasil %s <hasil>.",
		"📨 Forwarded to the Ombudsman: %s unresolved after %d working days.\n\nHistory:\n%s\n\nWorking days per stage:\n%s\n\nRecord the outcome with /ombudsman_hasil %s <outcome>."},
	"omb.result.onlydesk": {"Hasil dari Ombudsman hanya dapat dicatat oleh petugas Ombudsman di grup Ombudsman.", "Only an Ombudsman officer in the Ombudsman group can record its outcome."},
	"omb.result.regency":  {"📨 Ombudsman RI mencatat hasil untuk laporan %s:\n\n%s", "📨 Ombudsman RI recorded an outcome for report %s:\n\n%s"},
	"omb.result.done":     {"✅ Hasil untuk laporan %s dicatat dan disampaikan kepada Admin Kabupaten dan pelapor.", "✅ The outcome for report %s was recorded and passed to the regency admin and the reporter."},
	"n.omb.limit": {"Laporan %s belum selesai ditangani dalam %d hari kerja, melewati batas waktu yang ditetapkan. Tim LAPOR! SP4N Kabupaten telah diminta meneruskan laporan ini kepada Ombudsman Republik Indonesia. Kami akan memberi tahu Anda bila berkasnya sudah dikirim.\n\nAnda juga berhak mengadukan langsung kepada Ombudsman RI: telepon 137, situs ombudsman.go.id, atau kantor Ombudsman RI Perwakilan Jawa Timur.",
		"Report %s was not resolved within %d working days, past the set limit. The regency's LAPOR! SP4N team has been asked to pass it on to the Ombudsman of the Republic of Indonesia. We will tell you once its file has been sent.\n\nYou also have the right to complain to Ombudsman RI directly: phone 137, ombudsman.go.id, or the office of Ombudsman RI Perwakilan Jawa Timur."},
	"n.omb.forwarded": {"Laporan %s juga telah disampaikan kepada petugas Ombudsman RI yang terhubung dengan layanan ini pada %s.",
		"Report %s was also passed to the Ombudsman RI officers connected to this service on %s."},
	"n.omb.sent":                     {"Berkas laporan %s telah dikirim kepada Ombudsman RI pada %s.", "The file of report %s was sent to Ombudsman RI on %s."},
	"n.omb.result":                   {"Ombudsman RI menyampaikan hasil untuk laporan %s:\n\n%s", "Ombudsman RI gave an outcome for report %s:\n\n%s"},
	"live.state.ombudsman_limit":     {"⚖️ Melewati batas; berkas untuk Ombudsman RI disiapkan", "⚖️ Past the limit; a file for Ombudsman RI was made"},
	"live.state.ombudsman_forwarded": {"⚖️ Diteruskan ke petugas Ombudsman", "⚖️ Forwarded to the Ombudsman officers"},
	"live.state.ombudsman_sent":      {"⚖️ Berkas dikirim ke Ombudsman RI", "⚖️ File sent to Ombudsman RI"},
	"live.state.ombudsman_result":    {"⚖️ Hasil dari Ombudsman RI dicatat", "⚖️ Outcome from Ombudsman RI recorded"},
	"event.ombudsman_limit":          {"Melewati batas waktu; berkas untuk Ombudsman RI dibuat", "Past the limit; a file for Ombudsman RI was made"},
	"event.ombudsman_forwarded":      {"Diteruskan ke petugas Ombudsman", "Forwarded to the Ombudsman officers"},
	"event.ombudsman_sent":           {"Berkas dikirim ke Ombudsman RI", "File sent to Ombudsman RI"},
	"event.ombudsman_result":         {"Hasil dari Ombudsman RI", "Outcome from Ombudsman RI"},
}

func init() {
	for k, v := range ombudsmanTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
