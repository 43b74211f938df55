package webchat

import (
	"regexp"
	"strings"
	"testing"
)

// TestErrorTextsTakeLimitsFromTheCode fails when a browser error text
// states a size or length limit as a literal number, and checks the
// message-length limit reads as the constant, grouped for its language.
func TestErrorTextsTakeLimitsFromTheCode(t *testing.T) {
	literal := regexp.MustCompile(`(?i)\b\d+(?:[.,]\d+)?\s*(?:hari|menit|jam|MB|KB|berkas|karakter|days?|minutes?|hours?|characters?|files?)\b`)
	for k, pair := range errorTexts {
		for _, s := range pair {
			if m := literal.FindString(s); m != "" {
				t.Errorf("error text %s states a literal limit %q: %q", k, m, s)
			}
		}
	}
	c := &Channel{}
	for lang, want := range map[string]string{"id": "lebih dari 10.000 karakter", "en": "over 10,000 characters"} {
		if got := c.text(lang, "toolong", thousands(lang, maxText)); !strings.Contains(got, want) {
			t.Errorf("toolong [%s] = %q, want %q", lang, got, want)
		}
	}
	for n, want := range map[int]string{7: "7", 999: "999", 1000: "1.000", 123456: "123.456", 1234567: "1.234.567"} {
		if got := thousands("id", n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
