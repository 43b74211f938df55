// Package category owns the LAPOR! report categories (the "Kategori" of
// the national complaint form), embedded from categories.yaml with the
// source of the list, and which category each of the regency's agencies
// stands for by default, so that a category can be suggested from the
// agency a complaint's words point to.
package category

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/lapor-id/lapor/flows/agency"
)

// Category is one LAPOR! category.
type Category struct {
	Code string // slug stored on reports, e.g. "infrastruktur"
	Name string // as the national form names it
	En   string // in English
}

// Label is the category's name in a language ("en" or Indonesian).
func (c Category) Label(lang string) string {
	if lang == "en" && c.En != "" {
		return c.En
	}
	return c.Name
}

// Other is the code of the category of reports no other fits.
const Other = "lainnya"

//go:embed categories.yaml
var embeddedYAML []byte

type file struct {
	SchemaVersion int                 `yaml:"schema_version"`
	Categories    []Category          `yaml:"categories"`
	KindDefault   map[string]string   `yaml:"kind_default"`
	Agencies      map[string]string   `yaml:"agencies"`
	byCode        map[string]Category `yaml:"-"`
}

func parse(b []byte) (*file, error) {
	var f file
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	f.byCode = map[string]Category{}
	for i, c := range f.Categories {
		if c.Code == "" || strings.TrimSpace(c.Name) == "" {
			return nil, fmt.Errorf("category[%d]: code and name are required", i)
		}
		if _, dup := f.byCode[c.Code]; dup {
			return nil, fmt.Errorf("category[%d] %q: duplicate code", i, c.Code)
		}
		f.byCode[c.Code] = c
	}
	if _, ok := f.byCode[Other]; !ok {
		return nil, fmt.Errorf("no category %q", Other)
	}
	for _, m := range []map[string]string{f.KindDefault, f.Agencies} {
		for k, code := range m {
			if _, ok := f.byCode[code]; !ok {
				return nil, fmt.Errorf("%s: unknown category %q", k, code)
			}
		}
	}
	return &f, nil
}

var embedded = sync.OnceValue(func() *file {
	f, err := parse(embeddedYAML)
	if err != nil {
		panic(fmt.Sprintf("category: embedded categories.yaml: %v", err))
	}
	return f
})

// All returns the categories in the list's order ("lainnya" last).
func All() []Category { return slices.Clone(embedded().Categories) }

// ByCode returns the category with that code.
func ByCode(code string) (Category, bool) {
	c, ok := embedded().byCode[code]
	return c, ok
}

// Label names a stored category code in a language; a code no longer in
// the list is shown as it is, and "" as "".
func Label(code, lang string) string {
	if c, ok := ByCode(code); ok {
		return c.Label(lang)
	}
	return code
}

// Match finds the category a person typed: its code, its name or the
// start of its name ("kesehatan", "Lingkungan"), case-insensitive; ok is
// false when nothing or more than one category fits.
func Match(typed string) (Category, bool) {
	s := strings.ToLower(strings.Join(strings.Fields(typed), " "))
	if s == "" {
		return Category{}, false
	}
	var found []Category
	for _, c := range embedded().Categories {
		name, en := strings.ToLower(c.Name), strings.ToLower(c.En)
		if s == c.Code || s == name || s == en {
			return c, true
		}
		if strings.HasPrefix(name, s) || strings.HasPrefix(en, s) {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return Category{}, false
	}
	return found[0], true
}

// ForAgency is the default category of an agency: its own in the list,
// else its kind's, else "lainnya".
func ForAgency(a agency.Agency) string {
	f := embedded()
	if c, ok := f.Agencies[a.Code]; ok {
		return c
	}
	if c, ok := f.KindDefault[a.Kind]; ok {
		return c
	}
	return Other
}

// Suggest is the category for a complaint's text: the default category
// of the agency its words point to most (agency.Rank over the embedded
// seed, which the mapping is written for), or "lainnya" when no agency is
// named by the words. A kecamatan office only being the place does not
// count, nor does a body outside the regency's authority.
func Suggest(text string) string {
	seed := seedAgencies()
	for _, s := range agency.Rank(agency.Query{Text: text}, seed, nil, 3) {
		if s.Outside || len(s.Matched) == 0 {
			continue
		}
		for _, a := range seed {
			if a.Code == s.Code {
				return ForAgency(a)
			}
		}
	}
	return Other
}

var seedAgencies = sync.OnceValue(agency.Default)
