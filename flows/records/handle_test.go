package records

import "testing"

func TestReadableHandle(t *testing.T) {
	for in, want := range map[string]string{
		"6281234567890@s.whatsapp.net": "+62 812-3456-7890",
		"628123456789@s.whatsapp.net":  "+62 812-3456-789",
		"31612345678@s.whatsapp.net":   "+31612345678",
		"budi_tg":                      "budi_tg",
		"":                             "",
		"@s.whatsapp.net":              "@s.whatsapp.net",
		"12a@s.whatsapp.net":           "12a@s.whatsapp.net",
		"123456789012345@lid":          "123456789012345@lid",
	} {
		if got := ReadableHandle(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
