package flows

// Texts of the first message typed outside a report (firstmessage.go).
// Merged into texts at start-up.
var firstMessageTexts = map[string][2]string{
	"idle.short": {"Halo! Di sini Anda dapat menyampaikan pengaduan, aspirasi, atau permintaan informasi kepada Pemerintah Kabupaten, dan memantau laporan Anda. Ceritakan langsung apa yang ingin Anda laporkan, kirim nomor laporan Anda, atau pilih menu di bawah.",
		"Hello! Here you can send a complaint, an aspiration or a request for information to the regency government, and follow your reports. Tell us straight away what you want to report, send your report number, or choose from the menu below."},
	"first.confirm": {"Apakah Anda ingin menyampaikan laporan baru dengan isi berikut?\n\n“%s”\n\nTekan “Ya, buat laporan” untuk melanjutkan. Tulisan Anda kami pakai sebagai uraian laporan, dan Anda masih dapat menambahkannya.",
		"Do you want to send a new report with the following text?\n\n“%s”\n\nPress “Yes, make a report” to go on. We use your text as the report's description, and you can still add to it."},
	"first.yes":     {"📝 Ya, buat laporan", "📝 Yes, make a report"},
	"first.no":      {"Tidak", "No"},
	"first.dropped": {"Baik, tulisan tadi tidak kami jadikan laporan. Pilih menu di bawah bila ada yang dapat kami bantu.", "All right, we did not make a report of that text. Choose from the menu below if we can help."},
}

func init() {
	for k, v := range firstMessageTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
