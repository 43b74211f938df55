// Package agency owns the seed list of Kabupaten Magetan's regional agencies
// (Perangkat Daerah, OPD) that complaints are forwarded to: the Setda and its
// Bagian, the Sekretariat DPRD, the Inspektorat, the dinas and badan, the
// RSUD, Satpol PP and the 18 kecamatan offices, embedded from
// opd-magetan.yaml with each entry's source and confidence. It suggests which
// agency a complaint belongs to from its words, and finds the agency an
// officer names.
//
// The list is only a seed: admins add, rename and retire agencies at run time,
// so the functions here take the list as an argument instead of reading the
// embedded one, and Validate checks an edited list by the same rules as the
// embedded file.
package agency

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Agency is one Perangkat Daerah (OPD), or a Bagian of the Setda.
type Agency struct {
	Code   string // slug, e.g. "dinkes" or "kec-poncol"; stable, used in chat commands
	Name   string // official name, e.g. "Dinas Kesehatan"
	Kind   string // one of the Kind constants
	Parent string // code of the parent agency (a Bagian's Setda); "" for none
	// Aliases are abbreviations and former names ("PUPR", "BKD"), matched
	// in complaint text and in what officers type.
	Aliases []string
	// Topics are service keywords and phrases used to route complaints.
	// The compilers of the seed chose them; they are not the official
	// duties (tupoksi) of the agency.
	Topics []string
	// WilayahCode is the Kemendagri code of a kecamatan office's district
	// ("35.20.01"); "" for other agencies.
	WilayahCode string
	Source      string   // where the name comes from (URL or reference)
	Also        []string // supporting sources
	Confidence  string   // one of the Confidence constants, or "" for an agency added by an admin
	Note        string
}

// Kinds of agency, as the seed file names them.
const (
	KindSekretariat = "sekretariat" // Setda, its Bagian, Sekretariat DPRD
	KindInspektorat = "inspektorat"
	KindDinas       = "dinas"  // department
	KindBadan       = "badan"  // agency
	KindRSUD        = "rsud"   // regional public hospital
	KindSatpol      = "satpol" // municipal police (and fire brigade)
	KindKecamatan   = "kecamatan"
	KindLainnya     = "lainnya" // other
)

var kinds = []string{KindSekretariat, KindInspektorat, KindDinas, KindBadan, KindRSUD, KindSatpol, KindKecamatan, KindLainnya}

// How sure the compilers of the seed are of an entry's name.
const (
	ConfidenceOfficial  = "official"  // from Kemendagri region codes (kecamatan only)
	ConfidenceSecondary = "secondary" // seen on an official Pemkab portal or in the news
	ConfidenceEstimate  = "estimate"  // inferred from standard nomenclature
)

var confidences = []string{ConfidenceOfficial, ConfidenceSecondary, ConfidenceEstimate}

//go:embed opd-magetan.yaml
var embeddedYAML []byte

// Embedded parses and validates the embedded opd-magetan.yaml and returns its
// agencies in file order.
func Embedded() ([]Agency, error) {
	as, err := parse(embeddedYAML)
	if err != nil {
		return nil, fmt.Errorf("embedded opd-magetan.yaml: %w", err)
	}
	return as, nil
}

// Parse decodes and validates an agency file in the format of
// opd-magetan.yaml (an edited copy, or an older version to compare with).
func Parse(b []byte) ([]Agency, error) { return parse(b) }

var defaultAgencies = sync.OnceValue(func() []Agency {
	as, err := Embedded()
	if err != nil {
		panic(fmt.Sprintf("agency: %v", err))
	}
	return as
})

// Default returns a copy of the embedded agencies, in file order; the caller
// may change it. It panics only if the embedded file is broken, which a test
// rules out.
func Default() []Agency { return cloneAll(defaultAgencies()) }

// Validate checks a list of agencies: codes are unique and slug-shaped
// (lowercase letters, digits and single inner '-'), names are non-empty and
// unique, kinds and confidences are known, parents exist and do not form a
// loop, every kecamatan office has a unique wilayah code, and no alias,
// name or code of one agency is an alias, name or code of another (Match
// could not tell them apart). It reports every problem found.
func Validate(agencies []Agency) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	byCode := make(map[string]int, len(agencies))
	for i, a := range agencies {
		if _, dup := byCode[a.Code]; dup {
			fail("agency[%d] %q: duplicate code", i, a.Code)
			continue
		}
		byCode[a.Code] = i
	}

	owner := map[string]string{}   // match key of a code, name or alias → code of its agency
	wilayah := map[string]string{} // wilayah code → agency code
	for i, a := range agencies {
		where := fmt.Sprintf("agency[%d] %q", i, a.Code)
		if !isSlug(a.Code) {
			fail("%s: code must be lowercase letters, digits and inner '-'", where)
		}
		if strings.TrimSpace(a.Name) == "" {
			fail("%s: missing name", where)
		}
		if !slices.Contains(kinds, a.Kind) {
			fail("%s: unknown kind %q (want one of %s)", where, a.Kind, strings.Join(kinds, ", "))
		}
		if a.Confidence != "" && !slices.Contains(confidences, a.Confidence) {
			fail("%s: unknown confidence %q (want one of %s)", where, a.Confidence, strings.Join(confidences, ", "))
		}
		if a.Parent != "" {
			if _, ok := byCode[a.Parent]; !ok {
				fail("%s: parent %q does not exist", where, a.Parent)
			} else if loopsBack(agencies, byCode, i) {
				fail("%s: parent chain loops back to itself", where)
			}
		}
		switch {
		case a.Kind == KindKecamatan && a.WilayahCode == "":
			fail("%s: a kecamatan office needs a wilayah_code", where)
		case a.WilayahCode != "" && wilayah[a.WilayahCode] != "":
			fail("%s: wilayah_code %s already belongs to %q", where, a.WilayahCode, wilayah[a.WilayahCode])
		case a.WilayahCode != "":
			wilayah[a.WilayahCode] = a.Code
		}
		for _, t := range a.Topics {
			if matchKey(t) == "" {
				fail("%s: empty topic %q", where, t)
			}
		}
		names := append([]string{a.Code, a.Name}, a.Aliases...)
		for j, n := range names {
			key := matchKey(n)
			if key == "" {
				if j >= 2 {
					fail("%s: empty alias %q", where, n)
				}
				continue
			}
			if other, ok := owner[key]; ok && other != a.Code {
				fail("%s: %q is also a code, name or alias of %q", where, n, other)
				continue
			}
			owner[key] = a.Code
		}
	}
	return errors.Join(errs...)
}

// loopsBack reports whether following parents from agencies[i] comes back to
// it. Parents that do not exist end the chain (reported elsewhere).
func loopsBack(agencies []Agency, byCode map[string]int, i int) bool {
	seen := map[int]bool{i: true}
	for j := i; ; {
		p, ok := byCode[agencies[j].Parent]
		if !ok {
			return false
		}
		if seen[p] {
			return p == i
		}
		seen[p] = true
		j = p
	}
}

// Suggest ranks agencies for a complaint text, best first, and returns at
// most n of them, only those with a positive score. It is Rank without the
// bodies outside the regency's authority and without history; see Rank for
// how a text is scored. Ties go to the lower code, so the order is
// deterministic.
func Suggest(agencies []Agency, text, kecamatanCode string, n int) []Agency {
	if n <= 0 {
		return nil
	}
	byCode := make(map[string]int, len(agencies))
	for i, a := range agencies {
		byCode[a.Code] = i
	}
	var out []Agency
	for _, s := range Rank(Query{Text: text, KecamatanCode: kecamatanCode}, agencies, nil, n) {
		out = append(out, agencies[byCode[s.Code]].clone())
	}
	return out
}

// Match finds the one agency an officer means. Case, extra spaces and
// punctuation do not matter. It accepts, in this order: a code ("dinkes",
// "kec-poncol"); an alias ("Dinkes", "Satpol PP") or the full name; a piece
// of at least 4 letters that occurs in exactly one agency's name
// ("kesehatan"). Anything else, including a piece found in several names
// ("Magetan"), is no match.
func Match(agencies []Agency, text string) (Agency, bool) {
	key := matchKey(text)
	if key == "" {
		return Agency{}, false
	}
	for _, a := range agencies {
		if matchKey(a.Code) == key {
			return a.clone(), true
		}
	}
	if i, ok := only(agencies, func(a Agency) bool {
		if matchKey(a.Name) == key {
			return true
		}
		return slices.ContainsFunc(a.Aliases, func(s string) bool { return matchKey(s) == key })
	}); ok {
		return agencies[i].clone(), true
	} else if i >= 0 {
		return Agency{}, false // the same alias on two agencies
	}
	letters := 0
	for _, r := range key {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 4 {
		return Agency{}, false
	}
	if i, ok := only(agencies, func(a Agency) bool { return strings.Contains(matchKey(a.Name), key) }); ok {
		return agencies[i].clone(), true
	}
	return Agency{}, false
}

// only returns the index of the single agency for which f holds. When none
// does it returns -1, false; when several do, the first index and false.
func only(agencies []Agency, f func(Agency) bool) (int, bool) {
	found := -1
	for i, a := range agencies {
		if f(a) {
			if found >= 0 {
				return found, false
			}
			found = i
		}
	}
	return found, found >= 0
}

func (a Agency) clone() Agency {
	a.Aliases = slices.Clone(a.Aliases)
	a.Topics = slices.Clone(a.Topics)
	a.Also = slices.Clone(a.Also)
	return a
}

func cloneAll(as []Agency) []Agency {
	out := make([]Agency, len(as))
	for i, a := range as {
		out[i] = a.clone()
	}
	return out
}

// matchKey normalises text for matching: lower case, runs of anything but
// letters and digits become one space. "Satpol-PP," and "satpol pp" agree.
func matchKey(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

type agencyFile struct {
	SchemaVersion int    `yaml:"schema_version"`
	DataAsOf      string `yaml:"data_as_of"`
	OPD           []struct {
		Code        string   `yaml:"code"`
		Name        string   `yaml:"name"`
		Kind        string   `yaml:"kind"`
		Parent      string   `yaml:"parent"`
		Aliases     []string `yaml:"aliases"`
		Topics      []string `yaml:"topics"`
		Source      string   `yaml:"source"`
		Also        []string `yaml:"also"`
		Confidence  string   `yaml:"confidence"`
		WilayahCode string   `yaml:"wilayah_code"`
		Note        string   `yaml:"note"`
	} `yaml:"opd"`
}

// parse decodes an agency file strictly (unknown fields are errors) and
// validates it. Beyond Validate, a seed entry must say where it comes from
// and how sure that is. It reports every problem found.
func parse(b []byte) ([]Agency, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f agencyFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty agency file")
		}
		return nil, fmt.Errorf("decoding agency file: %w", err)
	}

	var errs []error
	if f.SchemaVersion != 1 {
		errs = append(errs, fmt.Errorf("schema_version %d: want 1", f.SchemaVersion))
	}
	if len(f.OPD) == 0 {
		errs = append(errs, errors.New("no agencies listed under opd"))
	}
	as := make([]Agency, 0, len(f.OPD))
	for i, o := range f.OPD {
		if o.Source == "" || o.Confidence == "" {
			errs = append(errs, fmt.Errorf("agency[%d] %q: a seed entry needs a source and a confidence", i, o.Code))
		}
		as = append(as, Agency{
			Code:        o.Code,
			Name:        o.Name,
			Kind:        o.Kind,
			Parent:      o.Parent,
			Aliases:     o.Aliases,
			Topics:      o.Topics,
			WilayahCode: o.WilayahCode,
			Source:      o.Source,
			Also:        o.Also,
			Confidence:  o.Confidence,
			Note:        o.Note,
		})
	}
	if err := Validate(as); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return as, nil
}
