package main

// pNewcomer has never written to the bot before their complaint.
const pNewcomer = 15

// firstMessageTranscript: a newcomer's very first message is the whole
// complaint; it becomes the report's description after one confirmation,
// and the report is filed without the citizen typing it again.
func firstMessageTranscript() []step {
	c := pNewcomer
	const complaint = "Lampu penerangan jalan di depan Pasar Sayur Magetan mati sejak dua minggu, jalan gelap dan rawan kecelakaan pada malam hari."
	return []step{
		{chat: c, person: c, say: complaint, want: "laporan baru dengan isi berikut"},
		{chat: c, person: c, press: "📝 Ya, buat laporan", want: "Jenis laporan"},
		{chat: c, person: c, press: "Pengaduan", want: "Dicatat"},
		{chat: c, person: c, press: "Lanjut ➡️", want: "Kapan kejadiannya"},
		{chat: c, person: c, press: "Kemarin", want: "Di mana"},
		{chat: c, person: c, say: "Jl. Pahlawan, depan Pasar Sayur, Magetan", want: "pilih kecamatan lain"},
		{chat: c, person: c, press: "✅ Magetan", want: "Bukti"},
		{chat: c, person: c, press: "Selesai ✅", want: "Sembunyikan identitas"},
		{chat: c, person: c, press: "Ya", want: "Rahasiakan"},
		{chat: c, person: c, press: "Ya", want: "Lampu penerangan jalan di depan Pasar Sayur Magetan mati sejak dua minggu"},
		{chat: c, person: c, press: "📨 Kirim", want: "Nomor laporan", capture: "first"},
		{chat: c, person: c, say: "/status {first}", want: "{first}"},
	}
}
