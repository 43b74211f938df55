package hardcopy

import "strings"

// words are the fixed texts of the printouts: [Indonesian, English].
var words = map[string][2]string{
	// Both documents.
	"printed":   {"Dicetak %s", "Printed %s"},
	"printedBy": {"Dicetak %s oleh %s", "Printed %s by %s"},
	"nip":       {"NIP.", "NIP"},
	"page":      {"Halaman %d dari ", "Page %d of "},
	"yes":       {"Ya", "Yes"},
	"no":        {"Tidak", "No"},
	"none":      {"Belum ada data.", "No data yet."},
	"unknown":   {"Belum ditentukan", "Not yet assigned"},

	// Packet (a report as lapor.go.id's complaint form asks for it).
	"title.packet": {"Paket LAPOR! Nasional", "National LAPOR! Packet"},
	"packet.hint":  {"Isian formulir pengaduan lapor.go.id, sesuai urutan formulir.", "The fields of lapor.go.id's complaint form, in the form's order."},

	// Report.
	"title.report":    {"Rincian Laporan", "Report Details"},
	"sec.report":      {"Data laporan", "Report"},
	"sec.reporter":    {"Pelapor", "Reporter"},
	"sec.description": {"Uraian laporan", "Description"},
	"sec.timeline":    {"Riwayat penanganan", "Timeline"},
	"sec.deadlines":   {"Batas waktu per tahap", "Stage deadlines"},
	"sec.attachments": {"Lampiran", "Attachments"},

	"f.tracking":     {"Nomor laporan", "Report number"},
	"f.lapor":        {"Nomor LAPOR! nasional", "National LAPOR! number"},
	"f.type":         {"Jenis laporan", "Type"},
	"f.stage":        {"Tahap", "Stage"},
	"f.status":       {"Status", "Status"},
	"f.agency":       {"Perangkat daerah", "Agency"},
	"f.submitted":    {"Diajukan", "Submitted"},
	"f.updated":      {"Terakhir diperbarui", "Last updated"},
	"f.deadline":     {"Batas waktu tahap", "Deadline of this stage"},
	"f.occurred":     {"Waktu kejadian", "When it happened"},
	"f.address":      {"Alamat / lokasi", "Address / place"},
	"f.kecamatan":    {"Kecamatan", "Kecamatan (district)"},
	"f.coords":       {"Koordinat", "Coordinates"},
	"f.anonymous":    {"Anonim", "Anonymous"},
	"f.confidential": {"Rahasia", "Confidential"},
	"f.channel":      {"Kanal", "Channel"},
	"f.round":        {"Putaran", "Round"},
	"f.closed":       {"Alasan berakhir", "Why it ended"},
	"f.rating":       {"Penilaian pelapor", "Reporter's rating"},
	"f.comment":      {"Komentar penilaian", "Rating comment"},

	"status.open":     {"Terbuka", "Open"},
	"status.closed":   {"Selesai", "Finished"},
	"status.archived": {"Diarsipkan", "Archived"},
	"rating.none":     {"Belum dinilai", "Not rated"},
	"rating.of":       {"%d dari 5", "%d of 5"},

	"r.name":          {"Nama", "Name"},
	"r.username":      {"Akun", "Handle"},
	"r.contact":       {"Kontak", "Contact"},
	"r.channel":       {"Kanal", "Channel"},
	"r.chat":          {"ID percakapan", "Chat ID"},
	"reporter.anon":   {"Pelapor: Anonim", "Reporter: Anonymous"},
	"reporter.hidden": {"Pelapor: tidak ditampilkan", "Reporter: not shown"},

	"desc.none": {"(tanpa uraian)", "(no description)"},

	"tl.when":  {"Waktu", "When"},
	"tl.actor": {"Pelaku", "By"},
	"tl.what":  {"Kejadian", "Event"},
	"tl.note":  {"Catatan", "Note"},
	"tl.move":  {"dari %s ke %s", "from %s to %s"},
	"tl.to":    {"ke %s", "to %s"},
	"tl.none":  {"Belum ada riwayat.", "No events yet."},

	"st.stage":       {"Tahap", "Stage"},
	"st.entered":     {"Masuk", "Entered"},
	"st.deadline":    {"Batas waktu", "Deadline"},
	"st.left":        {"Keluar", "Left"},
	"st.days":        {"Hari kerja", "Working days"},
	"st.status":      {"Status", "Status"},
	"st.none":        {"Tidak ada batas waktu.", "No deadlines."},
	"status.met":     {"Tepat waktu", "On time"},
	"status.missed":  {"Terlambat", "Late"},
	"status.running": {"Berjalan", "Running"},

	"att.name":  {"Nama berkas", "File name"},
	"att.type":  {"Jenis", "Type"},
	"att.size":  {"Ukuran", "Size"},
	"att.none":  {"Tidak ada lampiran.", "No attachments."},
	"att.other": {"Berkas lain", "Other files"},
	"att.withheld": {"tidak disertakan: laporan anonim, hanya foto yang diteruskan",
		"not included: the report is anonymous, only photos are passed on"},
	"att.toolarge": {"%s: gambar terlalu besar untuk dicetak; berkas aslinya tetap tersimpan.",
		"%s: image too large to print; the original file is kept."},

	"kind.photo":    {"Foto", "Photo"},
	"kind.document": {"Dokumen", "Document"},
	"kind.video":    {"Video", "Video"},
	"kind.voice":    {"Pesan suara", "Voice note"},
	"kind.audio":    {"Audio", "Audio"},

	"channel.telegram":     {"Telegram", "Telegram"},
	"channel.whatsapp":     {"WhatsApp", "WhatsApp"},
	"channel.web":          {"Obrolan web", "Web chat"},
	"channel.conventional": {"Datang langsung (loket)", "Walk-in (counter)"},

	// Recap.
	"title.recap":   {"Rekap Bulanan Laporan", "Monthly Report Recap"},
	"rc.period":     {"Periode", "Period"},
	"rc.range":      {"%s s.d. %s", "%s to %s"},
	"rc.generated":  {"Dihitung pada", "Computed at"},
	"rc.total":      {"Laporan masuk", "Reports submitted"},
	"rc.open":       {"Masih terbuka", "Still open"},
	"rc.closed":     {"Berakhir (selesai atau diarsipkan)", "Ended (finished or archived)"},
	"sec.summary":   {"Ringkasan", "Summary"},
	"sec.type":      {"Laporan menurut jenis", "Reports by type"},
	"sec.stage":     {"Laporan menurut tahap saat ini", "Reports by current stage"},
	"sec.agency":    {"Laporan menurut perangkat daerah", "Reports by agency"},
	"sec.kecamatan": {"Laporan menurut kecamatan", "Reports by kecamatan"},
	"sec.compStage": {"Kepatuhan batas waktu per tahap", "Deadline compliance by stage"},
	"sec.compAgcy":  {"Kepatuhan batas waktu per perangkat daerah (tindak lanjut perangkat daerah)", "Deadline compliance by agency (agency follow-up)"},
	"sec.median":    {"Median hari kerja per tahap", "Median working days by stage"},
	"sec.oldest":    {"Laporan terbuka tertua", "Oldest open reports"},
	"chart.top":     {"%s — %d teratas", "%s — top %d"},
	"chart.worst":   {"%s — %d terendah", "%s — lowest %d"},

	"c.no":        {"No.", "No."},
	"c.type":      {"Jenis", "Type"},
	"c.stage":     {"Tahap", "Stage"},
	"c.agency":    {"Perangkat daerah", "Agency"},
	"c.kecamatan": {"Kecamatan", "Kecamatan"},
	"c.count":     {"Jumlah", "Count"},
	"c.share":     {"Persentase", "Share"},
	"c.met":       {"Tepat waktu", "On time"},
	"c.missed":    {"Terlambat", "Late"},
	"c.running":   {"Berjalan", "Running"},
	"c.rate":      {"Kepatuhan", "Compliance"},
	"c.median":    {"Median hari kerja", "Median working days"},
	"c.stays":     {"Jumlah tinggal", "Stays"},
	"c.tracking":  {"Nomor laporan", "Report number"},
	"c.submitted": {"Diajukan", "Submitted"},
	"c.age":       {"Hari kerja", "Working days"},
	"rate.note": {"Kepatuhan = tepat waktu ÷ (tepat waktu + terlambat); yang masih berjalan dan belum lewat batas waktu tidak dihitung.",
		"Compliance = on time ÷ (on time + late); stays still running and not yet late are not counted."},
}

// english reports whether lang asks for English ("en", "en-US", …);
// anything else is Indonesian.
func english(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en")
}

// t is a fixed text in the document's language; a missing key prints as
// itself, so a typo shows on paper instead of as a blank.
func (d *doc) t(key string) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	if d.en {
		return w[1]
	}
	return w[0]
}
