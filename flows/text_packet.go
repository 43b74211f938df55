package flows

// Texts of the LAPOR! packet (flows/packet.go) and of forwarding a report
// to the national LAPOR!. Merged into texts at start-up.
var packetTexts = map[string][2]string{
	"pk.head": {"PAKET LAPOR! untuk laporan %s\nSalin setiap isian ke formulir pengaduan di lapor.go.id, sesuai urutan berikut.",
		"LAPOR! PACKET for report %s\nCopy each field into the complaint form at lapor.go.id, in this order."},
	"pk.foot": {"Setelah laporan masuk di lapor.go.id, catat nomornya dengan /lapor_id %s <nomor LAPOR!> agar pelapor menerimanya.",
		"Once the report is entered at lapor.go.id, record its number with /lapor_id %s <LAPOR! number> so that the reporter receives it."},
	"pk.f.title":    {"Judul laporan", "Report title"},
	"pk.f.body":     {"Isi laporan", "Report content"},
	"pk.f.date":     {"Tanggal kejadian", "Date of the event"},
	"pk.f.place":    {"Lokasi kejadian", "Location of the event"},
	"pk.f.target":   {"Kategori / perangkat daerah tujuan", "Category / destination agency"},
	"pk.f.files":    {"Lampiran", "Attachments"},
	"pk.f.anon":     {"Anonim", "Anonymous"},
	"pk.f.secret":   {"Rahasia", "Confidential"},
	"pk.f.reporter": {"Identitas pelapor", "Reporter's identity"},
	"pk.yes":        {"Ya", "Yes"},
	"pk.no":         {"Tidak", "No"},
	"pk.coords":     {"Koordinat: %.5f, %.5f", "Coordinates: %.5f, %.5f"},
	"pk.anon": {"Pelapor memilih anonim. Masukkan laporan ini sebagai laporan anonim.",
		"The reporter chose to stay anonymous. Enter this report as an anonymous report."},
	"pk.noidentity": {"Tidak ada identitas yang tercatat.", "No identity was recorded."},
	"pk.suggested":  {"%s (saran sistem; periksa sebelum memilih)", "%s (system suggestion; check before choosing)"},
	"pk.choose":     {"Belum ada saran; pilih perangkat daerah atau lembaga yang berwenang di lapor.go.id.", "No suggestion; choose the responsible body at lapor.go.id."},
	"pk.pdf":        {"Paket LAPOR! laporan %s (PDF).", "LAPOR! packet of report %s (PDF)."},
	"pk.forwarded": {"🏛 Laporan %s dinyatakan kewenangan pusat oleh Super Admin dan diteruskan ke LAPOR! nasional. Mohon masukkan paket berikut di lapor.go.id.",
		"🏛 Report %s was declared a matter for the central government by the super admin and is forwarded to the national LAPOR!. Please enter the packet below at lapor.go.id."},
	"stage.to_lapor":      {"Diteruskan ke LAPOR! nasional: menunggu dicatat di lapor.go.id", "Forwarded to the national LAPOR!: waiting to be entered at lapor.go.id"},
	"stage.in_lapor":      {"Di LAPOR! nasional (diikuti di lapor.go.id)", "In the national LAPOR! (followed at lapor.go.id)"},
	"event.lapor_id":      {"Nomor LAPOR! nasional dicatat", "National LAPOR! number recorded"},
	"live.state.lapor_id": {"🔢 Tercatat di LAPOR! nasional", "🔢 Entered in the national LAPOR!"},
	"b.laporid":           {"🔢 Catat nomor LAPOR!", "🔢 Record the LAPOR! number"},
	"wf.ask.laporid": {"Balas pesan ini dengan nomor LAPOR! nasional laporan %s (nomor yang diberikan lapor.go.id setelah laporan dimasukkan).",
		"Reply to this message with the national LAPOR! number of report %s (the number lapor.go.id gives once the report is entered)."},
	"wf.laporid.bad": {"Nomor LAPOR! untuk %s belum dapat dicatat: tulis nomornya saja, tanpa spasi, paling panjang %d karakter.",
		"The LAPOR! number for %s could not be recorded: type the number only, without spaces, at most %d characters."},
	"pstatus.diteruskan": {"Diteruskan ke LAPOR! nasional", "Forwarded to the national LAPOR!"},
	"pstatus.hint.diteruskan": {"Laporan ini menyangkut kewenangan pemerintah pusat, sehingga diteruskan ke LAPOR! nasional. Setelah tercatat di sana, perkembangannya diikuti di lapor.go.id dengan nomor LAPOR! nasional yang kami kirimkan di chat ini.",
		"This report concerns the central government's authority, so it is forwarded to the national LAPOR!. Once entered there, it is followed at lapor.go.id with the national LAPOR! number we send in this chat."},
	"n.laporid": {"Laporan %s sudah masuk di LAPOR! nasional dengan nomor %s. Anda dapat mengikuti perkembangannya di lapor.go.id dengan nomor tersebut, atau tetap mengirim /status %s di sini.",
		"Report %s has been entered in the national LAPOR! with number %s. You can follow it at lapor.go.id with that number, or keep sending /status %s here."},
}

func init() {
	for k, v := range packetTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
