package flows_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// The README's workflow table and the code's table are the same: every
// (stage, action, next stage) row of one is in the other.
func TestREADMEWorkflowTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "<!-- workflow table: flows/readme_test.go -->")
	if !ok {
		t.Fatal("README.md has no workflow table marker")
	}
	key := regexp.MustCompile("`([a-z_]+)`")
	var documented [][3]string
	stage := ""
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "|") {
			if len(documented) > 0 {
				break // the table ended
			}
			continue
		}
		cols := strings.Split(strings.Trim(line, "|"), "|")
		if len(cols) != 4 || strings.HasPrefix(strings.TrimSpace(cols[0]), "---") || strings.Contains(cols[0], "Stage (holder)") {
			continue
		}
		if m := key.FindStringSubmatch(cols[0]); m != nil {
			stage = m[1]
		}
		act := key.FindStringSubmatch(cols[1])
		if act == nil {
			t.Fatalf("README workflow row without an action: %q", line)
		}
		to := ""
		if m := key.FindStringSubmatch(cols[3]); m != nil {
			to = m[1]
		}
		documented = append(documented, [3]string{stage, act[1], to})
	}
	code := flows.Transitions()
	for _, row := range code {
		if !slices.Contains(documented, row) {
			t.Errorf("README.md's workflow table lacks %s --%s--> %q", row[0], row[1], row[2])
		}
	}
	for _, row := range documented {
		if !slices.Contains(code, row) {
			t.Errorf("README.md's workflow table has %s --%s--> %q, which the code does not", row[0], row[1], row[2])
		}
	}
	if len(documented) < len(code) {
		t.Errorf("README.md documents %d transitions, the code has %d", len(documented), len(code))
	}
}
