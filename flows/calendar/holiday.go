package calendar

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Kind says why a day is a holiday.
type Kind string

const (
	// KindLiburNasional is a national public holiday (libur nasional).
	KindLiburNasional Kind = "libur_nasional"
	// KindCutiBersama is collective leave (cuti bersama) set by the SKB 3
	// Menteri; whether it stops the clock is a rule (Rules.CutiBersamaIsHoliday).
	KindCutiBersama Kind = "cuti_bersama"
	// KindLocal is a holiday an admin adds at run time, e.g. a regional
	// holiday or a date from an amended decree.
	KindLocal Kind = "local"
)

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindLiburNasional, KindCutiBersama, KindLocal:
		return true
	}
	return false
}

// Holiday is one listed day off.
type Holiday struct {
	Date Date
	Name string
	Kind Kind
	// Source names the decree and where it was read, so an admin can check it.
	Source string
	// Confidence is the data file's own grading ("official",
	// "official-secondary", "official-secondary-estimate"), free text for
	// run-time entries.
	Confidence string
	// Note carries caveats from the data file, e.g. that an Islamic date may
	// move by a day after the sidang isbat.
	Note string
}

//go:embed holidays-id.yaml
var embeddedYAML []byte

// Embedded returns the holidays shipped with the binary (holidays-id.yaml:
// national holidays and cuti bersama, 2025–2027), validated as Parse does.
func Embedded() ([]Holiday, error) {
	hs, err := Parse(embeddedYAML)
	if err != nil {
		return nil, fmt.Errorf("embedded holidays-id.yaml: %w", err)
	}
	return hs, nil
}

type holidayFile struct {
	SchemaVersion int           `yaml:"schema_version"`
	Timezone      string        `yaml:"timezone"`
	Weekend       []string      `yaml:"weekend"`
	Holidays      []holidayYAML `yaml:"holidays"`
}

type holidayYAML struct {
	// A string, not a time.Time: yaml would read an unquoted date as UTC
	// midnight, and we want the civil date as written.
	Date       string `yaml:"date"`
	Name       string `yaml:"name"`
	Kind       string `yaml:"kind"`
	Source     string `yaml:"source"`
	Confidence string `yaml:"confidence"`
	Note       string `yaml:"note"`
}

// Parse reads a holiday file in the holidays-id.yaml format and validates
// it: schema version 1, time zone Asia/Jakarta, a Saturday–Sunday weekend (the
// calendar assumes it), and per entry a valid date, a name, a known kind and
// a source; no two entries with the same date and name. It reports every
// problem found, not just the first. The result is sorted by date, then name.
func Parse(yamlBytes []byte) ([]Holiday, error) {
	dec := yaml.NewDecoder(bytes.NewReader(yamlBytes))
	dec.KnownFields(true) // a misspelt key would otherwise silently drop data
	var f holidayFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty holiday file")
		}
		return nil, fmt.Errorf("decoding holiday file: %w", err)
	}

	var errs []error
	if f.SchemaVersion != 1 {
		errs = append(errs, fmt.Errorf("schema_version %d: want 1", f.SchemaVersion))
	}
	if f.Timezone != "Asia/Jakarta" {
		errs = append(errs, fmt.Errorf("timezone %q: want Asia/Jakarta", f.Timezone))
	}
	if f.Weekend != nil && !slices.Equal(f.Weekend, []string{"Saturday", "Sunday"}) {
		errs = append(errs, fmt.Errorf("weekend %v: only [Saturday, Sunday] is supported", f.Weekend))
	}

	type key struct {
		date Date
		name string
	}
	seen := make(map[key]int, len(f.Holidays))
	hs := make([]Holiday, 0, len(f.Holidays))
	for i, e := range f.Holidays {
		where := fmt.Sprintf("holidays[%d] (%s %q)", i, e.Date, e.Name)
		d, err := ParseDate(e.Date)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
		if e.Name == "" {
			errs = append(errs, fmt.Errorf("%s: missing name", where))
		}
		if !Kind(e.Kind).Valid() {
			errs = append(errs, fmt.Errorf("%s: unknown kind %q", where, e.Kind))
		}
		if e.Source == "" {
			errs = append(errs, fmt.Errorf("%s: missing source", where))
		}
		if err == nil {
			k := key{d, e.Name}
			if j, dup := seen[k]; dup {
				errs = append(errs, fmt.Errorf("%s: duplicate of holidays[%d]", where, j))
			}
			seen[k] = i
		}
		hs = append(hs, Holiday{
			Date:       d,
			Name:       e.Name,
			Kind:       Kind(e.Kind),
			Source:     e.Source,
			Confidence: e.Confidence,
			Note:       e.Note,
		})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sortHolidays(hs)
	return hs, nil
}

func sortHolidays(hs []Holiday) {
	slices.SortStableFunc(hs, func(a, b Holiday) int {
		if c := int(a.Date.day() - b.Date.day()); c != 0 {
			return c
		}
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
}
