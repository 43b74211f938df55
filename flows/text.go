package flows

import (
	"fmt"
	"strings"
	"time"

	"github.com/lapor-id/lapor/flows/calendar"
)

// Lang is the language a chat reads: "id" (Bahasa Indonesia, the default)
// or "en".
type Lang string

// Languages.
const (
	LangID Lang = "id"
	LangEN Lang = "en"
)

// ParseLang accepts the words a person might use for a language.
func ParseLang(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "id", "ind", "indonesia", "bahasa", "bahasa indonesia", "indonesian":
		return LangID, true
	case "en", "eng", "english", "inggris", "bahasa inggris":
		return LangEN, true
	}
	return "", false
}

// texts holds every sentence a citizen reads, by key and language. Keys are
// checked by a test: each has both languages with the same verbs.
var texts = map[string][2]string{ // [id, en]
	"welcome": {
		"Selamat datang di layanan LAPOR! SP4N %s.\nMelalui chat ini Anda dapat menyampaikan pengaduan, aspirasi, atau permintaan informasi tentang pelayanan publik, lalu memantau tindak lanjutnya.\n\nApa yang ingin Anda lakukan?",
		"Welcome to the LAPOR! SP4N service of %s.\nIn this chat you can file a complaint, an aspiration or a request for information about public services, and follow what happens to it.\n\nWhat would you like to do?"},
	"btn.new":         {"📝 Buat laporan", "📝 File a report"},
	"btn.status":      {"🔎 Cek status", "🔎 Check status"},
	"btn.help":        {"❓ Bantuan", "❓ Help"},
	"btn.resume":      {"▶️ Lanjutkan draf", "▶️ Continue draft"},
	"btn.canceldraft": {"🗑 Batalkan draf", "🗑 Discard draft"},
	"help": {
		"Cara menggunakan layanan ini:\n• /start — menu utama\n• /status NOMOR — cek status laporan, contoh: /status MGT-7K3QFA\n• /laporan — daftar laporan Anda\n• /batal — batalkan draf laporan\n• /bahasa — ganti bahasa (Indonesia/English)\n\nSetiap laporan diverifikasi Admin LAPOR! lalu diteruskan ke perangkat daerah yang berwenang. Layanan ini gratis.",
		"How to use this service:\n• /start — main menu\n• /status NUMBER — check a report, e.g. /status MGT-7K3QFA\n• /laporan — your reports\n• /batal — discard a draft report\n• /bahasa — change language (Indonesia/English)\n\nEvery report is verified by the LAPOR! admin and then forwarded to the responsible agency. This service is free of charge."},
	"lang.choose": {"Pilih bahasa:", "Choose a language:"},
	"lang.set":    {"Baik, kita lanjutkan dalam Bahasa Indonesia.", "All right, we will continue in English."},
	"flood": {"Anda mengirim terlalu banyak pesan dalam satu menit (lebih dari %d). Pesan berikutnya dalam menit ini tidak kami proses. Tunggu sebentar, lalu kirim lagi pesan yang belum terjawab.",
		"You sent too many messages in one minute (more than %d). Further messages this minute are not processed. Wait a moment, then send again what was not answered."},
	"type.ask": {
		"Langkah 1 dari 6 — Jenis laporan.\nPilih salah satu:\n• Pengaduan: keluhan atas pelayanan publik\n• Aspirasi: usul atau saran\n• Permintaan informasi: menanyakan informasi publik",
		"Step 1 of 6 — Type of report.\nChoose one:\n• Complaint: a problem with a public service\n• Aspiration: a proposal or suggestion\n• Information request: asking for public information"},
	"type.pengaduan":            {"Pengaduan", "Complaint"},
	"type.aspirasi":             {"Aspirasi", "Aspiration"},
	"type.permintaan_informasi": {"Permintaan informasi", "Information request"},
	"what.ask": {
		"Langkah 2 dari 6 — Uraian.\nCeritakan apa yang terjadi: apa masalahnya, siapa atau kantor mana yang terlibat, dan sejak kapan. Anda boleh mengirim beberapa pesan. Tekan Lanjut bila sudah selesai.",
		"Step 2 of 6 — Description.\nTell us what happened: what the problem is, who or which office is involved, and since when. You may send several messages. Press Next when you are done."},
	"what.noted": {
		"Dicatat (%d karakter). Tambahkan keterangan lain, atau tekan Lanjut.",
		"Noted (%d characters). Add more, or press Next."},
	"what.short": {
		"Uraiannya masih terlalu singkat (%d karakter, minimal %d). Mohon tambahkan detail: apa yang terjadi, siapa yang terlibat, dan sejak kapan.",
		"The description is still too short (%d characters, at least %d). Please add detail: what happened, who is involved, and since when."},
	"what.toolong": {
		"Uraian sudah mencapai batas %d karakter, jadi pesan terakhir tidak ditambahkan. Tekan Lanjut, atau kirim bagian penting saja.",
		"The description has reached its limit of %d characters, so the last message was not added. Press Next, or send only the important part."},
	"what.empty": {
		"Pesan Anda tidak berisi teks yang bisa dibaca. Mohon ketik uraiannya dengan huruf biasa.",
		"Your message has no readable text. Please type the description in plain letters."},
	"btn.next": {"Lanjut ➡️", "Next ➡️"},
	"when.ask": {
		"Langkah 3 dari 6 — Waktu kejadian.\nKapan kejadiannya? Ketik tanggal (contoh 25/11/2026), atau pilih di bawah.",
		"Step 3 of 6 — When.\nWhen did it happen? Type a date (e.g. 25/11/2026), or choose below."},
	"btn.today":     {"Hari ini", "Today"},
	"btn.yesterday": {"Kemarin", "Yesterday"},
	"btn.unknown":   {"Tidak ingat", "I don't remember"},
	"when.invalid": {
		"Maaf, tanggal itu tidak kami kenali. Ketik seperti 25/11/2026 atau 2026-11-25, atau pilih Hari ini, Kemarin, atau Tidak ingat.",
		"Sorry, we could not read that date. Type it like 25/11/2026 or 2026-11-25, or choose Today, Yesterday or I don't remember."},
	"when.future": {
		"Tanggal %s masih akan datang. Mohon kirim tanggal kejadiannya: hari ini atau sebelumnya.",
		"%s is still to come. Please send the date it happened: today or earlier."},
	"where.ask": {
		"Langkah 4 dari 6 — Lokasi.\nDi mana kejadiannya? Kirim titik lokasi (📎 → Lokasi), atau ketik alamatnya (jalan, desa/kelurahan).",
		"Step 4 of 6 — Location.\nWhere did it happen? Share a location pin (📎 → Location), or type the address (street, village)."},
	"where.outside": {
		"Catatan: titik lokasi itu berada di luar wilayah %s. Laporan tetap bisa dikirim; admin akan menilai kewenangannya.",
		"Note: that pin is outside %s. You can still send the report; the admin will judge whose authority it is."},
	"kec.ask": {
		"Di kecamatan mana? Pilih dari daftar, atau ketik nama kecamatannya.",
		"In which kecamatan (district)? Choose from the list, or type its name."},
	"kec.suggest.address": {
		"Alamat yang Anda tulis menyebut Kecamatan %s. Benar? Jika bukan, pilih kecamatan lain dari daftar.",
		"The address you wrote names Kecamatan %s. Is that right? If not, choose another kecamatan from the list."},
	"kec.suggest": {
		"Menurut titik lokasi yang Anda kirim, tempatnya ada di Kecamatan %s. Apakah benar? Bila bukan, pilih kecamatan lain dari daftar.",
		"By the location you sent, the place is in Kecamatan %s. Is that right? If not, choose another kecamatan from the list."},
	"kec.invalid": {
		"Kecamatan \"%s\" tidak kami temukan di %s. Pilih dari daftar, atau ketik nama kecamatannya saja (contoh: Plaosan).",
		"We could not find kecamatan \"%s\" in %s. Choose from the list, or type just its name (e.g. Plaosan)."},
	"evidence.ask": {
		"Langkah 5 dari 6 — Bukti (boleh dilewati).\nKirim foto, dokumen, video, atau pesan suara sebagai bukti, maksimal %d berkas, masing-masing paling besar %s. Tekan Selesai bila sudah, atau Lewati.",
		"Step 5 of 6 — Evidence (optional).\nSend photos, documents, videos or voice notes as evidence, up to %d files of at most %s each. Press Done when finished, or Skip."},
	"btn.done": {"Selesai ✅", "Done ✅"},
	"btn.skip": {"Lewati", "Skip"},
	"evidence.early": {
		"Bukti ke-%d diterima: %s (%s). Lanjutkan cerita Anda, atau tekan Lanjut bila sudah selesai.",
		"Evidence %d received: %s (%s). Go on with your story, or press Next when you are done."},
	"evidence.got": {
		"Bukti ke-%d diterima: %s (%s). Kirim lagi, atau tekan Selesai.",
		"Evidence %d received: %s (%s). Send more, or press Done."},
	"evidence.toobig": {
		"Berkas \"%s\" terlalu besar (%s). Batasnya %s per berkas. Kirim versi yang lebih kecil (misalnya foto biasa, bukan berkas asli), atau lanjutkan tanpa berkas ini.",
		"The file \"%s\" is too big (%s). The limit is %s per file. Send a smaller version (for example a normal photo rather than the original file), or continue without it."},
	"evidence.badtype": {
		"Berkas \"%s\" tidak dapat kami terima karena jenisnya (%s) bisa membahayakan. Kirim foto, video, pesan suara, PDF, atau dokumen kantor (Word, Excel).",
		"We cannot accept \"%s\" because its type (%s) can be harmful. Send photos, videos, voice notes, PDFs or office documents (Word, Excel)."},
	"evidence.mismatch": {
		"Berkas \"%s\" tidak dapat kami terima: namanya berakhiran %s, tetapi isinya %s. Kirim berkas aslinya (foto, video, PDF, atau dokumen), jangan diganti namanya.",
		"We did not accept \"%s\": its name ends in %s but it contains %s. Send the original file (a photo, video, PDF or document) without renaming it."},
	"content.image":    {"gambar", "an image"},
	"content.pdf":      {"dokumen PDF", "a PDF document"},
	"content.video":    {"video", "a video"},
	"content.audio":    {"rekaman suara", "a sound recording"},
	"content.archive":  {"arsip terkompresi (ZIP/RAR)", "a compressed archive (ZIP/RAR)"},
	"content.web page": {"halaman web (HTML)", "a web page (HTML)"},
	"evidence.caption.toolong": {
		"Berkas diterima, tetapi keterangan berkas tidak ditambahkan ke uraian karena uraian akan melebihi batas %d karakter. Kirim bagian pentingnya sebagai pesan teks bila perlu.",
		"The file is kept, but its caption was not added to the description, which would go over its limit of %d characters. Send the important part as a text message if needed."},
	"evidence.limit": {
		"Sudah ada %d berkas, batas maksimalnya. Berkas ini tidak ditambahkan. Tekan Selesai untuk melanjutkan.",
		"You already sent %d files, the maximum. This file was not added. Press Done to continue."},
	"evidence.failed": {
		"Maaf, berkas \"%s\" gagal kami terima dari server chat. Mohon kirim ulang berkas tersebut.",
		"Sorry, we could not receive \"%s\" from the chat server. Please send the file again."},
	"evidence.notnow": {
		"Bukti berupa berkas bisa dikirim pada langkah Bukti. Berkas ini belum kami simpan; kirim lagi nanti pada langkah tersebut.",
		"Files can be sent at the Evidence step. This file was not kept; please send it again at that step."},
	"anon.ask": {
		"Langkah 6 dari 6 — Privasi.\nSembunyikan identitas Anda?\n• Ya (anonim): perangkat daerah yang menangani dan publik tidak melihat nama, nomor, maupun akun Anda. Hanya Tim LAPOR! SP4N Kabupaten yang dapat membukanya bila benar-benar perlu, dan setiap pembukaan dicatat.\n• Tidak: perangkat daerah yang menangani melihat nama Anda (tidak nomor Anda); publik tidak pernah melihatnya.\n• Lewati: sama dengan Tidak.",
		"Step 6 of 6 — Privacy.\nHide your identity?\n• Yes (anonymous): the agency handling the report and the public do not see your name, number or account. Only the regency's LAPOR! SP4N admins can open it when truly needed, and every opening is recorded.\n• No: the agency handling the report sees your name (not your number); the public never sees it.\n• Skip: the same as No."},
	"conf.ask": {
		"Rahasiakan isi laporan dari publik?\n• Ya (rahasia): isi laporan tidak ditampilkan untuk umum, tetapi tetap dibaca Tim LAPOR! SP4N Kabupaten dan perangkat daerah yang menangani.\n• Tidak: isi laporan dapat ditampilkan untuk umum (di situs data terbuka pemerintah kabupaten) setelah diverifikasi, tanpa identitas Anda.\n• Lewati: laporan dirahasiakan (pilihan bawaan).",
		"Keep the content of the report from the public?\n• Yes (confidential): the content is never shown to the public, but the regency's LAPOR! SP4N team and the agency handling it still read it.\n• No: the content may be shown to the public (on the regency's open data site) once verified, without your identity.\n• Skip: the report is kept confidential (the default)."},
	"btn.yes": {"Ya", "Yes"},
	"btn.no":  {"Tidak", "No"},
	"summary": {
		"Ringkasan laporan Anda:\n\n%s\nJenis: %s\nUraian: %s\nWaktu: %s\nLokasi: %s\nKecamatan: %s\nBukti: %s\nAnonim: %s%s\nRahasia: %s\n\nKirim laporan ini?",
		"Your report:\n\n%s\nType: %s\nDescription: %s\nWhen: %s\nWhere: %s\nKecamatan: %s\nEvidence: %s\nAnonymous: %s%s\nConfidential: %s\n\nSend this report?"},
	"btn.send":       {"📨 Kirim", "📨 Send"},
	"btn.edit":       {"✏️ Ubah", "✏️ Change"},
	"btn.cancel":     {"✖️ Batal", "✖️ Cancel"},
	"edit.ask":       {"Bagian mana yang ingin diubah?", "Which part do you want to change?"},
	"field.type":     {"Jenis", "Type"},
	"field.what":     {"Uraian", "Description"},
	"field.when":     {"Waktu", "When"},
	"field.where":    {"Lokasi", "Location"},
	"field.evidence": {"Bukti", "Evidence"},
	"field.privacy":  {"Privasi", "Privacy"},
	"what.replace": {
		"Uraian lama akan diganti. Ketik uraian yang baru, lalu tekan Lanjut.",
		"The old description will be replaced. Type the new description, then press Next."},
	"none":         {"tidak ada", "none"},
	"files":        {"%d berkas", "%d files"},
	"unknown.date": {"tidak ingat", "does not remember"},
	"pin":          {"titik lokasi %.5f, %.5f", "pin at %.5f, %.5f"},
	"yes":          {"ya", "yes"},
	"no":           {"tidak", "no"},
	"submitted": {
		"Terima kasih. Laporan Anda sudah kami terima.\n\nNomor laporan: %s\nSimpan nomor ini untuk memantau laporan Anda (/status %s).\n\nSelanjutnya: Tim LAPOR! SP4N %s memeriksa laporan Anda paling lambat %s (%d hari kerja). Setiap perkembangan akan kami kabarkan di chat ini.",
		"Thank you. We have received your report.\n\nReport number: %s\nKeep this number to follow your report (/status %s).\n\nNext: the LAPOR! SP4N team of %s checks your report by %s (%d working days). We will tell you about every step in this chat."},
	"cancelled": {"Draf laporan dibatalkan. Ketik /start bila ingin membuat laporan baru.", "The draft report was discarded. Type /start to begin a new one."},
	"nodraft":   {"Tidak ada draf laporan yang sedang dibuat.", "There is no draft report in progress."},
	"draft.exists": {
		"Anda masih punya draf laporan yang belum dikirim. Lanjutkan draf itu, atau batalkan?",
		"You still have a draft report that was not sent. Continue it, or discard it?"},
	"draft.reminder": {
		"Laporan Anda belum selesai dan belum terkirim. Ingin melanjutkannya? Draf Anda masih tersimpan.",
		"Your report is not finished and has not been sent. Would you like to continue? Your draft is still saved."},
	"status.ask": {
		"Ketik nomor laporan Anda, contoh: MGT-7K3QFA.",
		"Type your report number, for example MGT-7K3QFA."},
	"status.notfound": {
		"Laporan %s tidak ditemukan. Periksa kembali nomornya (contoh: MGT-7K3QFA), atau lihat /laporan untuk daftar laporan Anda.",
		"Report %s was not found. Please check the number (e.g. MGT-7K3QFA), or see /laporan for your reports."},
	"status.invalid": {
		"\"%s\" bukan nomor laporan yang sah. Nomor laporan berbentuk seperti MGT-7K3QFA.",
		"\"%s\" is not a valid report number. Report numbers look like MGT-7K3QFA."},
	"list.none":        {"Anda belum pernah mengirim laporan dari chat ini. Ketik /start untuk membuat laporan.", "You have not filed any report from this chat. Type /start to file one."},
	"list.header":      {"Laporan Anda (terbaru di atas):", "Your reports (newest first):"},
	"stage.submitted":  {"Menunggu verifikasi Admin LAPOR! SP4N", "Waiting for verification by the LAPOR! SP4N admin"},
	"unit.super_admin": {"Super Admin LAPOR! SP4N", "LAPOR! SP4N super admin"},
	"event.submitted":  {"Laporan diterima", "Report received"},
	"unknown.command": {
		"Perintah /%s tidak dikenal. Perintah yang tersedia: /start, /status, /laporan, /batal, /bahasa, /bantuan, /saya.",
		"Unknown command /%s. Available commands: /start, /status, /laporan, /batal, /bahasa, /bantuan, /saya."},
	"stale.button": {
		"Tombol itu sudah tidak berlaku.",
		"That button is no longer valid."},
	"unsupported": {
		"Maaf, %s tidak dapat kami proses. Kirim teks, foto, dokumen, video, pesan suara, atau titik lokasi.",
		"Sorry, we cannot process %s. Send text, photos, documents, videos, voice notes or a location pin."},
	"edited": {
		"Perubahan pada pesan yang sudah terkirim tidak kami proses. Bila ada koreksi, kirim pesan baru (atau pilih Ubah pada ringkasan).",
		"Edits to messages already sent are not processed. To correct something, send a new message (or choose Change on the summary)."},
	"idle.text": {
		"Kiriman ini belum kami simpan karena belum ada laporan yang sedang dibuat. Tekan 📝 Buat laporan untuk memulai; titik lokasi dapat Anda kirim lagi pada langkah lokasi. Foto atau berkas yang Anda kirim kami simpan sebagai bukti laporan baru.",
		"We have not kept this because no report is in progress. Press 📝 File a report to begin; you can send a location pin again at the location step. A photo or a file you send is kept as the evidence of a new report."},
	"choose.buttons": {
		"Mohon pilih salah satu tombol di bawah.",
		"Please choose one of the buttons below."},
	"internal.error": {
		"Maaf, terjadi gangguan saat memproses pesan Anda. Data Anda tetap aman; silakan kirim ulang pesan terakhir sebentar lagi.",
		"Sorry, something went wrong while processing your message. Your data is safe; please send your last message again in a moment."},
	"location.notnow": {
		"Titik lokasi hanya dipakai pada langkah Lokasi. Lanjutkan langkah saat ini dulu.",
		"A location pin is only used at the Location step. Please finish the current step first."},
}

// what names unsupported message kinds in both languages.
var what = map[string][2]string{
	"sticker":    {"stiker", "stickers"},
	"poll":       {"polling", "polls"},
	"contact":    {"kartu kontak", "contact cards"},
	"animation":  {"GIF", "GIFs"},
	"video_note": {"pesan video bulat", "round video messages"},
	"game":       {"permainan", "games"},
	"dice":       {"dadu", "dice"},
	"venue":      {"tempat", "venues"},
	"view_once":  {"foto atau video sekali lihat", "view-once photos or videos"},
	"reaction":   {"reaksi emoji", "emoji reactions"},
	"call":       {"panggilan telepon atau video", "voice or video calls"},
	"service":    {"pesan layanan grup", "group service messages"},
	"empty":      {"pesan kosong", "empty messages"},
	"other":      {"jenis pesan ini", "this kind of message"},
}

// T returns the text for key in lang, formatted with args.
func T(lang Lang, key string, args ...any) string {
	pair, ok := texts[key]
	if !ok {
		panic("flows: no text for " + key)
	}
	s := pair[0]
	if lang == LangEN {
		s = pair[1]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

func whatName(lang Lang, kind string) string {
	pair, ok := what[kind]
	if !ok {
		pair = what["other"]
	}
	if lang == LangEN {
		return pair[1]
	}
	return pair[0]
}

var (
	daysID   = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	monthsID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
		"September", "Oktober", "November", "Desember"}
)

// FormatDate writes a date as a person reads it: "Kamis, 3 Desember 2026".
func FormatDate(lang Lang, t time.Time) string {
	if lang == LangEN {
		return t.Format("Monday, 2 January 2006")
	}
	return fmt.Sprintf("%s, %d %s %d", daysID[t.Weekday()], t.Day(), monthsID[t.Month()-1], t.Year())
}

// FormatDateTime writes a moment with its time on the regency's clock:
// "3 Desember 2026 14.05 WIB" (WITA or WIT where LAPOR_TIMEZONE says so).
func FormatDateTime(lang Lang, t time.Time) string {
	t = t.In(calendar.Local())
	if lang == LangEN {
		return t.Format("2 January 2006 15:04") + " " + calendar.Abbr()
	}
	return fmt.Sprintf("%d %s %d %02d.%02d %s", t.Day(), monthsID[t.Month()-1], t.Year(), t.Hour(), t.Minute(), calendar.Abbr())
}

// FormatSize writes a byte count as "2,4 MB".
func FormatSize(lang Lang, n int64) string {
	var s string
	switch {
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		s = fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	default:
		s = fmt.Sprintf("%d B", n)
	}
	if lang == LangID {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
