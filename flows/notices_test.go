package flows_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lapor-id/lapor/flows"
)

// Every notification key the code sends to a citizen is in the notices
// table (flows/notices.go), which names the event it tells of; the courier
// refuses to send one whose event was not recorded in the same turn. Every
// entry of the table is sent somewhere and has its words in both languages.
func TestEveryNoticeNamesItsEvent(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`\.(tellCitizen|tellCitizenWith|tellReporter|tellFollowers|vouch)\([^"]*?"([a-z_.]+)"`)
	sent := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			sent[m[2]] = true
			if !slices.Contains(flows.NoticeKeys(), m[2]) {
				t.Errorf("%s sends %q to a citizen, which the notices table does not name", f, m[2])
			}
		}
	}
	if len(sent) < 10 {
		t.Fatalf("found only %d notification keys in the code: the scan is broken", len(sent))
	}
	for _, k := range flows.NoticeKeys() {
		if !sent[k] {
			t.Errorf("the notices table names %q, which nothing sends", k)
		}
		for _, l := range []flows.Lang{flows.LangID, flows.LangEN} {
			if flows.T(l, k) == "" {
				t.Errorf("notification %q has no %s text", k, l)
			}
		}
	}
}
