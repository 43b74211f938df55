package flows

// Texts of officer invitations (/petugas undang): what the admin who
// invites reads, and what the invited officer reads in their private chat.
// Merged into texts at start-up.
var inviteTexts = map[string][2]string{
	"invite.issued": {"Undangan petugas #%d untuk %s%s.\nKode undangan: %s\nBerlaku sampai %s, hanya sekali pakai. Berikan hanya kepada orang yang diundang: siapa pun yang memakainya menjadi petugas.%s\nAtau minta ia mengirim pesan berikut kepada bot di chat pribadi: /start %s (Telegram) atau %s (WhatsApp).\nBatalkan dengan: /petugas undang batal %s",
		"Officer invitation #%d for %s%s.\nInvitation code: %s\nValid until %s, once only. Give it only to the person invited: whoever uses it becomes an officer.%s\nOr ask them to send this to the bot in a private chat: /start %s (Telegram) or %s (WhatsApp).\nRevoke it with: /petugas undang batal %s"},
	"invite.links":          {"\nTautan untuk dibuka di chat pribadi dengan bot:", "\nLinks to open in a private chat with the bot:"},
	"invite.usage":          {"Cara pakai: /petugas undang <peran> [kode perangkat daerah] <nama>\nPeran: super_admin, regency_admin, liaison_officer (dengan kode perangkat daerah), ombudsman, ppid, ppid_superior.\nContoh: /petugas undang liaison_officer pupr Rina\nDaftar undangan: /petugas undangan. Membatalkan: /petugas undang batal <kode atau #nomor>", "Usage: /petugas undang <role> [agency code] <name>\nRoles: super_admin, regency_admin, liaison_officer (with an agency code), ombudsman, ppid, ppid_superior.\nExample: /petugas undang liaison_officer pupr Rina\nList: /petugas undangan. Revoke: /petugas undang batal <code or #number>"},
	"invite.none":           {"Tidak ada undangan petugas yang masih berlaku.", "No officer invitation is open."},
	"invite.list.head":      {"Undangan petugas yang masih berlaku:", "Open officer invitations:"},
	"invite.list.line":      {"• #%d — %s — %s — berlaku sampai %s", "• #%d — %s — %s — valid until %s"},
	"invite.revoked":        {"Undangan #%d (%s) dibatalkan; kodenya tidak dapat dipakai lagi.", "Invitation #%d (%s) is revoked; its code cannot be used any more."},
	"invite.revoke.none":    {"Tidak ada undangan berlaku dengan kode atau nomor \"%s\". Lihat /petugas undangan.", "No open invitation has the code or number \"%s\". See /petugas undangan."},
	"invite.welcome":        {"Selamat bergabung! Anda sekarang terdaftar sebagai petugas LAPOR! SP4N: %s. Ketik /bantuan untuk melihat perintah Anda.", "Welcome! You are now registered as a LAPOR! SP4N officer: %s. Type /bantuan to see your commands."},
	"invite.joined":         {"✅ %s bergabung sebagai %s lewat undangan #%d (%s, ID %s).", "✅ %s joined as %s with invitation #%d (%s, id %s)."},
	"invite.bad":            {"Kode undangan ini tidak dapat dipakai: mungkin salah ketik, sudah dipakai, dibatalkan, atau sudah kedaluwarsa. Periksa kodenya, atau minta kode undangan baru kepada admin yang mengundang Anda.", "This invitation code cannot be used: it may be mistyped, already used, revoked or expired. Check the code, or ask the admin who invited you for a new one."},
	"invite.limited":        {"Terlalu banyak kode undangan yang salah dari chat ini. Demi keamanan, coba lagi setelah satu jam, atau minta kode undangan baru kepada admin yang mengundang Anda.", "Too many wrong invitation codes from this chat. For safety, try again in an hour, or ask the admin who invited you for a new one."},
	"invite.group":          {"Kode undangan petugas hanya dapat dipakai di chat pribadi dengan bot, bukan di grup. Kode itu belum dipakai. Karena anggota grup ini sudah melihatnya, sebaiknya minta admin membatalkannya dan memberi kode baru.", "Officer invitation codes only work in a private chat with the bot, not in a group. The code was not used. As this group's members have seen it, better ask the admin to revoke it and give you a new one."},
	"invite.already":        {"Anda sudah terdaftar sebagai petugas, jadi undangan ini tidak dipakai dan tetap berlaku. Bila peran Anda perlu diubah, hubungi admin.", "You are already registered as an officer, so this invitation was not used and stays valid. If your role should change, contact an admin."},
	"invite.cmd.notallowed": {"Peran Anda tidak dapat mengundang %s.", "Your role cannot invite a %s."},
}

func init() {
	for k, v := range inviteTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
