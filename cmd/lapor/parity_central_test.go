package main

// centralTranscript: a matter for the central government is forwarded, not
// bounced. The citizen files it anonymously; the super admin declares it
// Kewenangan pusat; the regency desk gets the LAPOR! packet with the
// anonymity the citizen chose, records the national number by the button;
// the citizen is told each step when it happened and finds the report by
// the national number.
func centralTranscript() []step {
	c := pCitizen
	return []step{
		{chat: c, person: c, say: "/start", want: "Selamat datang"},
		{chat: c, person: c, press: "📝 Buat laporan", want: "Jenis laporan"},
		{chat: c, person: c, press: "Pengaduan", want: "Uraian"},
		{chat: c, person: c, say: "Sinyal telepon seluler di Desa Sidomukti hilang sejak menara operator roboh bulan lalu.", want: "Dicatat"},
		{chat: c, person: c, press: "Lanjut ➡️", want: "Kapan kejadiannya"},
		{chat: c, person: c, press: "Kemarin", want: "Di mana"},
		{chat: c, person: c, say: "Desa Sidomukti, Plaosan", want: "pilih kecamatan lain"},
		{chat: c, person: c, press: "✅ Plaosan", want: "Bukti"},
		{chat: c, person: c, press: "Lewati", want: "Sembunyikan identitas"},
		{chat: c, person: c, press: "Ya", want: "Rahasiakan"},
		{chat: c, person: c, press: "Tidak", want: "Ringkasan"},
		{chat: c, person: c, press: "📨 Kirim", want: "Nomor laporan", capture: "central"},
		// The card first: pressing before it arrives would press the
		// first report's (stale) button.
		{chat: gpSuper, person: pSuper, want: "📋 {central}"},
		{chat: gpSuper, person: pSuper, press: "🏛 Kewenangan pusat", want: "✅ {central}"},
		{chat: c, person: c, want: "kewenangan pemerintah pusat"},
		{chat: gpRegcy, person: pRegency, want: "PAKET LAPOR! untuk laporan {central}"},
		{chat: gpRegcy, person: pRegency, press: "🔢 Catat nomor LAPOR!", want: "Balas pesan ini dengan nomor LAPOR! nasional laporan {central}"},
		{chat: gpRegcy, person: pRegency, say: "4419827", want: "Nomor LAPOR! nasional 4419827 dicatat untuk {central}"},
		{chat: c, person: c, want: "sudah masuk di LAPOR! nasional dengan nomor 4419827"},
		{chat: c, person: c, say: "/status 4419827", want: "Diteruskan ke LAPOR! nasional"},
	}
}
