package flows

// Texts of a report handled by more than one agency (multiagency.go).
// Merged into texts at start-up.
var multiAgencyTexts = map[string][2]string{
	"ma.and":           {" serta ", " and "},
	"ma.already":       {"Laporan %s sudah ditangani perangkat daerah %s.", "Report %s is already with agency %s."},
	"ma.toomany":       {"Satu laporan dapat diteruskan ke paling banyak %d perangkat daerah.", "One report can go to at most %d agencies."},
	"ma.addone":        {"Laporan ini sudah di perangkat daerah: tambahkan satu perangkat daerah setiap kali.", "This report is with the agencies already: add one agency at a time."},
	"ma.b.add":         {"➕ Tambah perangkat daerah", "➕ Add an agency"},
	"ma.choose":        {"Laporan %s kini ditangani %s. Perangkat daerah mana yang perlu ikut menangani? Pilih di bawah, atau ketik /disposisi %s <kode perangkat daerah> (daftar: /opd).", "Report %s is now with %s. Which agency should take part as well? Choose below, or type /disposisi %s <agency code> (list: /opd)."},
	"ma.card.agencies": {"🏢 Ditangani bersama: %s", "🏢 Handled together by %s"},
	"ma.card.working":  {"⏳ Masih dikerjakan: %s", "⏳ Still working: %s"},
	"ma.card.sent":     {"✅ Sudah menanggapi: %s", "✅ Answered: %s"},
	"ma.card.added":    {"Laporan ini ditangani bersama oleh %s. Tuliskan bagian tanggapan perangkat daerah Anda; tanggapan dikirim kepada pelapor setelah semua perangkat daerah menanggapi.", "This report is handled together by %s. Write your agency's part of the answer; the answer goes to the reporter once every agency has answered."},
	"ma.part":          {"Tanggapan %s:\n%s", "Answer of %s:\n%s"},
	"ma.review.hint":   {"Untuk meminta perbaikan dari satu perangkat daerah saja, awali alasannya dengan kode perangkat daerah itu, misalnya: dlh foto saluran belum ada.", "To send the answer back to one agency only, start the reason with that agency's code, e.g.: dlh the photo of the drain is missing."},

	"ma.n.dispose":      {"Laporan %s sudah diteruskan ke %s. Setiap perangkat daerah menanggapi bagiannya paling lambat %s; tanggapannya kami kirimkan kepada Anda sekaligus setelah semuanya menanggapi.", "Report %s was forwarded to %s. Each agency answers its part by %s; we send you their answers together once all have answered."},
	"ma.n.add":          {"Laporan %s juga diteruskan ke %s, sehingga kini ditangani bersama oleh %s. Tanggapannya paling lambat %s, dan kami kirimkan kepada Anda sekaligus setelah semuanya menanggapi.", "Report %s was also forwarded to %s, so it is now handled together by %s. They answer by %s, and we send you their answers together once all have answered."},
	"ma.n.dispose.each": {"Laporan %s sudah diteruskan ke %s. Setiap perangkat daerah menanggapi bagiannya paling lambat %s; tanggapan tiap perangkat daerah kami kirimkan kepada Anda setelah diperiksa, lalu tanggapan lengkapnya setelah semuanya menanggapi.", "Report %s was forwarded to %s. Each agency answers its part by %s; we send you each agency's answer once checked, then the whole answer once all have answered."},
	"ma.n.add.each":     {"Laporan %s juga diteruskan ke %s, sehingga kini ditangani bersama oleh %s, paling lambat %s. Tanggapan tiap perangkat daerah kami kirimkan kepada Anda setelah diperiksa, lalu tanggapan lengkapnya setelah semuanya menanggapi.", "Report %s was also forwarded to %s, so it is now handled together by %s, by %s. We send you each agency's answer once checked, then the whole answer once all have answered."},
	"ma.n.submit":       {"Semua perangkat daerah yang menangani laporan %s (%s) sudah menanggapi. Tanggapannya sedang diperiksa Tim LAPOR! SP4N Kabupaten dan dikirim kepada Anda paling lambat %s.", "Every agency handling report %s (%s) has answered. The regency's LAPOR! SP4N team checks the answers and sends them to you by %s."},
	"ma.n.answer":       {"Tanggapan atas laporan %s dari %s:\n\n%s\n\nApakah Anda menerima tanggapan ini? Bila tidak, tekan Tolak dan sebutkan alasannya. Tanpa balasan sampai %s, laporan dianggap selesai.", "The answer to report %s from %s:\n\n%s\n\nDo you accept it? If not, press Reject and tell us why. Without a reply by %s, the report is considered finished."},
	"ma.n.revise":       {"Tanggapan atas laporan %s sedang diperbaiki oleh %s, paling lambat %s.", "The answer to report %s is being improved by %s, by %s."},

	"event.add_agency":        {"Perangkat daerah ditambahkan", "An agency was added"},
	"event.answer_part":       {"Perangkat daerah mengirim bagian tanggapannya", "An agency sent its part of the answer"},
	"live.state.add_agency":   {"➕ %s ditambahkan", "➕ %s added"},
	"live.state.answer_part":  {"📝 Bagian tanggapan %s dikirim", "📝 The part of the answer of %s sent"},
	"cw.add_agency":           {"Juga diteruskan ke %s", "Also passed to %s"},
	"cw.answer_part":          {"%s mengirim tanggapannya; menunggu perangkat daerah lain", "%s sent its answer; waiting for the other agencies"},
	"ma.b.approvepart":        {"✅ Teruskan bagian ini ke pelapor", "✅ Pass this part to the reporter"},
	"ma.part.review":          {"Tanggapan %s atas laporan %s:\n%s\n\nMasih dikerjakan: %s. Bagian ini dapat diteruskan kepada pelapor sekarang; tanggapan lengkap ditinjau setelah semua perangkat daerah menanggapi.", "Answer of %s to report %s:\n%s\n\nStill working: %s. This part can go to the reporter now; the whole answer is reviewed once every agency has answered."},
	"ma.sla.combined":         {"• Laporan yang ditangani beberapa perangkat daerah: setiap perangkat daerah menanggapi bagiannya dalam batas waktu yang sama; pelapor menerima tanggapan sekaligus setelah semuanya menanggapi", "• A report handled by several agencies: each answers its part within the same deadline; the reporter gets the answers together once all have answered"},
	"ma.sla.each":             {"• Laporan yang ditangani beberapa perangkat daerah: setiap perangkat daerah menanggapi bagiannya dalam batas waktu yang sama; tiap bagian dapat diteruskan kepada pelapor setelah diperiksa, lalu tanggapan lengkapnya setelah semuanya menanggapi", "• A report handled by several agencies: each answers its part within the same deadline; each part may go to the reporter once checked, then the whole answer once all have answered"},
	"ma.part.done":            {"✅ %s: bagian tanggapan Anda dikirim. Laporan ini masih menunggu tanggapan %s; setelah semuanya menanggapi, Admin Kabupaten memeriksa seluruhnya.", "✅ %s: your part of the answer was sent. The report still waits for %s; once all have answered, the regency admin reviews the whole answer."},
	"ma.part.notsent":         {"Bagian tanggapan itu untuk laporan %s belum dikirim perangkat daerahnya.", "That part of the answer to report %s was not sent by its agency yet."},
	"ma.part.passed":          {"Bagian tanggapan itu untuk laporan %s sudah diteruskan kepada pelapor.", "That part of the answer to report %s already went to the reporter."},
	"ma.n.part":               {"Tanggapan %[2]s atas laporan %[1]s:\n\n%[3]s\n\n%[4]s masih menangani bagiannya. Setelah semua menanggapi, Anda menerima tanggapan lengkap dan dapat menerima atau menolaknya.", "The answer of %[2]s to report %[1]s:\n\n%[3]s\n\n%[4]s still works on its part. Once all have answered, you get the whole answer and may accept or reject it."},
	"event.approve_part":      {"Bagian tanggapan satu perangkat daerah diteruskan kepada pelapor", "One agency's part of the answer was passed to the reporter"},
	"live.state.approve_part": {"📨 Tanggapan %s diteruskan kepada pelapor", "📨 The answer of %s was passed to the reporter"},
	"cw.approve_part":         {"Tanggapan %s diteruskan kepada Anda", "The answer of %s was passed to you"},
	"ma.status.head":          {"Bagian tiap perangkat daerah:", "Each agency's part:"},
	"ma.status.sent":          {"• %s: sudah menanggapi", "• %s: answered"},
	"ma.status.working":       {"• %s: masih dikerjakan", "• %s: still working"},
}

func init() {
	for k, v := range multiAgencyTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
