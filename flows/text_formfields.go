package flows

// Texts of the national form's fields (flows/formfields.go): the title,
// the LAPOR! category, and the reporter's name and contact. Merged into
// texts at start-up.
var formTexts = map[string][2]string{
	// The summary's new lines and buttons.
	"sum.form": {"Judul: %s\nKategori: %s", "Title: %s\nCategory: %s"},
	"sum.identity": {"Nama pelapor: %s\nKontak: %s",
		"Reporter's name: %s\nContact: %s"},
	"sum.nocontact":  {"tidak diberikan (kami menghubungi Anda lewat chat ini)", "not given (we reach you through this chat)"},
	"btn.title":      {"✏️ Ubah judul", "✏️ Change title"},
	"btn.category":   {"🏷 Ubah kategori", "🏷 Change category"},
	"field.title":    {"Judul", "Title"},
	"field.category": {"Kategori", "Category"},
	"category.none":  {"belum ditentukan", "not set"},
	"title.ask": {
		"Ketik judul singkat laporan Anda (paling banyak %d karakter). Judul sekarang: %s",
		"Type a short title for your report (at most %d characters). Current title: %s"},
	"title.toolong": {
		"Judul itu %d karakter; paling banyak %d. Mohon ketik judul yang lebih singkat.",
		"That title has %d characters; at most %d are allowed. Please type a shorter title."},
	"title.tooshort": {
		"Judul terlalu pendek. Ketik beberapa kata yang menggambarkan laporan Anda.",
		"The title is too short. Type a few words that describe your report."},
	"category.ask": {
		"Pilih kategori laporan Anda (sesuai kategori LAPOR!). Kategori sekarang: %s",
		"Choose the category of your report (as LAPOR! names them). Current category: %s"},
	"category.invalid": {
		"Kategori \"%s\" tidak kami kenali. Pilih salah satu tombol di bawah.",
		"We do not know the category \"%s\". Please choose one of the buttons below."},

	// The reporter's name and contact, when they are not anonymous.
	"name.ask": {
		"Boleh kami tahu nama Anda? Nama dicatat pada laporan dan formulir LAPOR!, dapat dibaca petugas yang menangani, dan tidak pernah ditampilkan kepada publik.\n\nKetik nama Anda.",
		"May we have your name? It is recorded with the report and the LAPOR! form, may be read by the officers handling it, and is never shown to the public.\n\nType your name."},
	"name.ask.profile": {
		"Boleh kami tahu nama Anda? Nama dicatat pada laporan dan formulir LAPOR!, dapat dibaca petugas yang menangani, dan tidak pernah ditampilkan kepada publik.\n\nNama di akun Anda: %s\nTekan \"Pakai nama ini\", atau ketik nama lain.",
		"May we have your name? It is recorded with the report and the LAPOR! form, may be read by the officers handling it, and is never shown to the public.\n\nThe name on your account: %s\nPress \"Use this name\", or type another name."},
	"btn.usename": {"✅ Pakai nama ini", "✅ Use this name"},
	"btn.goanon":  {"🙈 Jadi anonim saja", "🙈 Stay anonymous instead"},
	"name.invalid": {
		"Mohon ketik nama Anda dengan huruf, 2 sampai %d karakter.",
		"Please type your name in letters, 2 to %d characters."},
	"contact.ask": {
		"Nomor telepon atau alamat e-mail yang dapat dihubungi? Hanya Admin LAPOR! SP4N yang melihatnya, bila perlu menanyakan sesuatu tentang laporan ini; perangkat daerah yang menangani dan publik tidak melihatnya.\n\nContoh: 0812-3456-7890 atau nama@contoh.id\n\nBila Anda menekan Lewati, kami hanya dapat menghubungi Anda lewat chat ini, dan formulir LAPOR! dikirim tanpa kontak.",
		"A phone number or e-mail address where you can be reached? Only the LAPOR! SP4N admins see it, if they need to ask something about this report; the agency handling it and the public do not.\n\nExample: 0812-3456-7890 or name@example.id\n\nIf you press Skip, we can reach you only through this chat, and the LAPOR! form goes without a contact."},
	"contact.invalid": {
		"\"%s\" bukan nomor telepon atau alamat e-mail yang dapat kami pakai. Contoh: 0812-3456-7890 atau nama@contoh.id. Atau tekan Lewati.",
		"\"%s\" is not a phone number or e-mail address we can use. Example: 0812-3456-7890 or name@example.id. Or press Skip."},

	// The admins' corrections (/judul, /kategori).
	"ff.title.set":       {"✅ Judul laporan %s: %s", "✅ Title of report %s: %s"},
	"ff.category.set":    {"✅ Kategori laporan %s: %s", "✅ Category of report %s: %s"},
	"ff.category.ask":    {"Kategori laporan %s sekarang: %s. Pilih kategori yang benar:", "Category of report %s now: %s. Choose the right one:"},
	"ff.category.bad":    {"Kategori \"%s\" tidak ada. Kirim /kategori %s tanpa nama kategori untuk melihat pilihannya.", "There is no category \"%s\". Send /kategori %s without a category to see the choices."},
	"ff.title.bad":       {"Judul harus 3 sampai %d karakter.", "A title must have 3 to %d characters."},
	"ff.unchanged":       {"Laporan %s sudah demikian; tidak ada yang diubah.", "Report %s is already so; nothing was changed."},
	"event.title_set":    {"Judul diubah", "Title changed"},
	"event.category_set": {"Kategori diubah", "Category changed"},
	"card.form":          {"Judul: %s\nKategori: %s", "Title: %s\nCategory: %s"},
	"pk.f.category":      {"Kategori", "Category"},
}

func init() {
	for k, v := range formTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
