package flows

// Texts of the documents a regency signs and keeps (flows/documents.go):
// the agencies' answers in a printout, /statistik's workload per agency,
// an agency's own export. Merged into texts at start-up.
var documentsTexts = map[string][2]string{
	"doc.kind.answer":         {"Tanggapan", "Answer"},
	"doc.kind.first_response": {"Respon awal", "First response"},
	"doc.kind.progress":       {"Tindak lanjut", "Progress update"},
	"doc.fu.pending":          {"menunggu persetujuan admin", "waiting for an admin's approval"},
	"doc.fu.sent":             {"sudah diteruskan ke pelapor", "passed on to the reporter"},
	"doc.fu.returned":         {"dikembalikan oleh admin", "sent back by an admin"},
}

func init() {
	for k, v := range documentsTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
