package flows

// Texts of the SOP workflow: what officers read in their desks and what the
// citizen reads as the report moves. Merged into texts at start-up.
var workflowTexts = map[string][2]string{
	"stage.at_regency":      {"Di Admin Kabupaten", "With the regency admin"},
	"stage.at_agency":       {"Di perangkat daerah (OPD) yang berwenang", "With the responsible agency"},
	"stage.answer_review":   {"Tanggapan OPD sedang ditinjau admin", "The agency's answer is being reviewed"},
	"stage.answered":        {"Tanggapan sudah dikirim kepada pelapor", "The answer was sent to the reporter"},
	"stage.waiting_citizen": {"Menunggu keterangan tambahan dari pelapor", "Waiting for more details from the reporter"},
	"stage.closed":          {"Selesai", "Closed"},
	"stage.archived":        {"Diarsipkan", "Archived"},
	"unit.regency_admin":    {"Admin Kabupaten", "Regency admin"},
	"unit.agency":           {"Perangkat daerah (OPD)", "The agency"},
	"unit.citizen":          {"Pelapor", "The reporter"},
	"unit.":                 {"—", "—"},
	"role.super_admin":      {"Super Admin", "super admin"},
	"role.regency_admin":    {"Admin Kabupaten", "regency admin"},
	"role.liaison_officer":  {"Pejabat Penghubung", "liaison officer"},
	"role.ombudsman":        {"Ombudsman", "Ombudsman"},
	"role.citizen":          {"pelapor", "the reporter"},
	"role.system":           {"sistem", "the system"},
	"event.verify":          {"Diverifikasi, diteruskan ke Admin Kabupaten", "Verified, forwarded to the regency admin"},
	"event.tunda":           {"Ditunda: pelapor diminta keterangan tambahan", "On hold: the reporter was asked for details"},
	"event.info":            {"Pelapor memberi keterangan tambahan", "The reporter gave more details"},
	"event.archive":         {"Diarsipkan", "Archived"},
	"event.central":         {"Kewenangan pemerintah pusat", "A matter for the central government"},
	"event.dispose":         {"Didisposisikan ke OPD", "Forwarded to an agency"},
	"event.return":          {"Dikembalikan ke Super Admin", "Returned to the super admin"},
	"event.not_ours":        {"OPD: bukan kewenangan kami", "Agency: not our authority"},
	"event.submit":          {"OPD mengirim tanggapan", "The agency answered"},
	"event.approve":         {"Tanggapan disetujui dan dikirim ke pelapor", "Answer approved and sent to the reporter"},
	"event.revise":          {"Tanggapan dikembalikan ke OPD untuk diperbaiki", "Answer sent back to the agency for improvement"},
	"event.accept":          {"Pelapor menerima tanggapan", "The reporter accepted the answer"},
	"event.reject":          {"Pelapor menolak tanggapan", "The reporter rejected the answer"},
	"event.identity_viewed": {"Identitas pelapor dilihat admin", "An admin viewed the reporter's identity"},
	"event.recorded":        {"Dicatat petugas (pengaduan langsung)", "Recorded by an officer (walk-in complaint)"},

	// Refusals and confirmations in desks.
	"wf.notnow":            {"Laporan %s sedang pada tahap \"%s\"; tindakan itu tidak berlaku pada tahap ini.", "Report %s is at stage \"%s\"; that action does not apply now."},
	"wf.notallowed":        {"Anda tidak berwenang melakukan tindakan itu atas laporan %s di sini.", "You may not do that to report %s here."},
	"wf.needreason":        {"Tindakan ini memerlukan alasan atau pertanyaan. Contoh: /kembalikan MGT-7K3QFA bukan kewenangan kabupaten", "This action needs a reason or a question. Example: /kembalikan MGT-7K3QFA not the regency's authority"},
	"wf.already":           {"Laporan %s sudah %s oleh %s pada %s.", "Report %s was already handled (%s) by %s on %s."},
	"wf.notfound":          {"Laporan %s tidak ditemukan.", "Report %s was not found."},
	"wf.usage":             {"Cara pakai: %s", "Usage: %s"},
	"wf.notofficer":        {"Anda belum terdaftar sebagai petugas. Minta admin mendaftarkan Anda (/petugas).", "You are not registered as an officer. Ask an admin to add you (/petugas)."},
	"wf.cmd.notallowed":    {"Perintah /%s tidak tersedia untuk peran Anda.", "The command /%s is not available to your role."},
	"wf.onlydesk":          {"Perintah ini hanya dapat dipakai di grup meja kerja yang terdaftar.", "This command only works in a registered desk group."},
	"wf.done":              {"✅ %s: %s.", "✅ %s: %s."},
	"wf.ask.reason":        {"%s — %s: balas dengan alasannya (atau ketik /batal).", "%s — %s: reply with the reason (or type /batal)."},
	"wf.ask.question":      {"%s — Tunda: tulis pertanyaan untuk pelapor (atau ketik /batal).", "%s — On hold: write the question for the reporter (or type /batal)."},
	"wf.pending.cancelled": {"Dibatalkan.", "Cancelled."},
	"wf.choose.agency":     {"Disposisi %s ke OPD mana? Pilih di bawah, atau ketik /disposisi %s <kode OPD> (daftar: /opd).", "Forward %s to which agency? Choose below, or type /disposisi %s <agency code> (list: /opd)."},
	"wf.badagency":         {"OPD \"%s\" tidak dikenal atau sudah tidak aktif. Lihat /opd.", "Agency \"%s\" is unknown or retired. See /opd."},
	"wf.answer.start":      {"%s — tulis tanggapan OPD: balas kartu laporan atau kirim pesan di sini (teks dan berkas, boleh beberapa pesan). Tekan Kirim tanggapan bila selesai.", "%s — write the agency's answer: reply to the card or send messages here (text and files, several messages allowed). Press Send answer when finished."},
	"wf.answer.noted":      {"Tanggapan %s dicatat (%d karakter, %d berkas). Tambahkan lagi, atau tekan Kirim tanggapan.", "Answer to %s noted (%d characters, %d files). Add more, or press Send answer."},
	"wf.answer.empty":      {"Tanggapan %s masih kosong. Tulis tanggapannya dulu.", "The answer to %s is still empty. Write it first."},
	"print.unit":           {"Pengelola LAPOR! SP4N", "LAPOR! SP4N management"},
	"wf.roomcode":          {"Kode masuk ruang web meja %s: %s\nBerlaku 7 hari, sekali pakai; siapa pun yang memakainya menjadi petugas meja ini, jadi berikan hanya kepada petugasnya. Buka: %s", "Sign-in code for the %s desk's web room: %s\nValid for 7 days, once; whoever uses it becomes an officer of this desk, so give it only to that officer. Open: %s"},
	"wf.registered":        {"Grup ini sekarang terdaftar sebagai meja %s. Laporan untuk meja ini akan muncul di sini sebagai kartu.", "This group is now registered as the %s desk. Reports for this desk will appear here as cards."},
	"wf.badcode":           {"Kode pendaftaran tidak berlaku (salah, sudah dipakai, atau kedaluwarsa). Minta kode baru kepada admin.", "The registration code is not valid (wrong, used or expired). Ask an admin for a new one."},
	"wf.code":              {"Kode pendaftaran meja %s: %s\nBerlaku 7 hari, sekali pakai. Di grup tujuan, ketik: /daftar_grup %s", "Registration code for the %s desk: %s\nValid for 7 days, once. In the group, type: /daftar_grup %s"},
	"wf.removed":           {"Bot dikeluarkan dari grup meja %s (%s). Daftarkan grup pengganti dengan /kode_grup.", "The bot was removed from the %s desk group (%s). Register a replacement with /kode_grup."},
	"wf.queue.none":        {"Tidak ada laporan terbuka untuk meja ini.", "No open reports for this desk."},
	"wf.queue.head":        {"Antrian meja ini (batas waktu terdekat di atas):", "This desk's queue (nearest deadline first):"},
	"wf.search.none":       {"Tidak ada laporan yang cocok.", "No matching report."},
	"wf.identity":          {"Identitas pelapor %s (tercatat di log audit):\nNama: %s\nAkun: %s\nKanal: %s, chat %s", "Reporter of %s (written to the audit log):\nName: %s\nAccount: %s\nChannel: %s, chat %s"},
	"wf.laporid":           {"Nomor LAPOR! nasional %s dicatat untuk %s. /status menerima kedua nomor.", "National LAPOR! number %s recorded for %s. /status accepts either."},
	"wf.laporid.taken":     {"Nomor LAPOR! %s sudah dipakai laporan lain.", "LAPOR! number %s is already used by another report."},
	"wf.recorded":          {"Pengaduan langsung dicatat sebagai %s dan masuk antrian verifikasi.", "Walk-in complaint recorded as %s and queued for verification."},
	"wf.catat.usage":       {"/catat <jenis> | <kecamatan> | <uraian> | <kontak pelapor, boleh kosong>\nContoh: /catat pengaduan | Plaosan | Jalan desa rusak sejak Oktober ... | 0812xxxx", "/catat <type> | <kecamatan> | <description> | <reporter contact, optional>"},
	"wf.officer.added":     {"Petugas %s dicatat sebagai %s.", "Officer %s recorded as %s."},
	"wf.officer.removed":   {"Petugas %s dinonaktifkan.", "Officer %s deactivated."},
	"wf.opd.saved":         {"OPD %s disimpan: %s.", "Agency %s saved: %s."},
	"wf.rated":             {"Terima kasih atas penilaian Anda (%d dari 5). Ingin menambahkan komentar? Ketik komentarnya, atau tekan Lewati.", "Thank you for your rating (%d of 5). Would you like to add a comment? Type it, or press Skip."},
	"wf.comment.saved":     {"Komentar Anda sudah kami simpan. Terima kasih.", "Your comment was saved. Thank you."},
	"wf.reject.ask":        {"Mohon sebutkan alasan Anda menolak tanggapan atas laporan %s.", "Please tell us why you reject the answer to report %s."},
	"wf.finish.draft":      {"Anda sedang membuat laporan baru. Selesaikan atau batalkan draf itu dulu (/batal).", "You are writing a new report. Finish or discard that draft first (/batal)."},

	// Deadlines and sweeps.
	"sla.head": {"Batas waktu penanganan (hari kerja, tanpa libur nasional dan cuti bersama):", "Handling time limits (working days, without national holidays and collective leave):"},
	"sla.days": {"hari kerja", "working days"},
	"sla.rest": {"• Diteruskan ke Ombudsman bila belum selesai: %d hari kerja sejak laporan masuk\n• Pengingat kepada meja: %s hari kerja sebelum batas waktu, lalu setiap pagi hari kerja bila terlambat\n• Pertanyaan Tunda diingatkan setelah %d dan ditutup setelah %d hari kerja\n• Pengingat dikirim mulai pukul %s WIB pada hari kerja",
		"• Forwarded to the Ombudsman if unresolved: %d working days after submission\n• Reminders to desks: %s working days before the deadline, then each working morning while overdue\n• Hold questions are asked again after %d and closed after %d working days\n• Reminders go out from %s WIB on working days"},
	"due.head":         {"⏰ Pengingat batas waktu meja ini:", "⏰ Deadline reminders for this desk:"},
	"due.line":         {"• %s — %s — batas %s (%s)", "• %s — %s — due %s (%s)"},
	"due.left":         {"%d hari kerja lagi", "%d working days left"},
	"due.today":        {"hari ini", "today"},
	"due.over":         {"terlambat %d hari kerja", "%d working days overdue"},
	"esc.head":         {"⚠️ Laporan melewati batas waktu di meja lain:", "⚠️ Reports overdue at another desk:"},
	"esc.line":         {"• %s — di %s — batas %s, terlambat %d hari kerja", "• %s — at %s — due %s, %d working days overdue"},
	"digest.head":      {"☀️ Ringkasan pagi %s — %d laporan terbuka (batas waktu terdekat di atas):", "☀️ Morning digest %s — %d open reports (nearest deadline first):"},
	"n.citizen.remind": {"Pengingat: tanggapan atas laporan %s sudah kami kirim. Bila Anda tidak membalas sampai %s, laporan dianggap selesai dan diterima. Tekan Terima atau Tolak pada pesan tanggapan.", "Reminder: the answer to report %s was sent to you. Without a reply by %s, the report is considered accepted and closed. Press Accept or Reject on the answer."},
	"n.autoclose":      {"Laporan %s kami tutup karena tidak ada balasan dalam 10 hari kerja sejak tanggapan dikirim, dan dianggap diterima. Terima kasih.", "Report %s is closed, as there was no reply within 10 working days of the answer, and is considered accepted. Thank you."},
	"n.ombudsman":      {"Laporan %s belum selesai ditangani dalam %d hari kerja. Sesuai ketentuan, laporan ini kami teruskan kepada Ombudsman Republik Indonesia. Anda juga berhak mengadukannya langsung ke Ombudsman RI (telepon 137, ombudsman.go.id).", "Report %s was not resolved within %d working days. As the rules require, it was forwarded to the Ombudsman of the Republic of Indonesia. You also have the right to complain to Ombudsman RI directly (phone 137, ombudsman.go.id)."},
	"ombudsman.card":   {"📨 Diteruskan ke Ombudsman: %s belum selesai setelah %d hari kerja.\n\nRiwayat:\n%s\n\nHari kerja per tahap:\n%s", "📨 Forwarded to the Ombudsman: %s unresolved after %d working days.\n\nHistory:\n%s\n\nWorking days per stage:\n%s"},
	"n.tunda.remind":   {"Pengingat: Admin masih menunggu keterangan Anda untuk laporan %s:\n\n%s\n\nBalas pesan ini. Bila tidak ada jawaban sampai %s, laporan ditutup.", "Reminder: the admin still waits for your details about report %s:\n\n%s\n\nReply to this message. Without an answer by %s, the report will be closed."},
	"n.tunda.expire":   {"Laporan %s ditutup karena keterangan yang diminta tidak kami terima. Anda dapat mengirim laporan baru kapan saja.", "Report %s is closed because the details we asked for did not arrive. You can file a new report at any time."},
	"n.draft.expire":   {"Draf laporan Anda yang belum selesai kami simpan dan tutup. Ketik /start untuk membuat laporan baru.", "Your unfinished draft was set aside. Type /start to file a new report."},
	"event.autoclose":  {"Ditutup otomatis: tidak ada balasan pelapor (dianggap diterima)", "Closed automatically: no reply from the reporter (accepted)"},
	"event.expire":     {"Ditutup: keterangan tidak diberikan", "Closed: the requested details never came"},
	"event.ombudsman":  {"Diteruskan ke Ombudsman RI", "Forwarded to Ombudsman RI"},
	"wf.libur.list":    {"Hari libur tambahan/dihapus (di luar daftar nasional):", "Holidays added/removed at run time:"},
	"wf.libur.saved":   {"Libur %s disimpan; %d batas waktu laporan terbuka dihitung ulang.", "Holiday %s saved; %d open deadlines recomputed."},
	"wf.libur.none":    {"Belum ada perubahan hari libur.", "No holiday changes yet."},

	"alert.channel":    {"⚠️ Layanan %s berhenti: %s. Warga tidak dapat dilayani lewat %s sampai admin TI memperbaikinya.", "⚠️ The %s service stopped: %s. Citizens cannot be served over %s until IT fixes it."},
	"alert.channel.ok": {"✅ Layanan %s berjalan kembali.", "✅ The %s service works again."},

	// Buttons in desks.
	"b.verify":  {"✅ Verifikasi", "✅ Verify"},
	"b.tunda":   {"⏸ Tunda", "⏸ Hold"},
	"b.archive": {"🗄 Arsipkan", "🗄 Archive"},
	"b.central": {"🏛 Kewenangan pusat", "🏛 Central authority"},
	"b.dispose": {"📤 Disposisi", "📤 Forward"},
	"b.return":  {"↩️ Kembalikan", "↩️ Return"},
	"b.answer":  {"✍️ Tanggapi", "✍️ Answer"},
	"b.submit":  {"📨 Kirim tanggapan", "📨 Send answer"},
	"b.notours": {"🚫 Bukan wewenang", "🚫 Not our authority"},
	"b.approve": {"✅ Setujui & kirim", "✅ Approve & send"},
	"b.revise":  {"🔁 Minta perbaikan", "🔁 Ask for changes"},
	"b.accept":  {"👍 Terima", "👍 Accept"},
	"b.reject":  {"👎 Tolak", "👎 Reject"},
	"r.umum":    {"Terlalu umum", "Too general"},
	"r.bukan":   {"Bukan pelayanan publik", "Not a public service"},
	"r.spam":    {"Spam", "Spam"},

	// Cards.
	"card": {
		"📋 %s · %s\nTahap: %s\nBatas waktu: %s\nKecamatan: %s\nLokasi: %s\nWaktu kejadian: %s\nPelapor: %s\nLampiran: %s\n\nUraian:\n%s",
		"📋 %s · %s\nStage: %s\nDeadline: %s\nKecamatan: %s\nLocation: %s\nWhen: %s\nReporter: %s\nAttachments: %s\n\nDescription:\n%s"},
	"card.anon":       {"Pelapor anonim", "Anonymous reporter"},
	"card.reason":     {"Catatan: %s", "Note: %s"},
	"card.answer":     {"Tanggapan OPD %s:\n%s", "Answer of %s:\n%s"},
	"card.info":       {"Keterangan tambahan dari pelapor: %s", "More details from the reporter: %s"},
	"card.reply":      {"Balas kartu ini untuk menulis tanggapan.", "Reply to this card to write the answer."},
	"card.relay":      {"Untuk disampaikan kepada pelapor %s (kontak: %s):\n\n%s", "To pass on to the reporter of %s (contact: %s):\n\n%s"},
	"card.attachment": {"Lampiran %s (%d/%d)", "Attachment of %s (%d/%d)"},

	// What the citizen is told at each step.
	"n.verify":   {"Laporan %s sudah diverifikasi dan diteruskan ke Admin Kabupaten. Selanjutnya admin meneruskannya ke perangkat daerah yang berwenang, paling lambat %s.", "Report %s was verified and forwarded to the regency admin, who will pass it to the responsible agency by %s."},
	"n.return":   {"Laporan %s dikembalikan ke Super Admin LAPOR! untuk ditinjau ulang (paling lambat %s).", "Report %s went back to the LAPOR! super admin for another review (by %s)."},
	"n.dispose":  {"Laporan %s sudah diteruskan ke %s. Instansi tersebut menanggapi paling lambat %s.", "Report %s was forwarded to %s, which will answer by %s."},
	"n.not_ours": {"Laporan %s ternyata bukan kewenangan instansi sebelumnya; Admin Kabupaten meneruskannya ke instansi yang tepat paling lambat %s.", "Report %s was not the previous agency's authority; the regency admin will forward it to the right one by %s."},
	"n.submit":   {"Instansi sudah menanggapi laporan %s. Tanggapan sedang ditinjau admin dan akan dikirim kepada Anda paling lambat %s.", "The agency answered report %s. The admin reviews the answer and sends it to you by %s."},
	"n.revise":   {"Tanggapan atas laporan %s sedang diperbaiki instansi, paling lambat %s.", "The answer to report %s is being improved by the agency, by %s."},
	"n.answer":   {"Tanggapan atas laporan %s dari %s:\n\n%s\n\nApakah Anda menerima tanggapan ini? Bila tidak, tekan Tolak dan sebutkan alasannya. Tanpa balasan sampai %s, laporan dianggap selesai.", "The answer to report %s from %s:\n\n%s\n\nDo you accept it? If not, press Reject and tell us why. Without a reply by %s, the report is considered closed."},
	"n.accept":   {"Terima kasih. Laporan %s selesai. Bagaimana penilaian Anda atas penanganannya? (1 = sangat buruk, 5 = sangat baik)", "Thank you. Report %s is closed. How would you rate its handling? (1 = very poor, 5 = very good)"},
	"n.reject":   {"Penolakan Anda atas tanggapan laporan %s sudah diteruskan ke instansi untuk ditindaklanjuti kembali, paling lambat %s.", "Your rejection of the answer to report %s was passed to the agency for another round, by %s."},
	"n.tunda":    {"Admin memerlukan keterangan tambahan untuk laporan %s:\n\n%s\n\nBalas pesan ini dengan jawaban Anda. Proses laporan dilanjutkan setelah Anda menjawab.", "The admin needs more details about report %s:\n\n%s\n\nReply to this message with your answer. Handling resumes once you reply."},
	"n.info":     {"Terima kasih, keterangan Anda untuk laporan %s sudah diteruskan. Proses dilanjutkan, paling lambat %s.", "Thank you, your details for report %s were passed on. Handling resumes, by %s."},
	"n.archive":  {"Laporan %s diarsipkan dan tidak ditindaklanjuti, dengan alasan: %s.\nBila Anda tidak sependapat, Anda dapat mengirim laporan baru yang lebih rinci atau menghubungi Ombudsman RI.", "Report %s was archived and will not be followed up, because: %s.\nIf you disagree, you may file a new, more detailed report or contact Ombudsman RI."},
	"n.central":  {"Laporan %s menyangkut kewenangan pemerintah pusat, sehingga tidak ditangani pemerintah kabupaten. Laporan ditutup di sini; silakan sampaikan melalui lapor.go.id agar diteruskan ke instansi pusat yang berwenang.", "Report %s concerns the central government's authority, so the regency does not handle it. It is closed here; please file it at lapor.go.id to reach the responsible central agency."},

	"reason.umum":  {"uraian terlalu umum", "the description is too general"},
	"reason.bukan": {"bukan tentang pelayanan publik", "not about a public service"},
	"reason.spam":  {"spam", "spam"},
}

func init() {
	for k, v := range workflowTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}

func stageName(lang Lang, st Stage) string { return textOr(lang, "stage."+string(st), string(st)) }
func roleName(lang Lang, r Role) string    { return textOr(lang, "role."+string(r), string(r)) }
func eventName(lang Lang, kind string) string {
	return textOr(lang, "event."+kind, kind)
}
