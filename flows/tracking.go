package flows

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// trackingAlphabet leaves out letters and digits that are misread or
// misheard when a number is read aloud or copied by hand: 0/O/Q/D-like
// pairs are kept apart, and 1, I, L, 2, Z, 5, S, 8, B, G, 6 are not used.
const trackingAlphabet = "34679ACDEFHJKMNPRTUVWXY"

// trackingLength gives 23^6 ≈ 148 million numbers: not guessable by trying,
// still short enough to read over the phone.
const trackingLength = 6

// NewTrackingID draws a random tracking number such as "MGT-7K3XFA".
func NewTrackingID(prefix string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte('-')
	max := big.NewInt(int64(len(trackingAlphabet)))
	for i := 0; i < trackingLength; i++ {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("flows: no randomness: " + err.Error())
		}
		b.WriteByte(trackingAlphabet[n.Int64()])
	}
	return b.String()
}

// ParseTrackingID accepts a tracking number the way people type it (lower
// case, spaces, without the dash or the prefix) and returns its canonical
// form.
func ParseTrackingID(s, prefix string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	code := b.String()
	// The prefix is taken off only when it is there in full: its letters
	// may also be tracking letters ("MAD" and a bare "MAD4CE").
	if p := strings.ToUpper(prefix); len(code) == len(p)+trackingLength && strings.HasPrefix(code, p) {
		code = code[len(p):]
	}
	if len(code) != trackingLength {
		return "", false
	}
	for _, r := range code {
		if !strings.ContainsRune(trackingAlphabet, r) {
			return "", false
		}
	}
	return prefix + "-" + code, true
}
