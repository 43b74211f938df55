// Package region owns the map of Kabupaten Magetan as lapor knows it: the 18
// kecamatan (districts) with their centre points and the 235 desa/kelurahan
// (villages) with their Kemendagri codes, embedded from wilayah-magetan.yaml.
// It turns what a citizen types ("kec. poncol", "3") or a shared location
// pin into a kecamatan. Village names repeat across kecamatan, so villages
// are identified by code, never by name.
//
// A Regency is immutable and safe for concurrent use; values it returns are
// copies.
package region

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Kecamatan is a district of the regency.
type Kecamatan struct {
	Code    string // Kemendagri code, e.g. "35.20.01"
	BPSCode string // BPS (statistics) code, e.g. "3520010"
	Name    string // e.g. "Poncol"
	Slug    string // e.g. "kec-poncol", the agency code of the kecamatan office
	// Lat and Lon are the centroid of the district polygon (not the office).
	Lat, Lon float64
	Villages []Village
}

// Village is a desa or kelurahan.
type Village struct {
	Code string // Kemendagri code, e.g. "35.20.01.2001"; unique, unlike Name
	Name string
	Type string // "desa" or "kelurahan"
	// Aliases are other spellings found in official lists ("Gorang Gareng").
	Aliases []string
}

// Village types.
const (
	TypeDesa      = "desa"
	TypeKelurahan = "kelurahan"
)

// insideRadiusKm is how far from the regency centre a point may be and still
// count as inside. Magetan is about 30 km across at its widest; 40 km leaves
// room for its edges without accepting points deep in Ngawi or Madiun.
const insideRadiusKm = 40

// Regency is Kabupaten Magetan: its kecamatan in file order and their villages.
type Regency struct {
	code          string
	name          string
	province      string
	centerLat     float64
	centerLon     float64
	kecamatan     []Kecamatan
	byCode        map[string]int    // kecamatan code → index
	villageByCode map[string][2]int // village code → kecamatan index, village index
	matchKeys     []string          // matchKey of each kecamatan name
	dataAsOf      string
}

//go:embed wilayah-magetan.yaml
var embeddedYAML []byte

// Embedded parses and validates the embedded wilayah-magetan.yaml.
func Embedded() (*Regency, error) {
	r, err := parse(embeddedYAML)
	if err != nil {
		return nil, fmt.Errorf("embedded wilayah-magetan.yaml: %w", err)
	}
	return r, nil
}

var defaultRegency = sync.OnceValue(func() *Regency {
	r, err := Embedded()
	if err != nil {
		panic(fmt.Sprintf("region: %v", err))
	}
	return r
})

// Default is the embedded regency. It panics only if the embedded file is
// broken, which a test rules out.
func Default() *Regency { return defaultRegency() }

// Name is the regency's name, "Kabupaten Magetan".
func (r *Regency) Name() string { return r.name }

// Code is the regency's Kemendagri code, "35.20".
func (r *Regency) Code() string { return r.code }

// Province is the province the regency is in, "Jawa Timur".
func (r *Regency) Province() string { return r.province }

// DataAsOf is the date of the newest source the embedded file was built from.
func (r *Regency) DataAsOf() string { return r.dataAsOf }

// Center is the centroid of the regency polygon.
func (r *Regency) Center() (lat, lon float64) { return r.centerLat, r.centerLon }

// Kecamatan returns every kecamatan in file order (Kemendagri code order), the
// order a numbered list shown to a citizen uses: Match accepts these numbers.
func (r *Regency) Kecamatan() []Kecamatan {
	ks := make([]Kecamatan, len(r.kecamatan))
	for i, k := range r.kecamatan {
		ks[i] = k.clone()
	}
	return ks
}

// ByCode finds a kecamatan by its Kemendagri code ("35.20.01").
func (r *Regency) ByCode(code string) (Kecamatan, bool) {
	i, ok := r.byCode[code]
	if !ok {
		return Kecamatan{}, false
	}
	return r.kecamatan[i].clone(), true
}

// Village finds a village by its Kemendagri code ("35.20.01.2001") and
// returns it with its kecamatan.
func (r *Regency) Village(code string) (Village, Kecamatan, bool) {
	ij, ok := r.villageByCode[code]
	if !ok {
		return Village{}, Kecamatan{}, false
	}
	k := r.kecamatan[ij[0]].clone()
	return k.Villages[ij[1]], k, true
}

// Match finds the kecamatan a citizen means. It is tolerant of how people
// type: case, extra spaces and punctuation do not matter, a leading "kec",
// "kec." or "kecamatan" is ignored, and so are spaces inside the name
// ("karang rejo"). It accepts, in this order: a Kemendagri code; the 1-based
// number of the kecamatan in the Kecamatan() list ("3"); the name; a prefix
// of at least 4 letters that only one kecamatan name starts with ("maos").
// Anything else, including an ambiguous prefix ("kara": Karangrejo or
// Karas), is no match.
func (r *Regency) Match(text string) (Kecamatan, bool) {
	if k, ok := r.ByCode(strings.TrimSpace(text)); ok {
		return k, true
	}
	key := matchKey(text)
	if key == "" {
		return Kecamatan{}, false
	}
	if isDigits(key) {
		n, err := strconv.Atoi(key)
		if err != nil || n < 1 || n > len(r.kecamatan) {
			return Kecamatan{}, false
		}
		return r.kecamatan[n-1].clone(), true
	}
	if i := slices.Index(r.matchKeys, key); i >= 0 {
		return r.kecamatan[i].clone(), true
	}
	if utf8.RuneCountInString(key) < 4 {
		return Kecamatan{}, false
	}
	found := -1
	for i, k := range r.matchKeys {
		if strings.HasPrefix(k, key) {
			if found >= 0 {
				return Kecamatan{}, false // ambiguous
			}
			found = i
		}
	}
	if found < 0 {
		return Kecamatan{}, false
	}
	return r.kecamatan[found].clone(), true
}

// Nearest returns the kecamatan whose centre point is closest to (lat, lon)
// by great-circle distance, and that distance in kilometres. Centres are
// polygon centroids, so near a border the answer is a guess to confirm with
// the citizen. It does not check that the point is in the regency; see Inside.
func (r *Regency) Nearest(lat, lon float64) (k Kecamatan, distanceKm float64) {
	best, bestKm := -1, math.Inf(1)
	for i, kc := range r.kecamatan {
		if d := greatCircleKm(lat, lon, kc.Lat, kc.Lon); d < bestKm {
			best, bestKm = i, d
		}
	}
	if best < 0 {
		return Kecamatan{}, bestKm
	}
	return r.kecamatan[best].clone(), bestKm
}

// Inside roughly checks that (lat, lon) is in the regency: within 40 km of
// its centre. It catches a pin dropped in another city, not one a few
// kilometres over the border.
func (r *Regency) Inside(lat, lon float64) bool {
	return greatCircleKm(lat, lon, r.centerLat, r.centerLon) <= insideRadiusKm
}

func (k Kecamatan) clone() Kecamatan {
	k.Villages = slices.Clone(k.Villages)
	for i := range k.Villages {
		k.Villages[i].Aliases = slices.Clone(k.Villages[i].Aliases)
	}
	return k
}

// matchKey normalises typed text for Match: lower case, letters and digits
// only, a leading "kec"/"kecamatan" dropped, the remaining words joined.
func matchKey(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for len(words) > 0 && (words[0] == "kec" || words[0] == "kecamatan") {
		words = words[1:]
	}
	return strings.Join(words, "")
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// earthRadiusKm is the mean Earth radius (IUGG).
const earthRadiusKm = 6371.0088

// greatCircleKm is the great-circle (haversine) distance between two points.
func greatCircleKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(a, 1)))
}

type point struct {
	Lat float64 `yaml:"lat"`
	Lon float64 `yaml:"lon"`
}

func (p point) valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180 && (p.Lat != 0 || p.Lon != 0)
}

type regionFile struct {
	SchemaVersion int    `yaml:"schema_version"`
	DataAsOf      string `yaml:"data_as_of"`
	Kabupaten     struct {
		Code     string `yaml:"code"`
		BPSCode  string `yaml:"bps_code"`
		Name     string `yaml:"name"`
		Province string `yaml:"province"`
		Center   point  `yaml:"center"`
	} `yaml:"kabupaten"`
	Counts struct {
		Kecamatan          int `yaml:"kecamatan"`
		Desa               int `yaml:"desa"`
		Kelurahan          int `yaml:"kelurahan"`
		TotalDesaKelurahan int `yaml:"total_desa_kelurahan"`
	} `yaml:"counts"`
	AmbiguousNames map[string][]string `yaml:"ambiguous_names"`
	Kecamatan      []struct {
		Code           string `yaml:"code"`
		BPSCode        string `yaml:"bps_code"`
		Name           string `yaml:"name"`
		Slug           string `yaml:"slug"`
		Center         point  `yaml:"center"`
		DesaCount      int    `yaml:"desa_count"`
		KelurahanCount int    `yaml:"kelurahan_count"`
		Villages       []struct {
			Code    string   `yaml:"code"`
			Name    string   `yaml:"name"`
			Type    string   `yaml:"type"`
			Aliases []string `yaml:"aliases"`
		} `yaml:"villages"`
	} `yaml:"kecamatan"`
}

// parse decodes and cross-checks a wilayah file: codes nest and are unique,
// village types agree with their codes (x.1xxx kelurahan, x.2xxx desa), the
// counts in the file add up, and ambiguous_names lists exactly the repeated
// village names. It reports every problem found.
func parse(b []byte) (*Regency, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f regionFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty wilayah file")
		}
		return nil, fmt.Errorf("decoding wilayah file: %w", err)
	}

	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if f.SchemaVersion != 1 {
		fail("schema_version %d: want 1", f.SchemaVersion)
	}
	kab := f.Kabupaten
	if kab.Code == "" || kab.Name == "" {
		fail("kabupaten: missing code or name")
	}
	if !kab.Center.valid() {
		fail("kabupaten: invalid center %+v", kab.Center)
	}

	r := &Regency{
		code:          kab.Code,
		name:          kab.Name,
		province:      kab.Province,
		centerLat:     kab.Center.Lat,
		centerLon:     kab.Center.Lon,
		byCode:        make(map[string]int, len(f.Kecamatan)),
		villageByCode: make(map[string][2]int),
		dataAsOf:      f.DataAsOf,
	}
	slugs := map[string]bool{}
	villageCodesByName := map[string][]string{}
	desa, kelurahan := 0, 0
	for i, fk := range f.Kecamatan {
		where := fmt.Sprintf("kecamatan[%d] (%s %s)", i, fk.Code, fk.Name)
		if !strings.HasPrefix(fk.Code, kab.Code+".") {
			fail("%s: code outside regency %s", where, kab.Code)
		}
		if _, dup := r.byCode[fk.Code]; dup {
			fail("%s: duplicate code", where)
		}
		key := matchKey(fk.Name)
		if key == "" || slices.Contains(r.matchKeys, key) {
			fail("%s: empty or duplicate name", where)
		}
		if isDigits(key) {
			fail("%s: a name of digits would clash with list numbers", where)
		}
		if fk.Slug == "" || slugs[fk.Slug] {
			fail("%s: empty or duplicate slug %q", where, fk.Slug)
		}
		slugs[fk.Slug] = true
		if !fk.Center.valid() {
			fail("%s: invalid center %+v", where, fk.Center)
		}

		k := Kecamatan{
			Code:    fk.Code,
			BPSCode: fk.BPSCode,
			Name:    fk.Name,
			Slug:    fk.Slug,
			Lat:     fk.Center.Lat,
			Lon:     fk.Center.Lon,
		}
		kd, kl := 0, 0
		for j, fv := range fk.Villages {
			vwhere := fmt.Sprintf("%s village %s %s", where, fv.Code, fv.Name)
			local, ok := strings.CutPrefix(fv.Code, fk.Code+".")
			if !ok || len(local) != 4 || !isDigits(local) {
				fail("%s: code not of the form %s.Nxxx", vwhere, fk.Code)
			}
			if _, dup := r.villageByCode[fv.Code]; dup {
				fail("%s: duplicate code", vwhere)
			}
			if fv.Name == "" {
				fail("%s: missing name", vwhere)
			}
			// Kemendagri convention: the first digit of the village part
			// is 1 for a kelurahan and 2 for a desa.
			switch {
			case fv.Type == TypeKelurahan && strings.HasPrefix(local, "1"):
				kl++
			case fv.Type == TypeDesa && strings.HasPrefix(local, "2"):
				kd++
			default:
				fail("%s: type %q does not match the code", vwhere, fv.Type)
			}
			r.villageByCode[fv.Code] = [2]int{i, j}
			villageCodesByName[fv.Name] = append(villageCodesByName[fv.Name], fv.Code)
			k.Villages = append(k.Villages, Village{
				Code:    fv.Code,
				Name:    fv.Name,
				Type:    fv.Type,
				Aliases: fv.Aliases,
			})
		}
		if kd != fk.DesaCount || kl != fk.KelurahanCount {
			fail("%s: %d desa and %d kelurahan listed, counts say %d and %d", where, kd, kl, fk.DesaCount, fk.KelurahanCount)
		}
		desa += kd
		kelurahan += kl
		r.byCode[fk.Code] = i
		r.matchKeys = append(r.matchKeys, key)
		r.kecamatan = append(r.kecamatan, k)
	}

	c := f.Counts
	if len(r.kecamatan) != c.Kecamatan || desa != c.Desa || kelurahan != c.Kelurahan || desa+kelurahan != c.TotalDesaKelurahan {
		fail("counts: file has %d kecamatan, %d desa, %d kelurahan; header says %d, %d, %d (total %d)",
			len(r.kecamatan), desa, kelurahan, c.Kecamatan, c.Desa, c.Kelurahan, c.TotalDesaKelurahan)
	}
	for name, codes := range villageCodesByName {
		listed := f.AmbiguousNames[name]
		if len(codes) > 1 && !sameSet(codes, listed) {
			fail("ambiguous_names[%s] = %v, villages with that name: %v", name, listed, codes)
		}
	}
	for name, codes := range f.AmbiguousNames {
		if len(villageCodesByName[name]) < 2 {
			fail("ambiguous_names[%s] = %v: name is not repeated", name, codes)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// VillageIn finds the village of the kecamatan that an address names
// ("Jl. Mawar 5, Desa Sukowidi" names Sukowidi), by whole words, its
// name or an alias. A village whose name is only part of a longer one
// that also matches does not count; two different villages, or none, is
// no match. "Kecamatan <name>" is the kecamatan, not a village of that
// name.
func (k Kecamatan) VillageIn(address string) (Village, bool) {
	words := strings.FieldsFunc(strings.ToLower(address), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	kec := strings.Fields(strings.ToLower(k.Name))
	for i := 0; i < len(words); i++ {
		if (words[i] == "kec" || words[i] == "kecamatan") && hasWordsAt(words, i+1, kec) {
			words = append(words[:i:i], words[i+1+len(kec):]...)
			i--
		}
	}
	type hit struct{ village, from, to int }
	var hits []hit
	for vi, v := range k.Villages {
		for _, name := range append([]string{v.Name}, v.Aliases...) {
			nw := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r)
			})
			for i := range words {
				if hasWordsAt(words, i, nw) {
					hits = append(hits, hit{vi, i, i + len(nw)})
				}
			}
		}
	}
	found := -1
	for _, h := range hits {
		inside := false
		for _, o := range hits {
			if o.village != h.village && o.from <= h.from && h.to <= o.to && o.to-o.from > h.to-h.from {
				inside = true
			}
		}
		if inside {
			continue
		}
		if found >= 0 && found != h.village {
			return Village{}, false
		}
		found = h.village
	}
	if found < 0 {
		return Village{}, false
	}
	return k.Villages[found], true
}

// hasWordsAt reports whether want appears in words starting at i.
func hasWordsAt(words []string, i int, want []string) bool {
	if len(want) == 0 || i+len(want) > len(words) {
		return false
	}
	for j, w := range want {
		if words[i+j] != w {
			return false
		}
	}
	return true
}

// Title is how a village is named in a place: "Desa Sukowidi",
// "Kelurahan Selosari".
func (v Village) Title() string {
	if v.Type == TypeKelurahan {
		return "Kelurahan " + v.Name
	}
	return "Desa " + v.Name
}
