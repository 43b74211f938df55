package flows

// Texts of the information request's path (flows/ppid.go): what the PPID,
// its superior and the requester read. Merged into texts at start-up.
var ppidTexts = map[string][2]string{
	"stage.at_ppid":       {"Di PPID (permintaan informasi)", "With the PPID (information request)"},
	"stage.info_answered": {"Jawaban PPID sudah dikirim kepada pemohon", "The PPID's answer was sent to the requester"},
	"stage.objection":     {"Keberatan sedang diperiksa Atasan PPID", "The objection is with the PPID's superior"},
	"unit.ppid":           {"PPID (Pejabat Pengelola Informasi dan Dokumentasi)", "The PPID (information officer)"},
	"unit.ppid_superior":  {"Atasan PPID", "The PPID's superior"},
	"role.ppid":           {"PPID", "PPID"},
	"role.ppid_superior":  {"Atasan PPID", "PPID's superior"},

	"event.extend":            {"PPID memperpanjang waktu menjawab", "The PPID extended its time to answer"},
	"event.info_answer":       {"PPID menjawab permintaan informasi", "The PPID answered the information request"},
	"event.info_refuse":       {"PPID menolak permintaan informasi (informasi dikecualikan)", "The PPID refused the request (exempt information)"},
	"event.not_info":          {"PPID: bukan permintaan informasi, diteruskan sebagai pengaduan", "PPID: not an information request, passed on as a complaint"},
	"event.object":            {"Pemohon mengajukan keberatan", "The requester lodged an objection"},
	"event.objection_answer":  {"Atasan PPID menanggapi keberatan", "The PPID's superior answered the objection"},
	"event.ppid_overdue":      {"Batas waktu PPID lewat tanpa jawaban", "The PPID's deadline passed without an answer"},
	"event.objection_overdue": {"Batas waktu Atasan PPID lewat tanpa tanggapan", "The superior's deadline passed without an answer"},

	"live.state.extend":            {"⏳ Waktu menjawab diperpanjang", "⏳ Time to answer extended"},
	"live.state.info_answer":       {"📨 Dijawab PPID", "📨 Answered by the PPID"},
	"live.state.info_refuse":       {"⛔ Ditolak PPID (informasi dikecualikan)", "⛔ Refused by the PPID (exempt information)"},
	"live.state.not_info":          {"↩️ Diteruskan sebagai pengaduan", "↩️ Passed on as a complaint"},
	"live.state.object":            {"⚖️ Pemohon mengajukan keberatan", "⚖️ The requester objected"},
	"live.state.objection_answer":  {"🏁 Keberatan ditanggapi Atasan PPID", "🏁 Objection answered by the PPID's superior"},
	"live.state.ppid_overdue":      {"🔴 Batas waktu PPID lewat", "🔴 The PPID's deadline passed"},
	"live.state.objection_overdue": {"🔴 Batas waktu Atasan PPID lewat", "🔴 The superior's deadline passed"},

	// Desk buttons and prompts.
	"b.info_answer":      {"✍️ Jawab", "✍️ Answer"},
	"b.info_refuse":      {"⛔ Tolak (dikecualikan)", "⛔ Refuse (exempt)"},
	"b.extend":           {"⏳ Perpanjang", "⏳ Extend"},
	"b.not_info":         {"↩️ Bukan permintaan informasi", "↩️ Not an information request"},
	"b.objection_answer": {"⚖️ Tanggapi keberatan", "⚖️ Answer the objection"},
	"ppid.ask.info_answer": {"%s — balas pesan ini dengan jawaban untuk pemohon: informasi yang diminta, atau di mana dan bagaimana memperolehnya (atau ketik /batal).",
		"%s — reply to this message with the answer for the requester: the information, or where and how to get it (or type /batal)."},
	"ppid.ask.info_refuse": {"%s — balas pesan ini dengan alasan penolakan: informasi yang dikecualikan dan dasarnya (pasal 17 UU 14/2008) (atau ketik /batal).",
		"%s — reply to this message with the reason for refusing: the exempt information and its ground (article 17 of Law 14/2008) (or type /batal)."},
	"ppid.ask.extend": {"%s — Perpanjang: balas pesan ini dengan alasan perpanjangan. Pemohon menerima alasan ini (atau ketik /batal).",
		"%s — Extend: reply to this message with the reason for the extension. The requester receives it (or type /batal)."},
	"ppid.ask.not_info": {"%s — balas pesan ini dengan alasan mengapa ini bukan permintaan informasi; laporan diteruskan ke Super Admin sebagai pengaduan (atau ketik /batal).",
		"%s — reply to this message with why this is not an information request; it goes to the super admin as a complaint (or type /batal)."},
	"ppid.ask.objection_answer": {"%s — balas pesan ini dengan tanggapan tertulis atas keberatan pemohon (atau ketik /batal).",
		"%s — reply to this message with the written answer to the requester's objection (or type /batal)."},
	"ppid.extend.once": {"Waktu menjawab %s sudah diperpanjang pada %s. Perpanjangan hanya boleh satu kali.",
		"The time to answer %s was already extended on %s. It may be extended only once."},
	"ppid.extend.late": {"Batas waktu %s (%s) sudah lewat. Perpanjangan harus diberitahukan kepada pemohon sebelum batas waktu berakhir.",
		"The deadline of %s (%s) has passed. An extension must be given to the requester before the deadline."},
	"ppid.object.early": {"Keberatan atas %s dapat diajukan setelah PPID menjawab, atau setelah batas waktunya (%s) lewat.",
		"An objection to %s can be lodged once the PPID answers, or once its deadline (%s) has passed."},
	"ppid.object.late": {"Batas waktu mengajukan keberatan atas %s sudah berakhir pada %s.",
		"The time to object regarding %s ended on %s."},
	"ppid.card.answered":  {"Jawaban PPID:\n%s", "The PPID's answer:\n%s"},
	"ppid.card.refused":   {"PPID menolak permintaan ini. Alasannya:\n%s", "The PPID refused this request. Its reason:\n%s"},
	"ppid.card.silent":    {"PPID tidak menjawab sampai batas waktunya.", "The PPID did not answer by its deadline."},
	"ppid.card.objection": {"Alasan keberatan pemohon:\n%s", "The requester's reason for objecting:\n%s"},
	"ppid.desk.decided":   {"Atasan PPID sudah menanggapi keberatan atas %s:\n\n%s", "The PPID's superior answered the objection to %s:\n\n%s"},
	"sla.ppid": {"• Permintaan informasi (UU 14/2008): PPID dapat memperpanjang batas waktunya satu kali, %d hari kerja; pemohon dapat mengajukan keberatan kepada Atasan PPID dalam %d hari kerja setelah jawaban; setelah tanggapan Atasan PPID, sengketa ke Komisi Informasi dalam %d hari kerja",
		"• Information requests (Law 14/2008): the PPID may extend its deadline once, by %d working days; the requester may object to the PPID's superior within %d working days of the answer; after the superior's answer, a dispute goes to the Information Commission within %d working days"},

	// The requester's side.
	"submitted.ppid": {
		"Terima kasih. Permintaan informasi Anda sudah kami terima.\n\nNomor laporan: %s\nSimpan nomor ini untuk memantau permintaan Anda (/status %s).\n\nSelanjutnya: PPID (Pejabat Pengelola Informasi dan Dokumentasi) Pemerintah %s menjawab paling lambat %s (%d hari kerja), sesuai UU 14/2008 tentang Keterbukaan Informasi Publik. Setiap perkembangan akan kami kabarkan di chat ini.",
		"Thank you. We have received your information request.\n\nReport number: %s\nKeep this number to follow your request (/status %s).\n\nNext: the information officer (PPID) of the %s government answers by %s (%d working days), under Law 14/2008 on public information. We will tell you about every step in this chat."},
	"b.object": {"⚖️ Ajukan keberatan", "⚖️ Lodge an objection"},
	"n.extend": {"PPID memperpanjang waktu untuk menjawab permintaan informasi %s sampai %s. Perpanjangan ini hanya boleh satu kali.\n\nAlasan: %s",
		"The PPID extended its time to answer information request %s until %s. This extension can be given only once.\n\nReason: %s"},
	"n.info_answer": {"Jawaban PPID atas permintaan informasi %s:\n\n%s\n\nBila informasi ini sudah sesuai, tekan Terima. Bila tidak, Anda berhak mengajukan keberatan kepada Atasan PPID sampai %s: tekan Ajukan keberatan dan tuliskan alasannya. Tanpa keberatan sampai tanggal itu, permintaan ini dinyatakan selesai.",
		"The PPID's answer to information request %s:\n\n%s\n\nIf this is what you asked for, press Accept. If not, you may object to the PPID's superior until %s: press Lodge an objection and write why. Without an objection by then, the request is finished."},
	"n.info_refuse": {"PPID menolak permintaan informasi %s.\n\nAlasan: %s\n\nAnda berhak mengajukan keberatan kepada Atasan PPID sampai %s: tekan Ajukan keberatan dan tuliskan alasannya. Tanpa keberatan sampai tanggal itu, permintaan ini dinyatakan selesai.",
		"The PPID refused information request %s.\n\nReason: %s\n\nYou may object to the PPID's superior until %s: press Lodge an objection and write why. Without an objection by then, the request is finished."},
	"n.not_info": {"PPID menilai laporan %s bukan permintaan informasi publik, sehingga laporan ini kami teruskan sebagai pengaduan kepada Admin LAPOR! SP4N.\n\nAlasan: %s\n\nAdmin memverifikasinya paling lambat %s.",
		"The PPID found that report %s is not a request for public information, so we passed it on as a complaint to the LAPOR! SP4N admin.\n\nReason: %s\n\nThe admin verifies it by %s."},
	"wf.object.ask": {"Mohon tuliskan alasan keberatan Anda atas permintaan informasi %s, misalnya: informasi tidak diberikan, tidak sesuai dengan yang diminta, atau ditolak dengan alasan yang tidak Anda terima.",
		"Please write why you object regarding information request %s, for example: the information was not given, is not what you asked for, or was refused for a reason you do not accept."},
	"n.object": {"Keberatan Anda atas permintaan informasi %s sudah kami teruskan kepada Atasan PPID. Atasan PPID memberi tanggapan tertulis paling lambat %s.",
		"Your objection regarding information request %s was passed to the PPID's superior, who answers in writing by %s."},
	"n.object.recorded": {"Keberatan Anda atas permintaan informasi %s sudah kami catat untuk Atasan PPID, yang memberi tanggapan tertulis paling lambat %s. Perkembangannya akan kami kabarkan di chat ini.",
		"Your objection regarding information request %s is recorded for the PPID's superior, who answers in writing by %s. We will tell you how it goes in this chat."},
	"n.objection_answer": {"Tanggapan Atasan PPID atas keberatan Anda (permintaan informasi %s):\n\n%s\n\nPermintaan ini kami nyatakan selesai. Bila Anda belum puas, Anda dapat mengajukan permohonan penyelesaian sengketa informasi kepada Komisi Informasi dalam %d hari kerja setelah tanggapan ini (sampai %s). Permohonan itu Anda ajukan sendiri ke Komisi Informasi; layanan ini tidak mengirimkannya.",
		"The answer of the PPID's superior to your objection (information request %s):\n\n%s\n\nThis request is now finished. If you are still not satisfied, you may apply to the Information Commission (Komisi Informasi) to settle the dispute within %d working days of this answer (until %s). You apply to the Commission yourself; this service does not send it."},
	"n.ppid.overdue": {"Batas waktu PPID untuk menjawab permintaan informasi %s (%s) sudah lewat tanpa jawaban. Anda berhak mengajukan keberatan kepada Atasan PPID: tekan Ajukan keberatan dan tuliskan alasannya. Bila PPID menjawab lebih dulu, jawabannya tetap kami kirimkan.",
		"The PPID's deadline to answer information request %s (%s) has passed without an answer. You may object to the PPID's superior: press Lodge an objection and write why. If the PPID answers first, we will still send you its answer."},
	"n.objection.overdue": {"Batas waktu Atasan PPID untuk menanggapi keberatan Anda (permintaan informasi %s, %s) sudah lewat tanpa tanggapan. Anda dapat mengajukan permohonan penyelesaian sengketa informasi kepada Komisi Informasi dalam %d hari kerja. Permohonan itu Anda ajukan sendiri; layanan ini tidak mengirimkannya. Bila Atasan PPID menanggapi, tanggapannya tetap kami kirimkan.",
		"The deadline for the PPID's superior to answer your objection (information request %s, %s) has passed without an answer. You may apply to the Information Commission (Komisi Informasi) within %d working days. You apply yourself; this service does not send it. If the superior answers, we will still send you the answer."},
	"n.info.autoclose": {"Permintaan informasi %s kami nyatakan selesai karena tidak ada keberatan dalam %d hari kerja setelah jawaban PPID.",
		"Information request %s is finished: no objection came within %d working days of the PPID's answer."},
}

func init() {
	for k, v := range ppidTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
