package flows

// Texts of the desks' working view: the reminder and escalation messages
// of the sweep, and a desk's queue (/antrian, the first view of a web
// room). Merged into texts at start-up.
var deskworkTexts = map[string][2]string{
	"rem.head": {"⏰ Pengingat batas waktu — %s", "⏰ Deadline reminder — %s"},
	"rem.counts": {"Lewat batas waktu: %d · Batas waktu hari ini: %d · Segera jatuh tempo: %d",
		"Overdue: %d · Due today: %d · Due soon: %d"},
	"rem.top": {"Paling mendesak:", "Most urgent:"},
	"rem.more": {"…dan %d laporan lainnya. Ketik /antrian untuk melihat seluruh antrean.",
		"…and %d more reports. Type /antrian to see the whole queue."},
	"rem.all":   {"Ketik /antrian untuk melihat seluruh antrean.", "Type /antrian to see the whole queue."},
	"esc.total": {"⚠️ Laporan yang baru lewat batas waktu di unit yang Anda awasi: %d", "⚠️ Reports newly overdue in the groups you supervise: %d"},
	"esc.count": {"%s: %d", "%s: %d"},
	"esc.top":   {"Paling lama terlambat:", "Longest overdue:"},
	"esc.more":  {"…dan %d laporan lainnya.", "…and %d more reports."},

	"queue.head": {"📋 Antrean %s — %d laporan terbuka, batas waktu terdekat di atas", "📋 Queue of %s — %d open reports, nearest deadline first"},
	"queue.counts": {"Lewat batas waktu: %d · Batas waktu hari ini: %d",
		"Overdue: %d · Due today: %d"},
	"queue.line":    {"%s %s — %s — batas %s%s", "%s %s — %s — due %s%s"},
	"queue.over":    {" (terlambat %d hari kerja)", " (%d working days overdue)"},
	"queue.today":   {" (hari ini)", " (today)"},
	"queue.more":    {"…dan %d laporan lainnya dengan batas waktu lebih lambat: ketik /antrian %d untuk halaman berikutnya.", "…and %d more reports with later deadlines: type /antrian %d for the next page."},
	"queue.hint":    {"Ketik /laporan <nomor laporan> untuk membuka laporan beserta tombolnya.", "Type /laporan <report number> to open a report with its buttons."},
	"queue.none":    {"📋 Antrean %s: tidak ada laporan terbuka.", "📋 Queue of %s: no open reports."},
	"laporan.steps": {"Riwayat laporan:", "The report's history:"},
}

func init() {
	for k, v := range deskworkTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
