package flows

// Texts of the documents a regency signs and keeps (flows/documents.go):
// the agencies' answers in a printout, /statistik's workload per agency,
// an agency's own export. Merged into texts at start-up.
var documentsTexts = map[string][2]string{
	"doc.kind.answer":         {"Tanggapan", "Answer"},
	"doc.kind.first_response": {"Respon awal", "First response"},
	"doc.kind.progress":       {"Tindak lanjut", "Progress update"},
	"doc.fu.pending":          {"menunggu persetujuan admin", "waiting for an admin's approval"},
	"doc.fu.sent":             {"sudah diteruskan ke pelapor", "passed on to the reporter"},
	"doc.fu.returned":         {"dikembalikan oleh admin", "sent back by an admin"},

	// /statistik: each agency's workload now beside the month's compliance.
	"st.load.head": {"🏢 Perangkat daerah: laporan yang sedang ditangani sekarang (dari bulan mana pun) dan ketepatan batas waktu laporan yang masuk %s",
		"🏢 Agencies: reports in hand now (from any month) and deadlines kept on the reports submitted in %s"},
	"st.load.now":     {"%s: %d sedang ditangani, %d lewat batas waktu", "%s: %d in hand, %d past the deadline"},
	"st.load.month":   {"; bulan ini %d tepat waktu, %d terlambat (%s)", "; this month %d on time, %d late (%s)"},
	"st.load.nomonth": {"; bulan ini belum ada yang dinilai", "; nothing to rate this month yet"},
	"st.load.more":    {"… dan %d perangkat daerah lainnya (lengkap di /rekap).", "… and %d more agencies (all of them in /rekap)."},
}

func init() {
	for k, v := range documentsTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
