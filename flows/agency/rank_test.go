package agency

import (
	"slices"
	"strings"
	"testing"
)

func suggestionCodes(ss []Suggestion) []string {
	cs := make([]string, len(ss))
	for i, s := range ss {
		cs[i] = s.Code
	}
	return cs
}

func TestOutsideAuthorityFile(t *testing.T) {
	os := OutsideAuthority()
	if len(os) != 9 {
		t.Fatalf("%d outside bodies, want 9", len(os))
	}
	codes := map[string]bool{}
	for _, a := range Default() {
		codes[a.Code] = true
	}
	for _, o := range os {
		if codes[o.Code] {
			t.Errorf("outside body %s has an agency's code", o.Code)
		}
	}
	if _, err := parseOutside([]byte("schema_version: 1\noutside:\n  - {code: pln, name: PLN, level: bumn, topics: [x], source: y}\n")); err == nil {
		t.Error("a code without luar- was accepted")
	}
	if _, err := parseOutside([]byte("schema_version: 1\noutside:\n  - {code: luar-x, name: X, level: moon, topics: [x], source: y}\n")); err == nil {
		t.Error("an unknown level was accepted")
	}
	if _, err := parseOutside([]byte("schema_version: 1\nbodies: []\n")); err == nil {
		t.Error("an unknown field was accepted")
	}
}

func TestRank(t *testing.T) {
	as, out := Default(), OutsideAuthority()
	first := func(text, kec string) Suggestion {
		t.Helper()
		got := Rank(Query{Text: text, KecamatanCode: kec}, as, out, 3)
		if len(got) == 0 {
			t.Fatalf("Rank(%q) suggested nothing", text)
		}
		return got[0]
	}
	tests := []struct{ text, kec, want string }{
		// The complaint of issue 15, and its Javanese form.
		{"lampu penerangan jalan mati", "35.20.07", "dishub"},
		{"lampune dalan mati wis suwe", "", "dishub"},
		{"dalan rusak parah", "", "pupr"},
		{"banyu PDAM mati 3 dino", "", "pdam"},
		{"KTP belum jadi", "", "dispendukcapil"},
		{"bansos PKH tidak tepat sasaran", "", "dinsos"},
		{"sampah numpuk ra diangkut", "", "dlhp"},
		// Outside the regency's authority, suggested as such.
		{"mati lampu sejak sore, listrik padam se-desa", "", "luar-pln"},
		{"motor saya dicuri", "", "luar-polri"},
		{"sertifikat tanah belum jadi", "", "luar-bpn"},
		{"kartu BPJS tidak aktif, iuran sudah dibayar", "", "luar-bpjs-kesehatan"},
		{"daftar nikah di KUA", "", "luar-kemenag"},
		{"jalan provinsi berlubang", "", "luar-jalan-provinsi"},
		{"SMA negeri minta sumbangan", "", "luar-sma-smk"},
		// Chat spelling: stretched letters, shorthand, a typo in a long word.
		{"jln rusaaak", "", "pupr"},
		{"puskesmsa tutup", "", "dinkes"},
	}
	for _, tt := range tests {
		if got := first(tt.text, tt.kec); got.Code != tt.want {
			t.Errorf("Rank(%q) first = %s %v, want %s", tt.text, got.Code, got.Matched, tt.want)
		}
	}

	// Reasons: the words as the list spells them; the kecamatan.
	got := Rank(Query{Text: "Lampu penerangan jalan mati", KecamatanCode: "35.20.07"}, as, out, 6)
	if got[0].Code != "dishub" || !slices.Contains(got[0].Matched, "lampu penerangan jalan") || got[0].Outside {
		t.Errorf("street light: %+v", got[0])
	}
	i := slices.IndexFunc(got, func(s Suggestion) bool { return s.Code == "kec-plaosan" })
	if i < 0 || !got[i].Local || len(got[i].Matched) != 0 {
		t.Errorf("the report's kecamatan office: %v", got)
	}
	pln := first("listrik padam", "")
	if !pln.Outside || pln.Level != "bumn" || !strings.Contains(pln.Name, "PLN") {
		t.Errorf("PLN: %+v", pln)
	}

	// A kecamatan named in the text says where, not who: "jalan rusak in
	// Kecamatan Plaosan" is PUPR's, and Plaosan's office only gets the bonus.
	got = Rank(Query{Text: "jalan rusak di desa Sidomukti Kecamatan Plaosan"}, as, out, 3)
	if got[0].Code != "pupr" || got[1].Code != "kec-plaosan" || got[1].Score != kecamatanBonus {
		t.Errorf("kecamatan as a place: %v %v", suggestionCodes(got), got)
	}

	// Overlapping topics count each word once: "sampah" inside "sampah
	// menumpuk" adds nothing.
	if s := first("sampah menumpuk", ""); s.Score != 2*topicWordScore {
		t.Errorf("sampah menumpuk scored %v (%v), want %d", s.Score, s.Matched, 2*topicWordScore)
	}
	// Short words need the exact word: "malam" is not "makam".
	if got := Rank(Query{Text: "malam"}, as, out, 3); len(got) != 0 {
		t.Errorf("Rank(malam) = %v", suggestionCodes(got))
	}
	if Rank(Query{Text: "jalan rusak"}, as, out, 0) != nil {
		t.Error("n=0 gave suggestions")
	}
}

func TestRankHistory(t *testing.T) {
	as := Default()
	text := "kolam renang licin berlumut" // no agency lists these words
	q := Query{Text: text, KecamatanCode: "35.20.07", Precedents: []Precedent{
		{AgencyCode: "disparbud", Similarity: 9, Shared: 3},
		{AgencyCode: "disparbud", Similarity: 6, Shared: 2},
		{AgencyCode: "disparbud", Similarity: 3, Shared: 2},
		{AgencyCode: "pupr", Similarity: 8, Shared: 1},         // one word in common: a coincidence
		{AgencyCode: "dinas-lama", Similarity: 8, Shared: 4},   // retired since
		{AgencyCode: "kec-poncol", Similarity: 4.5, Shared: 2}, // like report at its own kecamatan office
	}}
	got := Rank(q, as, nil, 5)
	if len(got) < 2 || got[0].Code != "disparbud" || got[0].Similar != 3 || got[0].Score != historyScore*(1+6.0/9+3.0/9) {
		t.Fatalf("history: %+v", got)
	}
	if slices.Contains(suggestionCodes(got), "pupr") || slices.Contains(suggestionCodes(got), "kec-poncol") {
		t.Errorf("a coincidence or another kecamatan's office was suggested: %v", suggestionCodes(got))
	}
	i := slices.IndexFunc(got, func(s Suggestion) bool { return s.Code == "kec-plaosan" })
	if i < 0 || got[i].Similar != 1 || !got[i].Local {
		t.Errorf("the office of this report's kecamatan should carry the kecamatan precedent: %+v", got)
	}
	// One similar report weighs less than one topic word of what the
	// citizen wrote.
	got = Rank(Query{Text: "puskesmas tutup", Precedents: []Precedent{{AgencyCode: "pupr", Similarity: 1, Shared: 2}}}, as, nil, 2)
	if got[0].Code != "dinkes" {
		t.Errorf("one precedent outweighed the words: %v", suggestionCodes(got))
	}
}

func TestSearchTerms(t *testing.T) {
	got := SearchTerms("Lampu2 PENERANGAN jalan di desa kami yg mati, sudah 2 minggu!! jln gelap ½ 2026")
	want := []string{"lampu", "penerangan", "jalan", "mati", "gelap"}
	if !slices.Equal(got, want) {
		t.Errorf("SearchTerms = %q, want %q", got, want)
	}
	if got := SearchTerms("telaga sarangan telaga café ü"); !slices.Equal(got, []string{"telaga", "sarangan"}) {
		t.Errorf("SearchTerms(repeats, non-ASCII) = %q", got)
	}
}
