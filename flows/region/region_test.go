package region

import (
	"strings"
	"sync"
	"testing"
)

func TestEmbedded(t *testing.T) {
	r, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	if r.Name() != "Kabupaten Magetan" || r.Code() != "35.20" || r.Province() != "Jawa Timur" {
		t.Errorf("regency = %q %q %q", r.Name(), r.Code(), r.Province())
	}
	ks := r.Kecamatan()
	if len(ks) != 18 {
		t.Fatalf("%d kecamatan, want 18", len(ks))
	}
	villages, desa, kelurahan := 0, 0, 0
	codes := map[string]bool{}
	for _, k := range ks {
		for _, v := range k.Villages {
			villages++
			codes[v.Code] = true
			switch v.Type {
			case TypeDesa:
				desa++
			case TypeKelurahan:
				kelurahan++
			}
		}
	}
	if villages != 235 || desa != 207 || kelurahan != 28 || len(codes) != 235 {
		t.Errorf("%d villages (%d desa, %d kelurahan, %d codes), want 235 (207, 28)", villages, desa, kelurahan, len(codes))
	}
	if ks[0].Name != "Poncol" || ks[2].Name != "Lembeyan" || ks[17].Name != "Sidorejo" {
		t.Errorf("file order: %s, %s, %s", ks[0].Name, ks[2].Name, ks[17].Name)
	}
}

func TestDefault(t *testing.T) {
	if Default() == nil || Default() != Default() {
		t.Fatal("Default() should build one regency once")
	}
}

func TestParseRejectsBrokenData(t *testing.T) {
	good := string(embeddedYAML)
	tests := []struct {
		name, from, to, want string
	}{
		{"type against code", `{code: "35.20.01.2001", name: Poncol, type: desa}`, `{code: "35.20.01.2001", name: Poncol, type: kelurahan}`, "does not match"},
		{"village outside kecamatan", `{code: "35.20.01.2001", name: Poncol`, `{code: "35.20.02.2001", name: Poncol`, "not of the form"},
		{"count", "total_desa_kelurahan: 235", "total_desa_kelurahan: 234", "counts"},
		{"unknown field", "province: Jawa Timur", "province: Jawa Timur\n  provinsi: x", "provinsi"},
		{"duplicate name", "name: Parang\n", "name: Poncol\n", "duplicate name"},
		{"ambiguous", `Bogem: ["35.20.05.2013", "35.20.09.2013"]`, `Bogem: ["35.20.05.2013"]`, "ambiguous_names[Bogem]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.from) {
				t.Fatalf("fixture %q not found in the embedded file", tt.from)
			}
			_, err := parse([]byte(strings.Replace(good, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := parse(nil); err == nil {
		t.Fatal("parse accepted an empty file")
	}
}

func TestMatch(t *testing.T) {
	r := Default()
	tests := []struct {
		text string
		want string // kecamatan name; "" means no match
	}{
		{"Kec. Poncol", "Poncol"},
		{"PONCOL", "Poncol"},
		{"poncol", "Poncol"},
		{"kecamatan  plaosan", "Plaosan"},
		{"  Kecamatan Plaosan!! ", "Plaosan"},
		{"kec.plaosan", "Plaosan"},
		{"kec-poncol", "Poncol"}, // the slug
		{"Karang Rejo", "Karangrejo"},
		{"Karas", "Karas"}, // also a prefix of nothing else; exact wins anyway
		{"Magetan", "Magetan"},
		{"3", "Lembeyan"},
		{" 3. ", "Lembeyan"},
		{"kec 18", "Sidorejo"},
		{"1", "Poncol"},
		{"35.20.11", "Maospati"}, // Kemendagri code
		{"Maos", "Maospati"},
		{"maospa", "Maospati"},
		{"Ngunt", "Nguntoronadi"},
		{"Kart", "Kartoharjo"},

		{"Kara", ""},       // Karangrejo or Karas
		{"Maz", ""},        // prefix shorter than 4 letters
		{"Mao", ""},        // likewise, though unique
		{"0", ""},          // list numbers start at 1
		{"19", ""},         // only 18 kecamatan
		{"-3", "Lembeyan"}, // punctuation is ignored, so this is "3"
		{"", ""},
		{"kecamatan", ""},
		{"   ", ""},
		{"asdfgh", ""},
		{"Madiun", ""},
		{"Poncolx", ""},
		{"35.20", ""},
		{"Sukowidi", ""}, // a village, not a kecamatan
	}
	for _, tt := range tests {
		k, ok := r.Match(tt.text)
		if ok != (tt.want != "") || k.Name != tt.want {
			t.Errorf("Match(%q) = %q, %v; want %q", tt.text, k.Name, ok, tt.want)
		}
	}
}

func TestByCodeAndVillage(t *testing.T) {
	r := Default()
	k, ok := r.ByCode("35.20.07")
	if !ok || k.Name != "Plaosan" || k.Slug != "kec-plaosan" {
		t.Fatalf("ByCode(35.20.07) = %+v, %v", k, ok)
	}
	if _, ok := r.ByCode("35.20.19"); ok {
		t.Fatal("ByCode found a kecamatan that does not exist")
	}
	// Banjarejo is the name of three villages; codes tell them apart.
	for code, kec := range map[string]string{"35.20.08.2020": "Panekan", "35.20.12.2002": "Barat", "35.20.16.2012": "Ngariboyo"} {
		v, k, ok := r.Village(code)
		if !ok || v.Name != "Banjarejo" || k.Name != kec {
			t.Errorf("Village(%s) = %+v in %s, %v", code, v, k.Name, ok)
		}
	}
	v, _, ok := r.Village("35.20.17.2003")
	if !ok || len(v.Aliases) != 1 || v.Aliases[0] != "Gorang Gareng" {
		t.Errorf("Village(35.20.17.2003) = %+v", v)
	}
}

func TestReturnedValuesAreCopies(t *testing.T) {
	r := Default()
	k, _ := r.ByCode("35.20.17")
	k.Villages[2].Name = "changed"
	k.Villages[2].Aliases[0] = "changed"
	r.Kecamatan()[0].Villages[0].Name = "changed"
	k2, _ := r.ByCode("35.20.17")
	if k2.Villages[2].Name != "Goranggareng" || k2.Villages[2].Aliases[0] != "Gorang Gareng" || r.Kecamatan()[0].Villages[0].Name != "Alastuwo" {
		t.Fatal("callers can change the regency through returned values")
	}
}

func TestNearest(t *testing.T) {
	r := Default()
	for _, k := range r.Kecamatan() {
		got, km := r.Nearest(k.Lat, k.Lon)
		if got.Code != k.Code || km != 0 {
			t.Errorf("Nearest(centre of %s) = %s at %.3f km", k.Name, got.Name, km)
		}
		if !r.Inside(k.Lat, k.Lon) {
			t.Errorf("centre of %s is not Inside", k.Name)
		}
	}
	// A point 1 km or so from Poncol's centre.
	if got, km := r.Nearest(-7.7204+0.009, 111.2503); got.Name != "Poncol" || km < 0.9 || km > 1.1 {
		t.Errorf("Nearest near Poncol = %s at %.3f km", got.Name, km)
	}
}

func TestInside(t *testing.T) {
	r := Default()
	tests := []struct {
		name     string
		lat, lon float64
		want     bool
	}{
		{"regency centre", -7.6634, 111.3574, true},
		{"Telaga Sarangan", -7.6757, 111.2190, true},
		{"Madiun city, next door (~20 km)", -7.6298, 111.5239, true},
		{"Surakarta (~60 km)", -7.5666, 110.8166, false},
		{"Surabaya", -7.2575, 112.7521, false},
		{"Jakarta", -6.2088, 106.8456, false},
		{"null island", 0, 0, false},
	}
	for _, tt := range tests {
		if got := r.Inside(tt.lat, tt.lon); got != tt.want {
			t.Errorf("Inside(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestGreatCircleKm(t *testing.T) {
	// Jakarta (Monas) to Surabaya (Tugu Pahlawan) is about 663 km.
	if d := greatCircleKm(-6.1754, 106.8272, -7.2458, 112.7378); d < 655 || d > 670 {
		t.Errorf("Jakarta–Surabaya = %.1f km", d)
	}
	if d := greatCircleKm(-7.6, 111.3, -7.6, 111.3); d != 0 {
		t.Errorf("same point = %f", d)
	}
}

func TestConcurrentReads(t *testing.T) {
	r := Default()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				r.Match("kec. plaosan")
				r.Nearest(-7.7, 111.3)
				r.Kecamatan()
			}
		}()
	}
	wg.Wait()
}

func TestVillageIn(t *testing.T) {
	t.Parallel()
	r := Default()
	kec, ok := r.ByCode("35.20.06") // Magetan: a kelurahan of the same name
	if !ok {
		t.Fatal("no kecamatan Magetan")
	}
	for _, c := range []struct {
		address, want string
	}{
		{"Jl. Mawar No. 5 RT 02 RW 03, Kel. Selosari, rumah Bu Siti Rahayu", "Kelurahan Selosari"},
		{"depan pasar, desa baron", "Desa Baron"},
		{"Jl. Pahlawan, Kecamatan Magetan", ""},        // the kecamatan, not the kelurahan Magetan
		{"Jl. Pahlawan, Magetan", "Kelurahan Magetan"}, // a bare name is the kelurahan
		{"antara Selosari dan Tambran", ""},            // two villages: no match
		{"Selosarilor", ""},                            // whole words only
		{"", ""},
		{"Jl. Mawar 5, Sidomukti", ""}, // a village of another kecamatan
	} {
		v, ok := kec.VillageIn(c.address)
		got := ""
		if ok {
			got = v.Title()
		}
		if got != c.want {
			t.Errorf("VillageIn(%q) = %q, want %q", c.address, got, c.want)
		}
	}
}
