package flows

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// literalLimit finds a number written next to a unit of time, size or
// count: a limit that must come from the policy or Config, not the text.
var literalLimit = regexp.MustCompile(`(?i)\b\d+(?:[.,]\d+)?\s*(?:(?:working|calendar|business)\s+)?(?:hari|menit|jam|detik|minggu|bulan|tahun|MB|KB|GB|MiB|KiB|file|berkas|foto|karakter|huruf|kata|pesan|laporan|days?|minutes?|hours?|seconds?|weeks?|months?|years?|characters?|files?|photos?|words?|messages?|reports?)\b`)

// notLimits are the texts allowed to hold such a number, each with why it
// is not a limit anyone may change. Keep it short and explained.
var notLimits = map[string]string{
	// (none today: a new entry needs a comment saying why the number is
	// not a limit, e.g. an SMS short number like 1708.)
}

// TestNoLiteralLimitsInTexts fails when a text a citizen or officer reads
// states a time, size or count limit as a literal number instead of a
// placeholder filled from the policy or flows.Config.
func TestNoLiteralLimitsInTexts(t *testing.T) {
	// The detector itself: the literals this test was written against.
	for _, bad := range []string{"dalam 10 hari kerja", "Berlaku 7 hari", "berlaku 30 menit", "maks. 20 MB", "10 file", "Valid for 7 days",
		"a request lasts 30 minutes", "at least 20 characters", "3 hari kerja", "60 working days"} {
		if !literalLimit.MatchString(bad) {
			t.Fatalf("the scan misses %q", bad)
		}
	}
	for _, ok := range []string{"%d hari kerja", "%[3]d days", "SMS 1708", "(1 = sangat buruk, 5 = sangat baik)", "%d dari 5", "LAPOR! SP4N"} {
		if literalLimit.MatchString(ok) {
			t.Fatalf("the scan flags %q", ok)
		}
	}
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, allowed := notLimits[k]; allowed {
			continue
		}
		for i, s := range texts[k] {
			if m := literalLimit.FindString(s); m != "" {
				t.Errorf("text %s [%s] states a literal limit %q; fill it from the policy or Config: %q", k, []string{"id", "en"}[i], m, s)
			}
		}
	}
	for k := range notLimits {
		if _, ok := texts[k]; !ok {
			t.Errorf("allow-list entry %s names no text", k)
		}
	}
}

// TestLimitPlaceholdersRender checks the texts whose limits became
// placeholders read whole, with the value their call sites pass.
func TestLimitPlaceholdersRender(t *testing.T) {
	for _, c := range []struct {
		key  string
		args []any
		want [2]string
	}{
		{"wf.code", []any{"PUPR", "K7Q2", CodeValidDays()}, [2]string{"Berlaku 7 hari", "Valid for 7 days"}},
		{"wf.roomcode", []any{"PUPR", "K7Q2", "https://x/masuk#K7Q2", CodeValidDays()}, [2]string{"Berlaku 7 hari", "Open: https://x/masuk#K7Q2"}},
		{"wf.reply.nothing", []any{"MGT-1", int(pendingFor.Minutes())}, [2]string{"laporan MGT-1", "lasts 30 minutes"}},
		{"n.autoclose", []any{"MGT-1", 10}, [2]string{"dalam 10 hari kerja", "within 10 working days"}},
		{"n.autoclose.rate", []any{"MGT-1", 10}, [2]string{"dalam 10 hari kerja", "within 10 working days"}},
	} {
		for i, lang := range []Lang{LangID, LangEN} {
			got := T(lang, c.key, c.args...)
			if !strings.Contains(got, c.want[i]) || strings.Contains(got, "%!") {
				t.Errorf("%s [%s] = %q, want it to contain %q and no format error", c.key, lang, got, c.want[i])
			}
		}
	}
	if got := T(LangID, "wf.code", "PUPR", "K7Q2", CodeValidDays()); !strings.Contains(got, "/daftar_grup K7Q2") {
		t.Errorf("wf.code lost the code in its command: %q", got)
	}
}
