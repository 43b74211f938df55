package hardcopy

import (
	_ "embed"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"
)

// The printouts are set in DejaVu Sans Condensed 2.37 (the width of Helvetica, so a page holds what it held) (fonts/, unmodified, under the
// Bitstream Vera licence with DejaVu's public-domain changes: fonts/LICENSE),
// embedded in the binary and subset into each PDF. It covers Latin with
// every accent, Greek, Cyrillic, Arabic, Hebrew and most symbols, so what a
// citizen types prints as typed. A character none of its faces has (an
// emoji, a CJK or Javanese letter) prints as a visible placeholder, never
// as "?" (missingText).
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	sansRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	sansBold []byte
	//go:embed fonts/DejaVuSansCondensed-Oblique.ttf
	sansOblique []byte
)

// faces are the styles the documents use, by fpdf's style letter.
var faces = []struct {
	style string
	ttf   []byte
}{{"", sansRegular}, {"B", sansBold}, {"I", sansOblique}}

// parsed holds each face's character map, read once.
var parsed = sync.OnceValue(func() []*sfnt.Font {
	out := make([]*sfnt.Font, 0, len(faces))
	for _, f := range faces {
		sf, err := sfnt.Parse(f.ttf)
		if err != nil {
			panic("hardcopy: embedded font: " + err.Error()) // the binary is broken
		}
		out = append(out, sf)
	}
	return out
})

var (
	coveredMu sync.Mutex
	coveredBy = map[rune]bool{}
)

// covered reports whether every face has a glyph for r that fpdf can set:
// fpdf's UTF-8 fonts reach the Basic Multilingual Plane only, so the few
// emoji DejaVu draws above it print as placeholders too.
func covered(r rune) bool {
	if r > 0xFFFF {
		return false
	}
	coveredMu.Lock()
	defer coveredMu.Unlock()
	if ok, seen := coveredBy[r]; seen {
		return ok
	}
	ok := true
	var buf sfnt.Buffer
	for _, f := range parsed() {
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			ok = false
			break
		}
	}
	coveredBy[r] = ok
	return ok
}

// isEmoji reports whether r is a pictograph a phone's keyboard offers as an
// emoji (the ranges of Unicode's emoji blocks and the older symbols they
// took in).
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, // mahjong … symbols and pictographs extended-A
		r >= 0x2600 && r <= 0x27BF,   // miscellaneous symbols, dingbats
		r >= 0x2B00 && r <= 0x2BFF,   // arrows and stars used as emoji
		r >= 0x1F1E6 && r <= 0x1F1FF: // flags
		return true
	}
	return unicode.Is(unicode.So, r) && r > 0xFFFF
}
