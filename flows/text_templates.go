package flows

// Texts of canned answers (templat tanggapan): what officers read while
// keeping templates and picking one for a draft answer. Merged into texts
// at start-up.
var templateTexts = map[string][2]string{
	"tpl.ph.nomor":           {"nomor laporan", "report number"},
	"tpl.ph.instansi":        {"nama perangkat daerah", "the agency's name"},
	"tpl.ph.tanggal":         {"tanggal hari ini", "today's date"},
	"tpl.ph.tanggal_laporan": {"tanggal laporan masuk", "the date the report came in"},
	"tpl.ph.batas_waktu":     {"batas waktu tahap ini", "this stage's deadline"},
	"tpl.scope.regency":      {"Templat kabupaten (untuk semua perangkat daerah)", "Regency-wide templates (for every agency)"},

	"tpl.notallowed": {"Templat dikelola oleh pejabat penghubung di grup perangkat daerahnya sendiri, atau oleh admin di grup admin (templat kabupaten).",
		"Templates are kept by a liaison officer in their own agency's group, or by the admins in an admin group (regency-wide templates)."},
	"tpl.usage.add": {"Cara menambah templat: /templat tambah <judul> | <isi>\nContoh: /templat tambah Jalan diperbaiki | Laporan {nomor} sudah ditindaklanjuti oleh {instansi} pada {tanggal}.",
		"To add a template: /templat tambah <title> | <text>\nExample: /templat tambah Road repaired | Report {nomor} was followed up by {instansi} on {tanggal}."},
	"tpl.title.bad": {"Judul templat harus 1–%d karakter dalam satu baris, tanpa kurung kurawal, dan tidak boleh hanya angka.",
		"A template's title must be 1–%d characters on one line, without braces, and not only digits."},
	"tpl.body.long": {"Isi templat terlalu panjang (%d karakter). Paling banyak %d karakter.",
		"The template's text is too long (%d characters). At most %d characters."},
	"tpl.placeholder.unknown": {"Penanda %s tidak dikenal. Penanda yang dapat dipakai: %s.",
		"Unknown placeholder %s. Placeholders you can use: %s."},
	"tpl.placeholder.brace": {"Kurung kurawal di «%s» tidak membentuk penanda. Kurung kurawal hanya dipakai untuk penanda, satu pasang di sekeliling namanya, misalnya {nomor}. Penanda yang dapat dipakai: %s.",
		"The brace in “%s” makes no placeholder. Braces are only for placeholders, one pair around the name, e.g. {nomor}. Placeholders you can use: %s."},
	"tpl.dup": {"Sudah ada templat berjudul «%s». Pakai judul lain, atau hapus yang lama dulu.",
		"There is already a template called “%s”. Use another title, or delete the old one first."},
	"tpl.full": {"Sudah ada %d templat. Hapus yang tidak dipakai lagi sebelum menambah yang baru.",
		"There are already %d templates. Delete ones no longer used before adding a new one."},
	"tpl.added":   {"Templat #%d «%s» disimpan untuk %s.", "Template #%d “%s” saved for %s."},
	"tpl.deleted": {"Templat #%d «%s» dihapus.", "Template #%d “%s” deleted."},
	"tpl.notfound": {"Templat %s tidak ditemukan di antara templat yang dapat Anda pakai. Lihat /templat daftar.",
		"Template %s is not among the templates you can use. See /templat daftar."},
	"tpl.notyours": {"Templat #%d adalah templat kabupaten; hanya admin yang dapat menghapusnya.",
		"Template #%d is a regency-wide template; only the admins can delete it."},
	"tpl.list.none": {"Belum ada templat. Tambahkan dengan: /templat tambah <judul> | <isi>\nPenanda yang dapat dipakai: %s.",
		"No templates yet. Add one with: /templat tambah <title> | <text>\nPlaceholders you can use: %s."},
	"tpl.list.head": {"Templat tanggapan:", "Answer templates:"},
	"tpl.list.foot": {"Isi lengkap: /templat lihat <nomor>. Memakai templat saat menanggapi: /tanggapi <nomor laporan> templat <nomor templat>, atau tombol Pakai templat.",
		"Full text: /templat lihat <number>. To use one while answering: /tanggapi <report number> templat <template number>, or the Use a template button."},
	"tpl.show": {"Templat #%d «%s» (%s):\n\n%s", "Template #%d “%s” (%s):\n\n%s"},

	"tpl.pick.head": {"Pilih templat untuk tanggapan %s. Isinya menjadi draf yang masih dapat Anda ubah; belum ada yang terkirim.",
		"Pick a template for the answer to %s. Its text becomes a draft you can still change; nothing is sent yet."},
	"tpl.pick.more": {"Templat lainnya: ketik /tanggapi %s templat <nomor templat>.",
		"For the other templates type /tanggapi %s templat <template number>."},
	"tpl.pick.none": {"Belum ada templat untuk tanggapan %s. Tambahkan dengan /templat tambah <judul> | <isi>. Penanda yang dapat dipakai: %s.",
		"There are no templates for the answer to %s yet. Add one with /templat tambah <title> | <text>. Placeholders you can use: %s."},
	"tpl.gone": {"Templat #%d tidak ada lagi (mungkin baru dihapus) atau bukan untuk perangkat daerah ini. Draf tanggapan %s tidak berubah.",
		"Template #%d is gone (perhaps just deleted) or not for this agency. The draft answer to %s did not change."},
	"tpl.draft.replaced": {" (menggantikan teks draf sebelumnya)", " (replacing the earlier draft text)"},
	"tpl.draft": {"Draf tanggapan %s dari templat #%d «%s»%s:\n\n%s\n\nBelum terkirim. Kirim pesan untuk menambah teks atau berkas, tekan Ganti teks untuk menulis ulang, Batalkan draf untuk membuangnya, atau Kirim tanggapan bila sudah benar.",
		"Draft answer to %s from template #%d “%s”%s:\n\n%s\n\nNot sent yet. Send messages to add text or files, press Rewrite to write it anew, Discard draft to drop it, or Send answer when it is right."},
	"tpl.cleared": {"Teks draf tanggapan %s dikosongkan (berkas yang sudah dilampirkan tetap ada). Tulis teks baru di sini, boleh beberapa pesan, lalu tekan Kirim tanggapan.",
		"The draft answer to %s has no text now (files already attached stay). Write the new text here, in one or more messages, then press Send answer."},
	"tpl.cancelled": {"Teks draf tanggapan %s dibuang; tidak ada yang terkirim. Untuk menanggapi lagi, tekan Tanggapi pada laporan itu atau ketik /tanggapi <nomor laporan>.",
		"The draft answer text for %s was dropped; nothing was sent. To answer again, press Answer on the report or type /tanggapi <report number>."},

	"b.tpl.use":    {"📝 Pakai templat", "📝 Use a template"},
	"b.tpl.clear":  {"✏️ Ganti teks", "✏️ Rewrite"},
	"b.tpl.cancel": {"✖️ Batalkan draf", "✖️ Discard draft"},
}

func init() {
	for k, v := range templateTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
