package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/metrics"
)

// metricName is a metric's name in a PromQL expression: ours, and the Go
// runtime's and the process's the registry also serves.
var metricName = regexp.MustCompile(`\b(?:lapor|go|process)_[a-zA-Z0-9_]*`)

// exprs are the PromQL expressions anywhere in a Grafana dashboard: the
// panels' targets and the variables' queries.
func exprs(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "expr" || k == "query") {
				*out = append(*out, s)
				continue
			}
			exprs(x, out)
		}
	case []any:
		for _, x := range v {
			exprs(x, out)
		}
	}
}

// The Grafana dashboard names only metrics the registry has, and shows
// every metric the service defines.
func TestDashboardUsesTheRegistrysMetrics(t *testing.T) {
	b, err := os.ReadFile("../docs/grafana/lapor.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash any
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("docs/grafana/lapor.json is not JSON: %v", err)
	}
	var all []string
	exprs(dash, &all)
	if len(all) == 0 {
		t.Fatal("the dashboard has no expressions")
	}

	m := metrics.New(metrics.Options{Channels: []metrics.Channel{{Name: "telegram"}}})
	defined := map[string]bool{}
	for _, n := range m.Names() {
		defined[n] = true
	}
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		defined[f.GetName()] = true
	}
	used := map[string]bool{}
	for _, e := range all {
		for _, name := range metricName.FindAllString(e, -1) {
			base := name
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if b, ok := strings.CutSuffix(name, suffix); ok && defined[b] {
					base = b
				}
			}
			if !defined[base] {
				t.Errorf("the dashboard asks for %s, which the registry does not have (in %q)", name, e)
			}
			used[base] = true
		}
	}
	for _, n := range m.Names() {
		if !used[n] {
			t.Errorf("the dashboard does not show %s", n)
		}
	}
	if !slices.Contains(m.Names(), "lapor_reports_overdue") {
		t.Fatal("Names misses a scrape-time metric")
	}
}
