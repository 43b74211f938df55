package softcopy

import "testing"

func TestGroupedLimit(t *testing.T) {
	for _, c := range []struct {
		n    int
		sep  string
		want string
	}{{maxCellChars, ".", "32.767"}, {maxCellChars, ",", "32,767"}, {999, ".", "999"}, {1000, ",", "1,000"}, {1234567, ".", "1.234.567"}} {
		if got := grouped(c.n, c.sep); got != c.want {
			t.Errorf("grouped(%d, %q) = %q, want %q", c.n, c.sep, got, c.want)
		}
	}
}
