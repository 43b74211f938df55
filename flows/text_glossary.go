package flows

// Texts of the keys the outputs render as words (glossarywords.go) and of a
// file sent as the first message (firstfile.go). Merged into texts at
// start-up.
var glossaryTexts = map[string][2]string{
	"gl.channel.telegram":     {"Telegram", "Telegram"},
	"gl.channel.whatsapp":     {"WhatsApp", "WhatsApp"},
	"gl.channel.web":          {"Obrolan web", "Web chat"},
	"gl.channel.conventional": {"Datang langsung (loket)", "Walk-in (counter)"},

	"gl.reason.noreply":  {"tidak ada balasan pelapor dalam batas waktu; tanggapan dianggap diterima", "no reply from the reporter in time; the answer is considered accepted"},
	"gl.reason.noanswer": {"keterangan yang diminta tidak diberikan", "the requested details never came"},

	// A file sent as the first message (firstfile.go).
	"first.file.confirm": {"Terima kasih, lampiran %[1]s (%[2]s) sudah kami terima (%[3]d lampiran).\nApakah Anda ingin menyampaikan laporan baru dengan lampiran ini sebagai bukti?\n\nTekan “Ya, buat laporan” untuk melanjutkan: lampiran ini langsung menjadi bukti laporan Anda, lalu kami tanyakan apa yang terjadi. Bila bukan untuk laporan, tekan Tidak.",
		"Thank you, we received the attachment %[1]s (%[2]s) (%[3]d attachments).\nDo you want to send a new report with it as evidence?\n\nPress “Yes, make a report” to go on: the attachment becomes your report's evidence, and then we ask what happened. If it is not for a report, press No."},
	"first.file.dropped": {"Baik, kiriman tadi tidak kami jadikan laporan dan tidak kami teruskan kepada siapa pun. Pilih menu di bawah bila ada yang dapat kami bantu.",
		"All right, we did not make a report of what you sent, and it goes to no one. Choose from the menu below if we can help."},
}

func init() {
	for k, v := range glossaryTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
