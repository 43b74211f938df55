package flows

// Texts of the keys the outputs render as words (glossarywords.go). Merged
// into texts at start-up.
var glossaryTexts = map[string][2]string{
	"gl.channel.telegram":     {"Telegram", "Telegram"},
	"gl.channel.whatsapp":     {"WhatsApp", "WhatsApp"},
	"gl.channel.web":          {"Obrolan web", "Web chat"},
	"gl.channel.conventional": {"Datang langsung (loket)", "Walk-in (counter)"},

	"gl.reason.noreply":  {"tidak ada balasan pelapor dalam batas waktu; tanggapan dianggap diterima", "no reply from the reporter in time; the answer is considered accepted"},
	"gl.reason.noanswer": {"keterangan yang diminta tidak diberikan", "the requested details never came"},
}

func init() {
	for k, v := range glossaryTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
