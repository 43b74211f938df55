package flows

// Texts of the reporter's view of their report (citizenwords.go). Merged
// into texts at start-up.
var citizenWordsTexts = map[string][2]string{
	"cw.holder.check":    {"Tim LAPOR! SP4N Kabupaten (memeriksa laporan Anda)", "The regency's LAPOR! SP4N team (checking your report)"},
	"cw.holder.route":    {"Tim LAPOR! SP4N Kabupaten (meneruskan ke perangkat daerah yang berwenang)", "The regency's LAPOR! SP4N team (passing it to the responsible agency)"},
	"cw.holder.review":   {"Tim LAPOR! SP4N Kabupaten (memeriksa tanggapan %s)", "The regency's LAPOR! SP4N team (checking the answer of %s)"},
	"cw.holder.you":      {"Anda (kami menunggu balasan Anda)", "You (we are waiting for your reply)"},
	"cw.holder.tolapor":  {"Tim LAPOR! SP4N Kabupaten (memasukkan laporan ke LAPOR! nasional)", "The regency's LAPOR! SP4N team (entering it in the national LAPOR!)"},
	"cw.holder.inlapor":  {"LAPOR! nasional (lapor.go.id)", "The national LAPOR! (lapor.go.id)"},
	"cw.holder.ppid":     {"Pejabat Pengelola Informasi dan Dokumentasi (PPID) Kabupaten", "The regency's information officer (PPID)"},
	"cw.holder.superior": {"Atasan PPID (memeriksa keberatan Anda)", "The PPID's superior (considering your objection)"},

	"cw.dispose":        {"Diteruskan ke %s", "Passed to %s"},
	"cw.not_ours":       {"%s menyatakan laporan ini bukan kewenangannya; laporan diteruskan ke perangkat daerah lain", "%s said this report is not theirs to handle; it goes to another agency"},
	"cw.submit":         {"%s mengirim tanggapan; tanggapan sedang diperiksa", "%s sent its answer; the answer is being checked"},
	"cw.first_response": {"%s menulis respon awal", "%s wrote its first response"},
	"cw.progress":       {"%s menulis kabar tindak lanjut", "%s wrote a progress update"},
}

func init() {
	for k, v := range citizenWordsTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
