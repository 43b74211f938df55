package webchat

import "strconv"

// thousands writes n for a limit the browser states, grouped the way its
// language reads numbers: "10.000" in Indonesian, "10,000" in English.
func thousands(lang string, n int) string {
	sep := "."
	if lang == "en" {
		sep = ","
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}
