package agency

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows/region"
)

// Codes of the agencies the routing tests expect, as the seed file names them.
const (
	publicWorks = "pupr"   // Dinas Pekerjaan Umum dan Penataan Ruang
	health      = "dinkes" // Dinas Kesehatan
)

func TestEmbedded(t *testing.T) {
	as, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	// Count the entries independently of the decoder.
	entries := bytes.Count(embeddedYAML, []byte("\n  - code: "))
	if entries != 57 || len(as) != entries {
		t.Fatalf("%d agencies decoded, %d entries in the file; want 57", len(as), entries)
	}
	byKind := map[string]int{}
	for _, a := range as {
		byKind[a.Kind]++
	}
	want := map[string]int{KindSekretariat: 11, KindInspektorat: 1, KindDinas: 19, KindBadan: 5, KindRSUD: 1, KindSatpol: 1, KindKecamatan: 18, KindLainnya: 1}
	for k, n := range want {
		if byKind[k] != n {
			t.Errorf("%d agencies of kind %s, want %d", byKind[k], k, n)
		}
	}
	for _, code := range []string{publicWorks, health} {
		if !slices.ContainsFunc(as, func(a Agency) bool { return a.Code == code }) {
			t.Errorf("no agency %q", code)
		}
	}
	if as[0].Code != "setda" || as[len(as)-1].Code != "kec-sidorejo" {
		t.Errorf("file order: first %q, last %q", as[0].Code, as[len(as)-1].Code)
	}
}

// The kecamatan offices must agree with the region package: same codes
// (region's slug) and same Kemendagri codes.
func TestKecamatanAgreeWithRegion(t *testing.T) {
	byWilayah := map[string]Agency{}
	for _, a := range Default() {
		if a.Kind == KindKecamatan {
			byWilayah[a.WilayahCode] = a
		}
	}
	ks := region.Default().Kecamatan()
	if len(byWilayah) != len(ks) {
		t.Fatalf("%d kecamatan offices, region has %d kecamatan", len(byWilayah), len(ks))
	}
	for _, k := range ks {
		a, ok := byWilayah[k.Code]
		if !ok || a.Code != k.Slug || a.Name != "Kecamatan "+k.Name {
			t.Errorf("kecamatan %s %s (%s): agency %+v", k.Code, k.Name, k.Slug, a)
		}
	}
}

func TestDefaultIsACopy(t *testing.T) {
	a := Default()
	a[0].Name = "changed"
	a[0].Aliases[0] = "changed"
	b := Default()
	if b[0].Name == "changed" || b[0].Aliases[0] == "changed" {
		t.Fatal("Default shares memory between calls")
	}
}

func TestParseRejectsBrokenData(t *testing.T) {
	good := string(embeddedYAML)
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"duplicate code", "code: dinsos\n", "code: dinkes\n", []string{`"dinkes": duplicate code`}},
		{"bad kind", "code: dinsos\n    name: \"Dinas Sosial\"\n    kind: dinas", "code: dinsos\n    name: \"Dinas Sosial\"\n    kind: department", []string{`unknown kind "department"`}},
		{"code not a slug", "code: dinsos\n", "code: Dinsos_1\n", []string{"lowercase letters"}},
		{"missing parent", "parent: setda\n", "parent: setdaa\n", []string{`parent "setdaa" does not exist`}},
		{"parent loop", "  - code: setda\n    name: \"Sekretariat Daerah\"\n    kind: sekretariat\n", "  - code: setda\n    name: \"Sekretariat Daerah\"\n    kind: sekretariat\n    parent: setda-umum\n", []string{"loops back"}},
		{"alias of another agency", `aliases: ["Disnaker"]`, `aliases: ["Dinkes Lama", "PUPR"]`, []string{`"PUPR" is also`}},
		{"kecamatan without wilayah code", `wilayah_code: "35.20.18"` + "\n", "", []string{"needs a wilayah_code"}},
		{"empty name", `name: "Dinas Sosial"`, `name: ""`, []string{"missing name"}},
		{"bad confidence", "confidence: estimate", "confidence: guess", []string{`unknown confidence "guess"`}},
		{"no source", "    source: \"github-code-index:2580100597\"\n", "", []string{"needs a source"}},
		{"unknown field", "kind: inspektorat\n", "kind: inspektorat\n    kepala: x\n", []string{"kepala"}},
		{"schema", "schema_version: 1", "schema_version: 2", []string{"schema_version 2"}},
		{"every problem", "code: dinsos\n    name: \"Dinas Sosial\"\n    kind: dinas", "code: dinkes\n    name: \"Dinas Sosial\"\n    kind: department",
			[]string{"duplicate code", `unknown kind "department"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.from) {
				t.Fatalf("fixture %q not found in the embedded file", tt.from)
			}
			_, err := parse([]byte(strings.Replace(good, tt.from, tt.to, 1)))
			if err == nil {
				t.Fatalf("parse accepted the file, want errors %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("parse error = %v\nwant one containing %q", err, w)
				}
			}
		})
	}
	if _, err := parse(nil); err == nil {
		t.Error("parse accepted an empty file")
	}
}

func TestValidate(t *testing.T) {
	if err := Validate(Default()); err != nil {
		t.Fatalf("Validate(Default()) = %v", err)
	}
	// An agency an admin adds needs no source or confidence.
	added := append(Default(), Agency{Code: "uptd-pasar", Name: "UPTD Pasar Sayur", Kind: KindLainnya, Parent: "disperindag"})
	if err := Validate(added); err != nil {
		t.Errorf("Validate with an added agency = %v", err)
	}
	dup := append(Default(), Agency{Code: "dinkes", Name: "Dinas Kesehatan Baru", Kind: "klinik"})
	err := Validate(dup)
	if err == nil || !strings.Contains(err.Error(), "duplicate code") || !strings.Contains(err.Error(), `unknown kind "klinik"`) {
		t.Errorf("Validate(duplicate, bad kind) = %v", err)
	}
}

func codes(as []Agency) []string {
	cs := make([]string, len(as))
	for i, a := range as {
		cs[i] = a.Code
	}
	return cs
}

func TestSuggest(t *testing.T) {
	as := Default()
	tests := []struct {
		text, kec string
		want      string // code of the first suggestion; "" for none
	}{
		{"jalan berlubang di depan sekolah", "", publicWorks},
		{"Jalan berlubang di depan sekolah, sudah 3 bulan!", "35.20.09", publicWorks},
		{"puskesmas tutup, bidan tidak ada", "", health},
		{"Puskesmas Tutup. Bidan tidak ada", "35.20.01", health},
		{"sudah lapor ke Dinkes tapi tidak ada tanggapan", "", health},
		{"mohon PUPR segera perbaiki", "", publicWorks},
		{"sampah menumpuk di TPS dekat pasar", "", "dlhp"},
		{"pupuk subsidi langka, kartu tani tidak bisa dipakai", "", "dtphp"},
		{"KTP-el saya belum jadi", "", "dispendukcapil"},
		{"banjir dan tanah longsor", "", "bpbd"},
		{"anak saya ditolak di sekolah sd", "", "dikpora"},
		{"layanan paten lambat", "35.20.09", "kec-sukomoro"},
		{"layanan paten lambat", "", "kec-barat"}, // a tie among the 18, broken by code
		{"", "35.20.09", "kec-sukomoro"},          // the bonus alone still suggests the office
		{"halo selamat pagi", "", ""},
		{"", "", ""},
		{"saluran", "", ""}, // only a whole phrase ("saluran tersumbat") counts
		{"pupr", "", publicWorks},
		// A topic's words apart still count, above a single word elsewhere.
		{"Saluran air di depan Puskesmas Plaosan tersumbat sampah", "", publicWorks},
		{"saluran di desa kami yang dekat rumah pak karto itu sudah lama tersumbat", "", ""}, // too far apart
	}
	for _, tt := range tests {
		got := Suggest(as, tt.text, tt.kec, 3)
		first := ""
		if len(got) > 0 {
			first = got[0].Code
		}
		if first != tt.want {
			t.Errorf("Suggest(%q, %q) = %v, want %q first", tt.text, tt.kec, codes(got), tt.want)
		}
	}

	// At most n, best first, ties by code, same answer every time.
	got := Suggest(as, "layanan paten lambat", "35.20.09", 4)
	if want := []string{"kec-sukomoro", "kec-barat", "kec-bendo", "kec-karangrejo"}; !slices.Equal(codes(got), want) {
		t.Errorf("Suggest(layanan paten) = %v, want %v", codes(got), want)
	}
	for range 20 {
		if again := Suggest(as, "layanan paten lambat", "35.20.09", 4); !slices.Equal(codes(again), codes(got)) {
			t.Fatalf("Suggest is not deterministic: %v then %v", codes(got), codes(again))
		}
	}
	if got := Suggest(as, "jalan berlubang", "", 0); got != nil {
		t.Errorf("Suggest(n=0) = %v", codes(got))
	}
	// An alias outweighs a topic word of another agency.
	if got := Suggest(as, "Dinsos belum menyalurkan, puskesmas juga", "", 2); !slices.Equal(codes(got), []string{"dinsos", health}) {
		t.Errorf("Suggest(alias and topic) = %v", codes(got))
	}
	// Results do not share memory with the input.
	got = Suggest(as, "puskesmas", "", 1)
	got[0].Topics[0] = "changed"
	if as[slices.IndexFunc(as, func(a Agency) bool { return a.Code == health })].Topics[0] == "changed" {
		t.Error("Suggest returned an agency sharing memory with its input")
	}
}

func TestMatch(t *testing.T) {
	as := Default()
	tests := []struct {
		text string
		want string // code; "" means no match
	}{
		{"dinkes", health},              // code
		{"  DINKES ", health},           // code, any case
		{"kec-poncol", "kec-poncol"},    // code with a dash
		{"kec poncol", "kec-poncol"},    // punctuation does not matter
		{"PUPR", publicWorks},           // code that is also how people write it
		{"Dinas PUPR", publicWorks},     // alias
		{"dpupr", publicWorks},          // alias, any case
		{"Satpol PP", "satpolpp"},       // alias of two words
		{"BKD", "bkpsdm"},               // former name
		{"Dinas Kesehatan", health},     // full name
		{"kesehatan", health},           // unique piece of a name
		{"Sayidiman", "rsud-sayidiman"}, // unique piece of a name
		{"Kecamatan Magetan", "kec-magetan"},
		{"Magetan", ""},  // Kecamatan Magetan or RSUD … Magetan
		{"pangan", ""},   // two dinas have "Pangan" in their names
		{"dinas", ""},    // nineteen
		{"Bagian", ""},   // ten
		{"kes", ""},      // fewer than 4 letters
		{"asdfghjk", ""}, // garbage
		{"", ""},
		{"  !!  ", ""},
	}
	for _, tt := range tests {
		a, ok := Match(as, tt.text)
		if ok != (tt.want != "") || a.Code != tt.want {
			t.Errorf("Match(%q) = %q, %v; want %q", tt.text, a.Code, ok, tt.want)
		}
	}
	// An alias two agencies share (possible in an unvalidated list) is ambiguous.
	two := []Agency{
		{Code: "a", Name: "Dinas A", Kind: KindDinas, Aliases: []string{"DX"}},
		{Code: "b", Name: "Dinas B", Kind: KindDinas, Aliases: []string{"dx"}},
	}
	if a, ok := Match(two, "DX"); ok {
		t.Errorf("Match(shared alias) = %q, want no match", a.Code)
	}
}
