package flows

// Texts of live cards (livecard.go): the state line a card shows once the
// report moved, and the answer to a button pressed after it did. Merged
// into texts at start-up.
var liveCardTexts = map[string][2]string{
	"live.state.verify":    {"✅ Diverifikasi", "✅ Verified"},
	"live.state.tunda":     {"⏸ Ditunda, menunggu keterangan tambahan dari pelapor", "⏸ On hold, waiting for more details from the reporter"},
	"live.state.info":      {"💬 Pelapor memberi keterangan tambahan", "💬 The reporter gave more details"},
	"live.state.archive":   {"🗄 Diarsipkan", "🗄 Archived"},
	"live.state.central":   {"🏛 Kewenangan pusat: diteruskan ke LAPOR! nasional", "🏛 Central authority: forwarded to the national LAPOR!"},
	"live.state.dispose":   {"➡️ Diteruskan ke perangkat daerah", "➡️ Forwarded to an agency"},
	"live.state.return":    {"↩️ Dikembalikan ke Super Admin", "↩️ Returned to the super admin"},
	"live.state.not_ours":  {"↩️ Dinyatakan bukan kewenangan perangkat daerah", "↩️ Declared not the agency's authority"},
	"live.state.submit":    {"📝 Tanggapan perangkat daerah dikirim untuk ditinjau", "📝 The agency's answer was sent for review"},
	"live.state.approve":   {"✅ Tanggapan disetujui dan dikirim kepada pelapor", "✅ Answer approved and sent to the reporter"},
	"live.state.revise":    {"✏️ Tanggapan dikembalikan untuk diperbaiki", "✏️ Answer sent back for improvement"},
	"live.state.accept":    {"🏁 Pelapor menerima tanggapan; laporan selesai", "🏁 The reporter accepted the answer; the report is finished"},
	"live.state.reject":    {"↩️ Pelapor menolak tanggapan", "↩️ The reporter rejected the answer"},
	"live.state.autoclose": {"🏁 Selesai: pelapor tidak membalas dalam batas waktu", "🏁 Finished: the reporter did not reply in time"},
	"live.state.expire":    {"🗄 Diarsipkan: keterangan yang diminta tidak diberikan", "🗄 Archived: the details asked for were never given"},
	"live.state.ombudsman": {"⚖️ Diteruskan ke Ombudsman", "⚖️ Forwarded to the Ombudsman"},

	"live.state.dispose.to": {"➡️ Diteruskan ke %s", "➡️ Forwarded to %s"},
	"live.state.by":         {"%s oleh %s, %s", "%s by %s, %s"},
	"live.state.at":         {"%s, %s", "%s, %s"},

	"live.newer": {"(Pesan terbaru tentang laporan ini ada di bawah.)", "(The newest message about this report is further down.)"},

	"live.review.summary": {"Ringkasan laporan:\n📋 %s · %s · Kecamatan %s\nTahap: %s\n%s\n\nLaporan lengkap dan buktinya ada pada pesan yang dibalas ini (atau ketik /laporan %s).",
		"Summary of the report:\n📋 %s · %s · Kecamatan %s\nStage: %s\n%s\n\nThe whole report and its evidence are in the message this replies to (or type /laporan %s)."},

	"live.stale":         {"Laporan %s sudah ditangani lebih dulu (%s), jadi tombol itu tidak berlaku lagi. Tahap sekarang: %s.", "Report %s was handled already (%s), so that button no longer applies. Current stage: %s."},
	"live.stale.changed": {"Laporan %s sudah berubah sejak pesan itu dikirim, jadi tombol itu tidak berlaku lagi. Tahap sekarang: %s.", "Report %s changed since that message was sent, so that button no longer applies. Current stage: %s."},
}

func init() {
	for k, v := range liveCardTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
