package hardcopy

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// fpdf (v0.12.0) gives every UTF-8 font the ToUnicode map below: one
// range from <0000> to <FFFF>. The PDF specification lets a range's
// destination vary in its last byte only, so a reader that follows it
// (the one our tests use, and text-extraction and screen-reader tools
// like it) maps "–" (U+2013) to U+0013: the printout looks right and
// reads wrong. fixToUnicode swaps the map for the same identity in 256
// ranges that each stay within one high byte, and moves the
// cross-reference offsets by what that adds. A PDF without fpdf's map
// (another version) is left as it is; TestReportCharacters notices.
const fpdfToUnicode = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"

// identityToUnicode maps every two-byte code to the same UTF-16 unit, in
// blocks of at most 100 ranges (the specification's limit per block).
var identityToUnicode = func() string {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for start := 0; start < 256; start += 100 {
		end := min(start+100, 256)
		fmt.Fprintf(&b, "%d beginbfrange\n", end-start)
		for hi := start; hi < end; hi++ {
			fmt.Fprintf(&b, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi)
		}
		b.WriteString("endbfrange\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.String()
}()

func toUnicodeStream(cmap string) []byte {
	return []byte("<</Length " + strconv.Itoa(len(cmap)) + ">>\nstream\n" + cmap + "\nendstream")
}

// fixToUnicode returns pdf with fpdf's ToUnicode maps replaced (above).
func fixToUnicode(pdf []byte) []byte {
	old, repl := toUnicodeStream(fpdfToUnicode), toUnicodeStream(identityToUnicode)
	var at []int // where each old map starts
	for i := 0; ; {
		j := bytes.Index(pdf[i:], old)
		if j < 0 {
			break
		}
		at = append(at, i+j)
		i += j + len(old)
	}
	xref := bytes.LastIndex(pdf, []byte("\nxref\n"))
	if len(at) == 0 || xref < 0 {
		return pdf
	}
	grow := len(repl) - len(old)
	shift := func(offset int) int { // where a byte at offset moves to
		n := 0
		for _, a := range at {
			if a < offset {
				n++
			}
		}
		return offset + n*grow
	}
	body := bytes.ReplaceAll(pdf[:xref+1], old, repl)
	// The table: "xref", "0 N", then one 20-byte line per object.
	lines := strings.Split(string(pdf[xref+1:]), "\n")
	for i, l := range lines {
		if i >= 3 && strings.HasSuffix(l, " 00000 n ") {
			o, err := strconv.Atoi(l[:10])
			if err != nil {
				return pdf
			}
			lines[i] = fmt.Sprintf("%010d 00000 n ", shift(o))
		}
		if l == "startxref" && i+1 < len(lines) {
			if _, err := strconv.Atoi(lines[i+1]); err != nil {
				return pdf
			}
			lines[i+1] = strconv.Itoa(shift(xref + 1))
		}
	}
	return append(body, strings.Join(lines, "\n")...)
}
