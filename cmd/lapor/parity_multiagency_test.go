package main

// The people of the two-agency report: its citizen (a chat of their own,
// with its own flood limit) and the liaison officer of the second agency,
// Dinas Lingkungan Hidup dan Pangan, with its desk (desksTranscript).
const (
	pCitizen3 = 14
	pDlhp     = 26
	gpDlhp    = -36
)

// multiAgencyTranscript: a report that needs two agencies (a broken road
// and the rubbish that blocks its drain). The regency disposes it to PUPR
// and adds DLHP with the button under its confirmation; each agency sends
// its own part; the report waits for both, the citizen sees each part's
// state in /status, and gets one answer holding both. "{ma}" is its number.
func multiAgencyTranscript(photo []byte) []step {
	c := pCitizen3
	return []step{
		{chat: c, person: c, say: "/start", want: "Selamat datang"},
		{chat: c, person: c, press: "📝 Buat laporan", want: "Jenis laporan"},
		{chat: c, person: c, press: "Pengaduan", want: "Uraian"},
		{chat: c, person: c, say: "Jalan di depan Pasar Plaosan berlubang besar, dan selokan di sampingnya tersumbat tumpukan sampah sehingga jalan tergenang.", want: "Dicatat"},
		{chat: c, person: c, press: "Lanjut ➡️", want: "Kapan kejadiannya"},
		{chat: c, person: c, press: "Kemarin", want: "Di mana"},
		{chat: c, person: c, say: "Jl. Raya Plaosan No. 7", want: "pilih kecamatan lain"},
		{chat: c, person: c, press: "✅ Plaosan", want: "Bukti"},
		{chat: c, person: c, photo: photo, say: "foto jalan dan selokan", want: "Bukti ke-1 diterima"},
		{chat: c, person: c, press: "Selesai ✅", want: "Sembunyikan identitas"},
		{chat: c, person: c, press: "Ya", want: "Rahasiakan"}, // anonymous: neither agency learns who
		{chat: c, person: c, press: "Ya", want: "Ringkasan"},
		{chat: c, person: c, press: "📨 Kirim", want: "Nomor laporan", capture: "ma"},
		{chat: gpSuper, person: pSuper, say: "/verifikasi {ma}", want: "✅ {ma}"},
		{chat: c, person: c, say: "", want: "sudah diverifikasi"},
		// PUPR first; then DLHP with the button under the confirmation.
		{chat: gpRegcy, person: pRegency, say: "/disposisi {ma} pupr", want: "✅ {ma}"},
		{chat: c, person: c, say: "", want: "sudah diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang"},
		{chat: gpRegcy, person: pRegency, press: "➕ Tambah perangkat daerah", want: "Perangkat daerah mana"},
		{chat: gpRegcy, person: pRegency, press: "Dinas Lingkungan Hidup dan Pangan", want: "✅ {ma}"},
		{chat: c, person: c, say: "", want: "juga diteruskan ke Dinas Lingkungan Hidup dan Pangan"},
		{chat: gpDlhp, person: pDlhp, want: "📋 {ma}"},
		// PUPR's part: the report stays with the agencies.
		{chat: gpPupr, person: pPupr, say: "/tanggapi {ma} Lubang jalan sudah ditambal aspal pada 7 Desember.", want: "dicatat"},
		{chat: gpPupr, person: pPupr, say: "/tanggapi {ma} selesai", want: "✅ {ma}"},
		{chat: gpRegcy, person: pRegency, say: "/laporan {ma}", want: "Masih dikerjakan: Dinas Lingkungan Hidup dan Pangan"},
		{chat: c, person: c, say: "/status {ma}", want: "Dinas Lingkungan Hidup dan Pangan: masih dikerjakan"},
		// DLHP's part: the regency reviews both, the citizen hears once.
		{chat: gpDlhp, person: pDlhp, say: "/tanggapi {ma} Sampah di selokan sudah diangkut; jadwal angkut pasar ditambah.", want: "dicatat"},
		{chat: gpDlhp, person: pDlhp, say: "/tanggapi {ma} selesai", want: "✅ {ma}"},
		{chat: gpRegcy, person: pRegency, want: "jadwal angkut pasar ditambah"},
		{chat: c, person: c, say: "", want: "Semua perangkat daerah"},
		{chat: gpRegcy, person: pRegency, say: "/setujui {ma}", want: "✅ {ma}"},
		{chat: c, person: c, say: "", want: "Tanggapan Dinas Lingkungan Hidup dan Pangan:"},
		{chat: c, person: c, press: "👍 Terima", want: "Bagaimana penilaian"},
	}
}
