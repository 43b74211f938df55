package flows

// Texts of duplicate reports and their merging (flows/duplicates.go).
// Merged into texts at start-up.
var duplicateTexts = map[string][2]string{
	"dup.card.header": {"Laporan serupa yang masih berjalan (mungkin sama):", "Similar open reports (possibly the same):"},
	"dup.card.line":   {"• %s — %s — %s", "• %s — %s — %s"},
	"dup.b.merge":     {"Gabungkan ke %s", "Merge into %s"},
	"dup.done":        {"✅ Laporan %s digabungkan ke laporan %s. Pelapornya akan menerima kabar perkembangan laporan %[2]s.", "✅ Report %s was merged into report %s. Its reporter will receive the news of report %[2]s."},
	"dup.done.root":   {"✅ Laporan %s digabungkan ke laporan %s, karena laporan %s sudah lebih dulu digabungkan ke laporan %[2]s.", "✅ Report %s was merged into report %s, because report %s had already been merged into report %[2]s."},
	"dup.self":        {"Laporan %s tidak dapat digabungkan ke dirinya sendiri.", "Report %s cannot be merged into itself."},
	"dup.already":     {"Laporan %s sudah digabungkan ke laporan %s.", "Report %s was already merged into report %s."},
	"dup.loop":        {"Laporan %s sudah digabungkan ke laporan %s, sehingga %[2]s tidak dapat digabungkan ke laporan itu.", "Report %s was already merged into report %s, so %[2]s cannot be merged into it."},
	"dup.final":       {"Laporan %s sudah pada tahap \"%s\"; laporan lain tidak dapat digabungkan ke laporan itu.", "Report %s is at stage \"%s\"; no report can be merged into it."},
	"dup.n.merged": {"Laporan Anda %s sama dengan laporan %s yang sudah ditangani; Anda akan menerima kabar perkembangan laporan itu. Terima kasih telah melapor.",
		"Your report %s is the same as report %s, which is already being handled; you will receive the news of that report. Thank you for reporting."},
	"dup.n.follow": {"Kabar laporan %s (laporan Anda %s digabungkan ke laporan ini):\n\n%s", "News of report %s (your report %s was merged into it):\n\n%s"},
	"dup.f.answer": {"Tanggapan atas laporan %[1]s dari %[2]s:\n\n%[3]s", "The answer to report %[1]s from %[2]s:\n\n%[3]s"},
	"dup.f.closed": {"Laporan %[1]s sudah selesai ditangani.", "Report %[1]s is finished."},
	"dup.f.reject": {"Tanggapan atas laporan %[1]s dinilai belum menyelesaikan masalah, sehingga diteruskan kembali ke perangkat daerah untuk ditindaklanjuti, paling lambat %[2]s.",
		"The answer to report %[1]s did not settle the matter, so it went back to the agency for another round, by %[2]s."},
	"dup.f.tunda": {"Admin memerlukan keterangan tambahan dari pelapor laporan %[1]s. Proses dilanjutkan setelah keterangan itu diterima.",
		"The admin needs more details from the reporter of report %[1]s. Handling resumes once they arrive."},
	"dup.f.info": {"Keterangan tambahan untuk laporan %[1]s sudah diterima. Proses dilanjutkan, paling lambat %[2]s.",
		"More details for report %[1]s arrived. Handling resumes, by %[2]s."},
	"dup.f.expire": {"Laporan %[1]s diarsipkan karena keterangan yang diminta tidak diterima. Bila masalahnya masih ada, Anda dapat mengirim laporan baru kapan saja.",
		"Report %[1]s was archived because the details asked for did not arrive. If the problem remains, you can file a new report at any time."},
	"dup.status":       {"Laporan ini digabungkan ke laporan %s, dengan status: %s. Anda menerima kabar perkembangan laporan itu.", "This report was merged into report %s, with status: %s. You receive the news of that report."},
	"dup.status.short": {"Laporan ini digabungkan ke laporan %s.", "This report was merged into report %s."},
	"event.merge":      {"Laporan lain yang sama digabungkan ke laporan ini", "Another report of the same matter was merged into this one"},
}

func init() {
	for k, v := range duplicateTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
