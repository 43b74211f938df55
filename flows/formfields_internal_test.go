package flows

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSuggestTitle(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("saluran ", 30)
	for desc, want := range map[string]string{
		"jalan berlubang di depan pasar.":  "Jalan berlubang di depan pasar",
		"  Lampu\n\nmati!  ":               "Lampu mati",
		long:                               "S" + strings.TrimSpace(strings.Repeat("saluran ", 10))[1:] + "…", // 10×8-1 = 79 runes and "…"
		strings.Repeat("x", 200):           "X" + strings.Repeat("x", maxTitle-2) + "…",
		"":                                 "",
		"Pelayanan di puskesmas lambat – ": "Pelayanan di puskesmas lambat",
	} {
		got := suggestTitle(desc)
		if got != want {
			t.Errorf("suggestTitle(%.30q) = %q, want %q", desc, got, want)
		}
		if n := utf8.RuneCountInString(got); n > maxTitle {
			t.Errorf("suggestTitle(%.30q) has %d runes", desc, n)
		}
	}
}

func TestParseContact(t *testing.T) {
	t.Parallel()
	for typed, want := range map[string]string{
		"0812-3456-7890": "+6281234567890", "+62 812 3456 7890": "+6281234567890", "siti@contoh.id": "siti@contoh.id",
		"(0351) 891234": "+62351891234",
	} {
		if got, ok := parseContact(typed); !ok || got != want {
			t.Errorf("parseContact(%q) = %q %v, want %q", typed, got, ok, want)
		}
	}
	for _, typed := range []string{"", "besok saja", "siti@", "siti@contoh", "Siti <siti@contoh.id>", "12345", "a b@c.id", "@contoh.id"} {
		if got, ok := parseContact(typed); ok {
			t.Errorf("parseContact(%q) = %q, want refused", typed, got)
		}
	}
}
