package flows

// Texts of the first-response deadline in a desk's queue and digest
// (flows/queuefirstresponse.go). Merged into texts at start-up.
var escalationTexts = map[string][2]string{
	"queue.fr.due":  {" · ⏳ respon awal paling lambat %s", " · ⏳ first response due %s"},
	"queue.fr.over": {" · 🔴 respon awal terlambat %d hari kerja (batas %s)", " · 🔴 first response %d working days late (due %s)"},
}

func init() {
	for k, v := range escalationTexts {
		if _, dup := texts[k]; dup {
			panic("flows: text " + k + " defined twice")
		}
		texts[k] = v
	}
}
