package flows

// Texts of the agency suggestions in the disposition menu (regency desk).
// Merged into texts at start-up.
var suggestTexts = map[string][2]string{
	"sg.header": {"Saran (dari kata dalam laporan dan laporan serupa yang pernah didisposisi):",
		"Suggestions (from the report's words and similar reports forwarded before):"},
	"sg.line":    {"%d. %s — %s", "%d. %s — %s"},
	"sg.words":   {"kata %s", "words %s"},
	"sg.similar": {"%d laporan serupa → %s", "%d similar reports → %s"},
	"sg.local":   {"kecamatan lokasi laporan", "the report's kecamatan"},
	"sg.outside": {"⚠️ Di luar kewenangan kabupaten: %s — %s",
		"⚠️ Outside the regency's authority: %s — %s"},
	"sg.outside.hint": {"Bila memang di luar kewenangan kabupaten, pilih «↩️ Kembalikan (di luar kewenangan)» lalu tulis alasannya. Super Admin meneruskannya melalui LAPOR! kepada lembaga yang berwenang; pelapor tidak perlu melapor ulang.",
		"If it is indeed outside the regency's authority, choose «↩️ Return (not the regency's)» and write the reason. The super admin forwards it through LAPOR! to the body responsible; the reporter need not file again."},
	"sg.b.return": {"↩️ Kembalikan (di luar kewenangan)", "↩️ Return (not the regency's)"},
	"sg.none": {"Belum ada saran: tidak ada kata yang dikenali dan belum ada laporan serupa.",
		"No suggestion: no known words and no similar past report."},
}

func init() {
	for k, v := range suggestTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
