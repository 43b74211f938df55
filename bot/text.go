package bot

import (
	"strings"
	"unicode/utf16"
)

// UTF16Len counts s the way Telegram (and WhatsApp) count message length:
// in UTF-16 code units, so an emoji outside the basic plane counts two.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// SplitText cuts s into chunks of at most limit UTF-16 units, preferring
// paragraph breaks, then line breaks, then spaces, and never cutting a
// character in two. It is a pure function of s: a resumed delivery cuts
// the same way.
func SplitText(s string, limit int) []string {
	var out []string
	for UTF16Len(s) > limit {
		// The longest prefix that fits, in bytes.
		cut, n := 0, 0
		for i, r := range s {
			if n+utf16.RuneLen(r) > limit {
				break
			}
			n += utf16.RuneLen(r)
			cut = i + len(string(r))
		}
		head := s[:cut]
		best := cut
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > cut/2 {
				best = i + len(sep)
				break
			}
		}
		out = append(out, strings.TrimRight(s[:best], " \n"))
		s = strings.TrimLeft(s[best:], " \n")
	}
	if s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}
