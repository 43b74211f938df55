package flows

// Texts of the agency's first response and progress updates
// (followups.go). Merged into texts at start-up.
var followupTexts = map[string][2]string{
	"fu.kind.first_response": {"respon awal", "first response"},
	"fu.kind.progress":       {"tindak lanjut", "progress update"},
	"fu.status.pending":      {"menunggu pemeriksaan", "waiting for review"},
	"fu.status.sent":         {"sudah diteruskan kepada pelapor", "already passed on to the reporter"},
	"fu.status.returned":     {"sudah dikembalikan ke perangkat daerah", "already sent back to the agency"},
	"fu.status.draft":        {"masih draf", "still a draft"},

	"b.fu.first":                 {"💬 Respon awal", "💬 First response"},
	"b.fu.progress":              {"🔄 Tindak lanjut", "🔄 Progress update"},
	"b.fu.submit.first_response": {"📨 Kirim respon awal", "📨 Send first response"},
	"b.fu.submit.progress":       {"📨 Kirim tindak lanjut", "📨 Send progress update"},
	"b.fu.approve":               {"✅ Teruskan ke pelapor", "✅ Pass on to the reporter"},
	"b.fu.return":                {"↩️ Kembalikan ke perangkat daerah", "↩️ Send back to the agency"},

	"fu.start": {"%s — tulis %s dengan membalas pesan ini (teks, boleh dengan foto). Tombol Kirim muncul setelah bagian pertama dicatat. Ketik /batal untuk membatalkan.",
		"%s — write the %s by replying to this message (text, photos welcome). The Send button appears once the first part is noted. Type /batal to cancel."},
	"fu.noted": {"Draf %s untuk laporan %s dicatat (%d karakter, %d berkas). Untuk menambah, balas pesan ini; bila sudah lengkap, tekan tombol Kirim.",
		"Draft %s for report %s noted (%d characters, %d files). To add more, reply to this message; when it is complete, press Send."},
	"fu.empty":       {"%s untuk laporan %s masih kosong. Tulis isinya dulu.", "The %s for report %s is still empty. Write it first."},
	"fu.first.given": {"Respon awal untuk laporan %s sudah diberikan. Untuk kabar berikutnya, pakai 🔄 Tindak lanjut.", "The first response to report %s was already given. For further news, use 🔄 Progress update."},
	"fu.sent.review": {"✅ %s: %s dikirim ke Admin Kabupaten untuk diperiksa sebelum diteruskan kepada pelapor.",
		"✅ %s: %s sent to the regency admin for review before it goes to the reporter."},
	"fu.sent.citizen": {"✅ %s: %s sudah dikirim kepada pelapor; Admin Kabupaten menerima salinannya.",
		"✅ %s: %s was sent to the reporter; the regency admin got a copy."},
	"fu.review": {"📋 %s dari %s untuk laporan %s. Periksa sebelum diteruskan kepada pelapor:\n\n%s",
		"📋 %s from %s for report %s. Review it before it goes to the reporter:\n\n%s"},
	"fu.info": {"ℹ️ %s dari %s untuk laporan %s sudah dikirim kepada pelapor:\n\n%s",
		"ℹ️ %s from %s for report %s was sent to the reporter:\n\n%s"},
	"fu.returned": {"↩️ %s untuk laporan %s dikembalikan oleh Admin Kabupaten untuk diperbaiki. Alasannya: %s\nTulis yang baru dengan tombol di bawah ini.",
		"↩️ The %s for report %s was sent back by the regency admin for improvement. The reason: %s\nWrite a new one with the buttons below."},
	"fu.ask.return": {"%s — balas pesan ini dengan alasan %s dikembalikan ke perangkat daerah (atau ketik /batal).",
		"%s — reply to this message with the reason the %s goes back to the agency (or type /batal)."},
	"fu.decided":      {"%s untuk laporan %s %s; tidak ada yang diubah.", "The %s for report %s is %s; nothing was changed."},
	"fu.none.pending": {"Tidak ada tindak lanjut laporan %s yang menunggu pemeriksaan.", "No follow-up of report %s waits for review."},

	"card.fu.count": {"🔄 Tindak lanjut: %d sampai ke pelapor, %d menunggu pemeriksaan. Terakhir, %s (%s): %s",
		"🔄 Follow-ups: %d reached the reporter, %d wait for review. Latest, %s (%s): %s"},
	"card.fu.due": {"⏳ Batas respon awal: %s", "⏳ First response due: %s"},

	// To the citizen: each step that reached them, naming the agency.
	"n.fu.first_response": {"Respon awal dari %[2]s atas laporan %[1]s:\n\n%[3]s\n\nLaporan Anda masih ditindaklanjuti. Kabar berikutnya dan tanggapan akhirnya akan kami kirim di sini.",
		"First response from %[2]s to report %[1]s:\n\n%[3]s\n\nYour report is still being followed up. Further news and the final answer will come here."},
	"n.fu.progress": {"Kabar tindak lanjut dari %[2]s atas laporan %[1]s:\n\n%[3]s\n\nLaporan Anda masih ditindaklanjuti. Tanggapan akhirnya akan kami kirim di sini.",
		"Progress update from %[2]s on report %[1]s:\n\n%[3]s\n\nYour report is still being followed up. The final answer will come here."},

	"event.first_response": {"Perangkat daerah menulis respon awal", "The agency wrote its first response"},
	"event.progress":       {"Perangkat daerah menulis kabar tindak lanjut", "The agency wrote a progress update"},
	"event.fu_approve":     {"Tindak lanjut perangkat daerah diperiksa admin dan diteruskan kepada pelapor", "The agency's follow-up was reviewed and passed on to the reporter"},
	"event.fu_return":      {"Tindak lanjut dikembalikan ke perangkat daerah untuk diperbaiki", "A follow-up was sent back to the agency for improvement"},

	"live.state.first_response": {"💬 Respon awal dikirim", "💬 First response sent"},
	"live.state.progress":       {"🔄 Kabar tindak lanjut dikirim", "🔄 Progress update sent"},
	"live.state.fu_approve":     {"✅ Tindak lanjut diteruskan kepada pelapor", "✅ Follow-up passed on to the reporter"},
	"live.state.fu_return":      {"↩️ Tindak lanjut dikembalikan ke perangkat daerah", "↩️ Follow-up sent back to the agency"},

	"status.fu.head": {"Tindak lanjut dari perangkat daerah:", "Follow-ups from the agency:"},
	"status.fu.line": {"• %s — %s dari %s: %s", "• %s — %s from %s: %s"},

	"due.first_response": {"respon awal perangkat daerah", "the agency's first response"},
	"sla.fu": {"• Respon awal perangkat daerah: %d hari kerja sejak disposisi (0: tidak diwajibkan). Respon awal dan tindak lanjut %s.",
		"• The agency's first response: %d working days from disposition (0: not required). First responses and progress updates %s."},
	"sla.fu.reviewed": {"diperiksa Admin Kabupaten sebelum diteruskan kepada pelapor", "are reviewed by the regency admin before they reach the reporter"},
	"sla.fu.direct":   {"langsung dikirim kepada pelapor, dengan salinan untuk Admin Kabupaten", "go straight to the reporter, with a copy to the regency admin"},
}

func init() {
	// The same words when an admin passed the step on (another event).
	followupTexts["n.fu.first_response.passed"] = followupTexts["n.fu.first_response"]
	followupTexts["n.fu.progress.passed"] = followupTexts["n.fu.progress"]
	for k, v := range followupTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
