package flows

// webHintTexts name the web chat's own controls where a text meant for the
// chat apps names theirs (webhints.go).
var webHintTexts = map[string][2]string{
	// The part of where.ask that tells how to share a pin in the chat apps.
	"where.pin.apps": {"📎 → Lokasi", "📎 → Location"},
	// The same on the web chat's page: its own button (bot/webchat/static).
	"where.pin.web": {"tekan tombol 📍 Kirim lokasi saya di bawah kotak pesan", "press the 📍 Send my location button below the message box"},
}

func init() {
	for k, v := range webHintTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
