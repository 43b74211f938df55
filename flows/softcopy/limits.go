package softcopy

import "strconv"

// grouped writes a limit the workbook states with its thousands separated
// by sep ("32.767" in Indonesian, "32,767" in English), from the constant
// that enforces it rather than a literal.
func grouped(n int, sep string) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}
