// Package phone reads phone numbers as people in Indonesia type them
// ("0812-3456-7890", "+62 812 3456 7890", "62812…", "(0351) 891234") and
// writes them in the one form WhatsApp and lapor use: international digits
// without "+", e.g. "6281234567890".
package phone

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotANumber means the text is no phone number.
var ErrNotANumber = errors.New("not a phone number")

// Normalize returns the international digits of a number: a leading "0"
// (or a bare "8…" mobile number) is Indonesia's trunk prefix and becomes
// "62"; "+" or "00" introduces any country code; spaces, dots, dashes and
// brackets are dropped. The result has 10 to 15 digits (E.164).
func Normalize(s string) (string, error) {
	s = strings.TrimSpace(s)
	international := false
	switch {
	case strings.HasPrefix(s, "+"):
		international, s = true, s[1:]
	case strings.HasPrefix(s, "00"):
		international, s = true, s[2:]
	}
	var d strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", fmt.Errorf("%w: %q", ErrNotANumber, s)
		}
	}
	n := d.String()
	switch {
	case international:
	case strings.HasPrefix(n, "62"):
	case strings.HasPrefix(n, "0"):
		n = "62" + n[1:]
	case strings.HasPrefix(n, "8"):
		n = "62" + n
	default:
		return "", fmt.Errorf("%w: %q (write it as 08…, +62… or 62…)", ErrNotANumber, s)
	}
	if len(n) < 10 || len(n) > 15 || n[0] == '0' {
		return "", fmt.Errorf("%w: %q has %d digits", ErrNotANumber, s, len(n))
	}
	if strings.HasPrefix(n, "620") {
		return "", fmt.Errorf("%w: %q (after +62 comes no 0)", ErrNotANumber, s)
	}
	return n, nil
}
