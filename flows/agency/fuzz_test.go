package agency

import (
	"slices"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows/region"
)

// FuzzMatch feeds what an officer types after /disposisi: no match, or one
// agency of the list, the same whatever punctuation surrounds it; each
// agency's own code, name and aliases find it.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"dinkes", "  DINKES ", "kec-poncol", "kec poncol", "PUPR", "Dinas PUPR", "dpupr",
		"Satpol PP", "BKD", "Dinas Kesehatan", "kesehatan", "Sayidiman", "Kecamatan Magetan", "Magetan", "pangan",
		"dinas", "Bagian", "kes", "asdfghjk", "", "  !!  ", "İnspektorat", "ＤＩＮＫＥＳ", "dinkes\x00", "\xffdinkes"} {
		f.Add(s, uint8(0))
	}
	as := Default()
	f.Fuzz(func(t *testing.T, text string, pick uint8) {
		a, ok := Match(as, text)
		if !ok && a.Code != "" {
			t.Fatalf("Match(%q) = %q without a match", text, a.Code)
		}
		if ok && !slices.ContainsFunc(as, func(x Agency) bool { return x.Code == a.Code && x.Name == a.Name }) {
			t.Fatalf("Match(%q) = %+v, not in the list", text, a)
		}
		for _, decorated := range []string{" " + text + " ", "«" + text + "»!", strings.ReplaceAll(text, " ", "  ")} {
			b, ok2 := Match(as, decorated)
			if ok2 != ok || b.Code != a.Code {
				t.Fatalf("Match(%q) = %q, %v but Match(%q) = %q, %v", text, a.Code, ok, decorated, b.Code, ok2)
			}
		}
		// Every name an agency goes by finds it, however it is typed.
		want := as[int(pick)%len(as)]
		names := append([]string{want.Code, want.Name}, want.Aliases...)
		name := names[len(text)%len(names)]
		typed := strings.ToUpper(name) + strings.Repeat(".", len(text)%3)
		if got, ok := Match(as, typed); !ok || got.Code != want.Code {
			t.Fatalf("Match(%q) = %q, %v; want %q", typed, got.Code, ok, want.Code)
		}
	})
}

// FuzzSuggest feeds complaint texts to the routing suggestions: at most n,
// all different, from the list, the shorter list a prefix of the longer
// one; an agency named in the text is among them.
func FuzzSuggest(f *testing.F) {
	for _, s := range []string{"jalan berlubang di depan sekolah", "Jalan berlubang di depan sekolah, sudah 3 bulan!",
		"puskesmas tutup, bidan tidak ada", "sudah lapor ke Dinkes tapi tidak ada tanggapan", "mohon PUPR segera perbaiki",
		"sampah menumpuk di TPS dekat pasar", "KTP-el saya belum jadi", "anak saya ditolak di sekolah sd",
		"layanan paten lambat", "halo selamat pagi", "", "sekolah", "Dinsos belum menyalurkan, puskesmas juga"} {
		f.Add(s, "35.20.09", uint8(3), uint8(0))
	}
	f.Add("banjir dan tanah longsor", "", uint8(0), uint8(7))
	f.Add("pupuk subsidi langka", "35.20.01", uint8(200), uint8(55))
	as := Default()
	kec := region.Default().Kecamatan()
	f.Fuzz(func(t *testing.T, text, kecamatan string, n8, pick uint8) {
		if n8%4 == 0 && len(kecamatan) > 0 {
			kecamatan = kec[int(kecamatan[0])%len(kec)].Code
		}
		n := int(n8) - 8 // some n <= 0 too
		got := Suggest(as, text, kecamatan, n)
		if n <= 0 {
			if got != nil {
				t.Fatalf("Suggest(n=%d) = %v", n, codes(got))
			}
			return
		}
		if len(got) > n {
			t.Fatalf("Suggest(n=%d) gave %d", n, len(got))
		}
		seen := map[string]bool{}
		for _, a := range got {
			if seen[a.Code] || !slices.ContainsFunc(as, func(x Agency) bool { return x.Code == a.Code }) {
				t.Fatalf("Suggest(%q) = %v: repeated or unknown agency %q", text, codes(got), a.Code)
			}
			seen[a.Code] = true
		}
		all := Suggest(as, text, kecamatan, len(as))
		if !slices.Equal(codes(got), codes(all)[:len(got)]) {
			t.Fatalf("Suggest(n=%d) = %v is not the start of Suggest(n=%d) = %v", n, codes(got), len(as), codes(all))
		}
		// Naming an agency, in a sentence, puts it on the full list.
		want := as[int(pick)%len(as)]
		names := append([]string{want.Code, want.Name}, want.Aliases...)
		named := text + " - " + names[int(pick)%len(names)] + ", tolong."
		if list := codes(Suggest(as, named, kecamatan, len(as))); !slices.Contains(list, want.Code) {
			t.Fatalf("Suggest(%q) = %v does not include %q", named, list, want.Code)
		}
	})
}
