package category

import (
	"testing"

	"github.com/lapor-id/lapor/flows/agency"
)

// Every seed agency has a default category, named by the list.
func TestEverySeedAgencyHasACategory(t *testing.T) {
	t.Parallel()
	for _, a := range agency.Default() {
		code := ForAgency(a)
		if _, ok := ByCode(code); !ok {
			t.Errorf("%s: category %q is not in the list", a.Code, code)
		}
		if code == Other {
			t.Errorf("%s (%s): no category of its own", a.Code, a.Kind)
		}
	}
	f := embedded()
	seed := map[string]bool{}
	for _, a := range agency.Default() {
		seed[a.Code] = true
	}
	for code := range f.Agencies {
		if !seed[code] {
			t.Errorf("categories.yaml maps %q, which is no seed agency", code)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"Jalan di desa kami berlubang besar dan membahayakan pengendara motor.": "infrastruktur",
		"Pelayanan di puskesmas sangat lambat, antrean obat sampai siang.":      "kesehatan",
		"Pembuatan KTP elektronik saya sudah tiga bulan belum jadi.":            "kependudukan",
		"Sampah menumpuk di pinggir sungai dan baunya menyengat.":               "lingkungan",
		"Saya ingin menyampaikan terima kasih.":                                 Other,
	} {
		if got := Suggest(text); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for typed, want := range map[string]string{
		"kesehatan": "kesehatan", "Lingkungan": "lingkungan", "  PERHUBUNGAN ": "perhubungan", "pelayanan-publik": "pelayanan-publik",
		"Health": "kesehatan", "topik lainnya": Other,
	} {
		c, ok := Match(typed)
		if !ok || c.Code != want {
			t.Errorf("Match(%q) = %q %v, want %q", typed, c.Code, ok, want)
		}
	}
	for _, typed := range []string{"", "pe", "xyz"} { // "pe": several start so
		if c, ok := Match(typed); ok {
			t.Errorf("Match(%q) = %q, want no match", typed, c.Code)
		}
	}
	if Label("hilang", "id") != "hilang" || Label("tik", "en") != "Information technology and communication" {
		t.Error("Label")
	}
}
