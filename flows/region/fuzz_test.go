package region

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzMatch feeds what a citizen types at "which kecamatan?": no match, or
// a kecamatan of the regency, the same one whatever case, punctuation or
// "Kec." the citizen adds around the words.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"Kec. Poncol", "PONCOL", "kecamatan  plaosan", "  Kecamatan Plaosan!! ", "kec.plaosan",
		"kec-poncol", "Karang Rejo", "Karas", "Kara", "Maos", "Mao", "3", " 3. ", "kec 18", "0", "19", "-3", "35.20.11",
		"35.20", "", "kecamatan", "Madiun", "Poncolx", "Sukowidi", "Jl. Raya Sidomukti No. 5, Plaosan", "Ｐｏｎｃｏｌ",
		"99999999999999999999", "kec kec kecamatan 1", "ΣΊΣΥΦΟΣ", "\xff\xfeplaosan"} {
		f.Add(s)
	}
	r := Default()
	f.Fuzz(func(t *testing.T, text string) {
		k, ok := r.Match(text)
		if !ok {
			if k.Code != "" || k.Name != "" {
				t.Fatalf("Match(%q) = %+v without a match", text, k)
			}
		} else if byCode, found := r.ByCode(k.Code); !found || byCode.Name != k.Name || byCode.Slug != k.Slug {
			t.Fatalf("Match(%q) = %+v, not a kecamatan of the regency", text, k)
		}
		if _, code := r.ByCode(strings.TrimSpace(text)); code {
			return // a Kemendagri code is taken as typed, without decoration
		}
		for _, decorated := range []string{"Kec. " + text, "  kecamatan " + text + " !!", strings.ToLower(text) + ".", "(" + text + ")"} {
			k2, ok2 := r.Match(decorated)
			if ok2 != ok || k2.Code != k.Code {
				t.Fatalf("Match(%q) = %q, %v but Match(%q) = %q, %v", text, k.Name, ok, decorated, k2.Name, ok2)
			}
		}
	})
}

// FuzzMatchTypedName types each kecamatan's name the way people do, in any
// case, with spaces, dots or dashes between letters and an optional "kec"
// in front: it is always that kecamatan.
func FuzzMatchTypedName(f *testing.F) {
	f.Add(uint8(0), []byte{})
	f.Add(uint8(8), []byte{0, 1, 0, 0, 0, 0, 2})
	f.Add(uint8(11), []byte{3, 3, 3, 3, 3, 3, 3, 3, 3})
	f.Add(uint8(17), []byte{4, 0, 5, 1})
	r := Default()
	ks := r.Kecamatan()
	f.Fuzz(func(t *testing.T, i uint8, how []byte) {
		k := ks[int(i)%len(ks)]
		var b strings.Builder
		switch len(how) % 3 {
		case 1:
			b.WriteString("kec. ")
		case 2:
			b.WriteString("Kecamatan ")
		}
		for j, c := range k.Name {
			h := byte(0)
			if j < len(how) {
				h = how[j]
			}
			if h&1 != 0 {
				c = unicode.ToUpper(c)
			} else {
				c = unicode.ToLower(c)
			}
			b.WriteRune(c)
			b.WriteString([]string{"", "", " ", ".", "-", "  ", ", ", ""}[h>>1&7])
		}
		typed := b.String()
		got, ok := r.Match(typed)
		if !ok || got.Code != k.Code {
			t.Fatalf("Match(%q) = %q, %v; want %s", typed, got.Name, ok, k.Name)
		}
	})
}
