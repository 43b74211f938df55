package agency

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Outside is a body outside the regency's authority that citizens complain
// about to the regency (PLN, Polri, BPN, BPJS, KUA/Kemenag, provincial roads,
// SMA/SMK, Samsat). It is not an agency: a report about it cannot be
// disposed; the regency admin returns it to the super admin, who forwards it
// through LAPOR! (no wrong door).
type Outside struct {
	Code    string // slug starting with "luar-", e.g. "luar-pln"
	Name    string
	Level   string // one of pusat, provinsi, bumn, vertikal
	Aliases []string
	Topics  []string
	Source  string
	Note    string
}

var outsideLevels = []string{"pusat", "provinsi", "bumn", "vertikal"}

//go:embed outside-magetan.yaml
var outsideYAML []byte

// OutsideAuthority returns the embedded bodies outside Kabupaten Magetan's
// authority, in file order. It panics only if the embedded file is broken,
// which a test rules out.
func OutsideAuthority() []Outside {
	return slices.Clone(outsideBodies())
}

var outsideBodies = sync.OnceValue(func() []Outside {
	os, err := parseOutside(outsideYAML)
	if err != nil {
		panic(fmt.Sprintf("agency: embedded outside-magetan.yaml: %v", err))
	}
	return os
})

func parseOutside(b []byte) ([]Outside, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f struct {
		SchemaVersion int `yaml:"schema_version"`
		Outside       []struct {
			Code    string   `yaml:"code"`
			Name    string   `yaml:"name"`
			Level   string   `yaml:"level"`
			Aliases []string `yaml:"aliases"`
			Topics  []string `yaml:"topics"`
			Source  string   `yaml:"source"`
			Note    string   `yaml:"note"`
		} `yaml:"outside"`
	}
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file")
		}
		return nil, fmt.Errorf("decoding: %w", err)
	}
	var errs []error
	if f.SchemaVersion != 1 {
		errs = append(errs, fmt.Errorf("schema_version %d: want 1", f.SchemaVersion))
	}
	seen := map[string]bool{}
	var out []Outside
	for i, o := range f.Outside {
		where := fmt.Sprintf("outside[%d] %q", i, o.Code)
		if !isSlug(o.Code) || !strings.HasPrefix(o.Code, "luar-") || seen[o.Code] {
			errs = append(errs, fmt.Errorf("%s: code must be a unique slug starting with luar-", where))
		}
		seen[o.Code] = true
		if o.Name == "" || o.Source == "" || len(o.Topics) == 0 {
			errs = append(errs, fmt.Errorf("%s: needs a name, a source and topics", where))
		}
		if !slices.Contains(outsideLevels, o.Level) {
			errs = append(errs, fmt.Errorf("%s: unknown level %q", where, o.Level))
		}
		out = append(out, Outside{Code: o.Code, Name: o.Name, Level: o.Level, Aliases: o.Aliases, Topics: o.Topics,
			Source: o.Source, Note: o.Note})
	}
	return out, errors.Join(errs...)
}

// Query is what Rank scores: a complaint and, when the regency has history,
// the past reports most similar to it.
type Query struct {
	Text          string
	KecamatanCode string // Kemendagri code of the complaint's kecamatan, or ""
	// Precedents are past reports similar to this one and the agency each
	// was disposed to (the store finds them by full-text search).
	Precedents []Precedent
}

// Precedent is one similar past report.
type Precedent struct {
	AgencyCode string
	Similarity float64 // > 0; only relative sizes matter
	Shared     int     // how many distinct words it shares with the complaint
}

// Suggestion is one ranked answer with the reasons for it, to show the
// officer why it was suggested.
type Suggestion struct {
	Code  string
	Name  string
	Score float64
	// Outside is set for a body outside the regency's authority: the
	// report is returned, not disposed. Level is its Outside.Level.
	Outside bool
	Level   string
	// Matched lists the aliases and topics found in the text, as the
	// agency's list spells them.
	Matched []string
	// Similar counts the precedents that went to this agency.
	Similar int
	// Local is set when this is the office of the complaint's kecamatan.
	Local bool
}

// Scores for Rank. An agency named outright (by alias, code or name) is
// almost certainly what the citizen means, so it outweighs several topic
// words; each word of a matched topic phrase counts once, so a specific
// phrase ("jalan berlubang") beats a single generic word and overlapping
// topics ("sampah", "sampah numpuk") do not add up; the kecamatan bonus only
// breaks ties and puts the citizen's own kecamatan office on the list.
// History adds historyScore per similar past report, scaled by its
// similarity to the most similar one: one such report weighs less than a
// topic word (a coincidence must not override what the citizen wrote),
// three that agree weigh like a two-word phrase.
const (
	aliasScore     = 10
	topicWordScore = 3
	kecamatanBonus = 1
	historyScore   = 2.0
	// minShared is how many words a past report must share to count: one
	// word in common is a coincidence.
	minShared = 2
	// phraseSlack is how many other words may stand between the words of
	// a topic phrase that still counts (one point less).
	phraseSlack = 5
)

// Rank scores agencies and outside bodies for a query, best first, and
// returns at most n with a positive score. Matching is case-insensitive, on
// whole words or phrases, forgiving of the way people type in chat: common
// shorthand ("jln", "tdk"), stretched letters ("tolooong"), Javanese and
// Indonesian possessive endings ("dalane", "lampunya") and one typo in a
// word of six letters or more count, one point less. A kecamatan office's
// name in the text says where, not who: it counts like the kecamatan bonus.
// Ties go to the lower code, so the order is deterministic.
func Rank(q Query, agencies []Agency, outside []Outside, n int) []Suggestion {
	if n <= 0 {
		return nil
	}
	t := newText(q.Text)
	var out []Suggestion
	byCode := map[string]int{}
	for _, a := range agencies {
		s := Suggestion{Code: a.Code, Name: a.Name}
		names := append([]string{a.Code, a.Name}, a.Aliases...)
		if a.Kind == KindKecamatan {
			if t.scoreInto(new([]string), names, nil) > 0 || (q.KecamatanCode != "" && a.WilayahCode == q.KecamatanCode) {
				s.Local = true
				s.Score += kecamatanBonus
			}
			names = nil
		}
		s.Score += t.scoreInto(&s.Matched, names, a.Topics)
		byCode[a.Code] = len(out)
		out = append(out, s)
	}
	for _, o := range outside {
		s := Suggestion{Code: o.Code, Name: o.Name, Outside: true, Level: o.Level}
		s.Score += t.scoreInto(&s.Matched, append([]string{o.Name}, o.Aliases...), o.Topics)
		out = append(out, s)
	}
	counts := func(p Precedent) bool { return p.Similarity > 0 && p.Shared >= minShared }
	best := 0.0
	for _, p := range q.Precedents {
		if counts(p) {
			best = max(best, p.Similarity)
		}
	}
	local := ""
	kinds := map[string]string{}
	for _, a := range agencies {
		kinds[a.Code] = a.Kind
		if q.KecamatanCode != "" && a.Kind == KindKecamatan && a.WilayahCode == q.KecamatanCode {
			local = a.Code
		}
	}
	for _, p := range q.Precedents {
		code := p.AgencyCode
		if kinds[code] == KindKecamatan && local != "" {
			// A like report went to its own kecamatan office: this one
			// goes to the office of its kecamatan.
			code = local
		}
		i, ok := byCode[code]
		if !ok || !counts(p) {
			continue // an agency retired since, or a coincidence
		}
		out[i].Similar++
		out[i].Score += historyScore * p.Similarity / best
	}
	out = slices.DeleteFunc(out, func(s Suggestion) bool { return s.Score <= 0 })
	slices.SortStableFunc(out, func(x, y Suggestion) int {
		if x.Score != y.Score {
			if x.Score > y.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Code, y.Code)
	})
	for i := range out {
		out[i].Score = math.Round(out[i].Score*100) / 100
	}
	return out[:min(n, len(out))]
}

// text is a complaint split into normalised words, with a memo of where
// each vocabulary word occurs.
type text struct {
	words []string
	hits  map[string][]hit
}

type hit struct {
	pos    int
	approx bool // a typo or an ending, not the word itself
}

func newText(s string) *text {
	return &text{words: normWords(s), hits: map[string][]hit{}}
}

// normWords splits s into normalised words.
func normWords(s string) []string {
	ws := strings.Fields(matchKey(s))
	for i, w := range ws {
		ws[i] = normWord(w)
	}
	ws = strings.Fields(strings.Join(ws, " ")) // shorthand may stand for two words
	// "alun-alun", "lampu2": a reduplicated word is the word.
	return slices.Compact(ws)
}

// shorthand maps chat abbreviations to the words topics use.
var shorthand = map[string]string{
	"jln": "jalan", "jl": "jalan", "jalanan": "jalan", "tdk": "tidak", "gak": "tidak", "ga": "tidak", "nggak": "tidak",
	"ngga": "tidak", "g": "tidak", "ra": "tidak", "ora": "tidak", "blm": "belum", "sdh": "sudah", "udh": "sudah",
	"wis": "sudah", "sklh": "sekolah", "skolah": "sekolah", "rmh": "rumah", "kec": "kecamatan", "kab": "kabupaten",
	"ds": "desa", "kel": "kelurahan", "pkm": "puskesmas", "rs": "rumah sakit", "ktp-el": "ktp", "ektp": "ktp",
	"yg": "yang", "dgn": "dengan", "utk": "untuk", "krn": "karena", "lg": "lagi", "bs": "bisa", "bisa2": "bisa",
	"banyu": "air", "toya": "air", "omah": "rumah", "dalan": "jalan", "ratan": "jalan", "sekolahan": "sekolah",
	"uwuh": "sampah", "rusak2": "rusak", "bolong": "berlubang", "growong": "berlubang", "lobang": "lubang",
	"mampet": "tersumbat", "ngalir": "mengalir", "mlaku": "jalan", "buntu": "tersumbat", "numpuk": "menumpuk", "lampune": "lampu",
}

// normWord undoes chat spelling: stretched letters ("rusaaak"), a
// reduplication digit ("lampu2"), shorthand.
func normWord(w string) string {
	var b strings.Builder
	rs := []rune(w)
	for i := 0; i < len(rs); i++ {
		j := i
		for j+1 < len(rs) && rs[j+1] == rs[i] {
			j++
		}
		if j-i >= 2 { // three or more: one
			b.WriteRune(rs[i])
		} else {
			b.WriteString(string(rs[i : j+1]))
		}
		i = j
	}
	w = b.String()
	if len(w) > 3 && strings.HasSuffix(w, "2") && w[len(w)-2] >= 'a' && w[len(w)-2] <= 'z' {
		w = w[:len(w)-1]
	}
	if s, ok := shorthand[w]; ok {
		return s
	}
	return w
}

// find returns where a vocabulary word occurs in the text.
func (t *text) find(v string) []hit {
	if hs, ok := t.hits[v]; ok {
		return hs
	}
	var hs []hit
	for i, w := range t.words {
		if m := wordMatch(w, v); m > 0 {
			hs = append(hs, hit{i, m == 1})
		}
	}
	t.hits[v] = hs
	return hs
}

// endings are suffixes a citizen adds to a word: Indonesian -nya, -ku,
// -mu and Javanese -e, -ne, -ipun ("dalane", "lampune").
var endings = []string{"nya", "ne", "e", "ipun", "ku", "mu"}

// wordMatch says whether a text word is a vocabulary word: 2 exactly, 1
// with an ending or a typo, 0 not.
func wordMatch(w, v string) int {
	if w == v {
		return 2
	}
	if len(v) >= 4 && strings.HasPrefix(w, v) {
		for _, e := range endings {
			if len(w) == len(v)+len(e) && strings.HasSuffix(w, e) {
				return 1
			}
		}
	}
	if len(v) >= 6 && len(w) >= 6 && len(w)-len(v) <= 1 && len(v)-len(w) <= 1 && w[0] == v[0] && typoDistance(w, v) <= 1 {
		return 1
	}
	return 0
}

// typoDistance is the optimal string alignment distance (Levenshtein with
// adjacent transpositions), on bytes: the vocabulary is ASCII.
func typoDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// match finds a phrase (normalised words) in the text: the positions of
// its words and a penalty (1 when its words stand apart or one is
// approximate, 2 when both), or nil. It prefers the exact, tight
// occurrence.
func (t *text) match(phrase []string) ([]int, int) {
	var best []int
	bestPenalty := 3
	for _, start := range t.find(phrase[0]) {
		pos := []int{start.pos}
		approx, gaps := start.approx, 0
		last := start.pos
		for _, w := range phrase[1:] {
			next := -1
			for _, h := range t.find(w) {
				if h.pos > last && h.pos-last-1+gaps <= phraseSlack {
					next = h.pos
					approx = approx || h.approx
					break
				}
			}
			if next < 0 {
				pos = nil
				break
			}
			gaps += next - last - 1
			last = next
			pos = append(pos, next)
		}
		if pos == nil {
			continue
		}
		penalty := 0
		if gaps > 0 {
			penalty++
		}
		if approx {
			penalty++
		}
		if penalty < bestPenalty {
			best, bestPenalty = pos, penalty
		}
	}
	return best, bestPenalty
}

// scoreInto scores names (aliasScore each) and topics (topicWordScore per
// word) found in the text, longest first, each text word counting once, and
// appends what it found to matched.
func (t *text) scoreInto(matched *[]string, names, topics []string) float64 {
	type entry struct {
		label  string
		words  []string
		isName bool
	}
	var es []entry
	seen := map[string]bool{}
	for i, list := range [][]string{names, topics} {
		for _, s := range list {
			key := matchKey(s)
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			es = append(es, entry{s, normWords(key), i == 0})
		}
	}
	slices.SortStableFunc(es, func(x, y entry) int {
		if x.isName != y.isName {
			if x.isName {
				return -1
			}
			return 1
		}
		return len(y.words) - len(x.words)
	})
	covered := map[int]bool{}
	total := 0.0
	for _, e := range es {
		pos, penalty := t.match(e.words)
		if pos == nil {
			continue
		}
		fresh := 0
		for _, p := range pos {
			if !covered[p] {
				fresh++
			}
		}
		if fresh == 0 {
			continue
		}
		for _, p := range pos {
			covered[p] = true
		}
		if e.isName {
			total += aliasScore - float64(penalty)
		} else {
			total += float64(topicWordScore*fresh - penalty)
		}
		*matched = append(*matched, e.label)
	}
	return total
}

// stopwords are words too common in complaints to tell reports apart.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`yang dan di ke dari ini itu ada tidak sudah belum untuk dengan pada dalam
		karena atau juga saya kami kita kamu anda mereka dia nya sangat sekali lagi akan bisa mohon tolong
		segera pak bu bapak ibu mas mbak kok sih dong ya tapi tetapi padahal jadi sampai sejak oleh agar
		supaya harus masih hanya cuma bagaimana kenapa mengapa apa siapa kapan dimana mana sini sana situ
		banyak sering selalu terus setiap tiap hari bulan tahun minggu jam kali warga desa dusun kabupaten
		magetan pemkab pemerintah laporan lapor melaporkan mau ingin minta terima kasih semua para orang
		the is are was`) {
		stopwords[w] = true
	}
}

// SearchTerms picks the words of a complaint worth searching past reports
// for: normalised as Rank reads them (shorthand, endings kept), without
// stop words and words under three letters, ASCII letters and digits only,
// each once, at most 32.
func SearchTerms(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range normWords(text) {
		if len(w) < 3 || stopwords[w] || seen[w] || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			continue
		}
		if strings.Trim(w, "0123456789") == "" {
			continue // a number says nothing about the subject
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == 32 {
			break
		}
	}
	return out
}
