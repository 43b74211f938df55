package category

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/lapor-id/lapor/flows/agency"
)

// TestSuggestAccuracy measures the suggested category against the
// agency suggester's labelled complaints (flows/agency/testdata): the
// right category is the default category of the agency a complaint was
// labelled with. Complaints labelled with a body outside the regency's
// authority, or with a kecamatan office, have no category of their own to
// check and are left out. The floors are a little under what was measured
// (docs/BENCHMARKS.md), so a change that makes suggestions worse fails.
func TestSuggestAccuracy(t *testing.T) {
	t.Parallel()
	byCode := map[string]agency.Agency{}
	for _, a := range agency.Default() {
		byCode[a.Code] = a
	}
	for _, set := range []struct {
		path  string
		floor float64
	}{{"../agency/testdata/labelled.yaml", 0.95}, {"../agency/testdata/heldout.yaml", 0.70}} {
		b, err := os.ReadFile(set.path)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Items []struct {
				Text string `yaml:"text"`
				Want string `yaml:"want"`
			} `yaml:"items"`
		}
		if err := yaml.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		right, n := 0, 0
		for _, it := range f.Items {
			a, ok := byCode[it.Want]
			if !ok || a.Kind == agency.KindKecamatan {
				continue
			}
			n++
			want, got := ForAgency(a), Suggest(it.Text)
			if got == want {
				right++
			} else if testing.Verbose() {
				t.Logf("%s: %q → %s, want %s (%s)", set.path, it.Text, got, want, it.Want)
			}
		}
		acc := float64(right) / float64(n)
		t.Logf("%s: %d of %d right (%.1f%%)", strings.TrimPrefix(set.path, "../agency/testdata/"), right, n, 100*acc)
		if acc < set.floor {
			t.Errorf("%s: accuracy %.3f under %.2f", set.path, acc, set.floor)
		}
	}
}
