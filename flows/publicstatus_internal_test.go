package flows

import (
	"slices"
	"testing"
)

// The public status of every stage, written out independently of the code:
// the national LAPOR! shows a report as one of these few words.
var wantPublic = map[Stage]PublicStatus{
	"submitted":       "belum_terverifikasi",
	"at_regency":      "terverifikasi",
	"at_agency":       "tindak_lanjut",
	"answer_review":   "tindak_lanjut",
	"answered":        "tindak_lanjut",
	"waiting_citizen": "tindak_lanjut",
	"to_lapor":        "diteruskan",
	"in_lapor":        "diteruskan",
	"closed":          "selesai",
	"archived":        "diarsipkan",
	"at_ppid":         "tindak_lanjut", // an information request being answered
	"info_answered":   "tindak_lanjut", // answered, not accepted yet
	"objection":       "tindak_lanjut", // an objection being decided
}

func TestEveryStageHasOnePublicStatus(t *testing.T) {
	if len(publicStatusOf) != len(Stages) {
		t.Errorf("the table has %d rows for %d stages", len(publicStatusOf), len(Stages))
	}
	for st := range publicStatusOf {
		if !slices.Contains(Stages, st) {
			t.Errorf("the table names %q, which is not a stage", st)
		}
	}
	used := map[PublicStatus]bool{}
	for _, st := range Stages {
		p, ok := publicStatusOf[st]
		if !ok {
			t.Errorf("stage %q has no public status", st)
			continue
		}
		if !slices.Contains(PublicStatuses, p) {
			t.Errorf("stage %q: %q is not a public status", st, p)
		}
		if want, ok := wantPublic[st]; !ok || p != want {
			t.Errorf("stage %q: public status %q, want %q", st, p, want)
		}
		if st.Public() != p {
			t.Errorf("stage %q: Public() = %q, table %q", st, st.Public(), p)
		}
		used[p] = true
	}
	if len(wantPublic) != len(Stages) {
		t.Errorf("the test's table has %d rows for %d stages: add the new stage to both tables", len(wantPublic), len(Stages))
	}
	names := map[Lang]map[string]PublicStatus{LangID: {}, LangEN: {}}
	for _, p := range PublicStatuses {
		if !used[p] {
			t.Errorf("no stage shows %q", p)
		}
		for _, l := range []Lang{LangID, LangEN} {
			n := p.Name(l)
			if _, ok := texts["pstatus."+string(p)]; !ok || n == "" {
				t.Errorf("%q has no name in %s", p, l)
			}
			if other, dup := names[l][n]; dup {
				t.Errorf("%q and %q share the name %q", p, other, n)
			}
			names[l][n] = p
			if _, ok := texts["pstatus.hint."+string(p)]; !ok {
				t.Errorf("%q has no hint", p)
			}
		}
	}
	for _, want := range [][3]string{
		{"belum_terverifikasi", "Belum Terverifikasi", "Not yet verified"},
		{"terverifikasi", "Terverifikasi", "Verified"},
		{"tindak_lanjut", "Tindak Lanjut", "Follow-up"},
		{"selesai", "Selesai", "Completed"},
		{"diarsipkan", "Diarsipkan", "Archived"},
	} {
		p := PublicStatus(want[0])
		if p.Name(LangID) != want[1] || p.Name(LangEN) != want[2] {
			t.Errorf("%q is named %q / %q, want %q / %q", p, p.Name(LangID), p.Name(LangEN), want[1], want[2])
		}
	}
	// A stage a later version wrote is never shown by its internal name.
	if got := Stage("escalated").Public(); got != PublicFollowUp {
		t.Errorf("unknown stage: %q", got)
	}
}
