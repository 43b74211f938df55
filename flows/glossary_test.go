package flows_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The glossary (docs/GLOSSARY.md): one word for each concept in every text
// a person reads. A banned word is reported with the text's key, so the
// sentence can be found and rewritten with the glossary's term.

// banned is a word a person must not read, and the glossary's term for it.
type banned struct {
	re  *regexp.Regexp
	use string
}

func ban(pattern, use string) banned {
	return banned{regexp.MustCompile(pattern), use}
}

var (
	bannedID = []banned{
		ban(`(?i)nomor pelacakan`, "nomor laporan"),
		ban(`(?i)\bID laporan\b`, "nomor laporan"),
		ban(`\bOPD\b`, "perangkat daerah (or the agency's name)"),
		ban(`(?i)\binstansi\b`, "perangkat daerah (or the agency's name)"),
		ban(`(?i)\btenggat\b`, "batas waktu"),
		ban(`(?i)\bantrian\b`, "antrean"),
		ban(`(?i)\bwewenang\b`, "kewenangan"),
		ban(`(?i)\bditutup\b`, "selesai (with an answer) or diarsipkan (without one)"),
		ban(`(?i)\bmeja\b`, "grup petugas / grup Anda"),
		ban(`(?i)\bkartu\b`, "pesan laporan"),
		ban(`(?i)\bnomor tiket\b`, "nomor laporan"),
		ban(`(?i)\btanggapan awal\b`, "respon awal"),
		ban(`(?i)\bkonvensional\b`, "datang langsung (loket)"),
	}
	bannedEN = []banned{
		ban(`(?i)tracking (number|id)`, "report number"),
		ban(`(?i)\breport id\b`, "report number"),
		ban(`\bOPD\b`, "agency (or the agency's name)"),
		ban(`(?i)\bdesks?\b`, "officers' group / your group"),
		ban(`(?i)\bcards?\b`, "report message"),
		ban(`(?i)\bclosed\b`, "finished (with an answer) or archived (without one)"),
		ban(`(?i)\bdue date\b`, "deadline"),
		ban(`(?i)\bconventional\b`, "walk-in"),
	}
	// notWords are the parts of a text that are not words to translate:
	// commands (/antrian, /opd), template placeholders ({instansi}), and a
	// chat platform's own thing (a contact card, which is not a report's
	// message).
	notWords = regexp.MustCompile(`(?i)/[a-z_]+|\{[a-z_]+\}|kartu kontak|contact cards?`)
)

// glossaryMisses lists the banned words in text (lang "id" or "en"), each
// with the term to use instead.
func glossaryMisses(lang, text string) []string {
	list := bannedID
	if lang == "en" {
		list = bannedEN
	}
	text = notWords.ReplaceAllString(text, " ")
	var out []string
	for _, b := range list {
		if m := b.re.FindString(text); m != "" {
			out = append(out, strconv.Quote(m)+" (use "+b.use+")")
		}
	}
	return out
}

// textMap is one entry of a text map in the source: map[string][2]string.
type textEntry struct {
	file, key string
	id, en    string
}

// textMaps reads every map[string][2]string literal in the module's
// non-test Go files: the flows texts, the printouts' and charts' words, the
// web chat's errors, and any a later change adds.
func textMaps(t *testing.T) []textEntry {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var out []textEntry
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || !isTextMap(lit.Type) {
				return true
			}
			for _, el := range lit.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				key, _ := stringOf(kv.Key)
				pair, ok := kv.Value.(*ast.CompositeLit)
				if !ok || len(pair.Elts) != 2 {
					continue
				}
				id, _ := stringOf(pair.Elts[0])
				en, _ := stringOf(pair.Elts[1])
				out = append(out, textEntry{file: rel, key: key, id: id, en: en})
			}
			return false
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// isTextMap says whether a type expression is map[string][2]string.
func isTextMap(e ast.Expr) bool {
	m, ok := e.(*ast.MapType)
	if !ok {
		return false
	}
	k, ok := m.Key.(*ast.Ident)
	if !ok || k.Name != "string" {
		return false
	}
	a, ok := m.Value.(*ast.ArrayType)
	if !ok || a.Len == nil {
		return false
	}
	n, ok := a.Len.(*ast.BasicLit)
	v, ok2 := a.Elt.(*ast.Ident)
	return ok && ok2 && n.Value == "2" && v.Name == "string"
}

// stringOf is the value of a string literal or a sum of them.
func stringOf(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringOf(e.X)
		b, ok2 := stringOf(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return stringOf(e.X)
	}
	return "", false
}

func TestTextsUseTheGlossary(t *testing.T) {
	entries := textMaps(t)
	if len(entries) < 500 {
		t.Fatalf("only %d texts found in the text maps; the walk misses some", len(entries))
	}
	files := map[string]bool{}
	var misses []string
	for _, e := range entries {
		files[e.file] = true
		for _, m := range glossaryMisses("id", e.id) {
			misses = append(misses, e.file+": "+e.key+" [id]: "+m)
		}
		for _, m := range glossaryMisses("en", e.en) {
			misses = append(misses, e.file+": "+e.key+" [en]: "+m)
		}
	}
	for _, f := range []string{"flows/text.go", "flows/hardcopy/words.go", "flows/charts/charts.go", "bot/webchat/http.go"} {
		if !files[f] {
			t.Errorf("the walk did not read the text map in %s", f)
		}
	}
	sort.Strings(misses)
	for _, m := range misses {
		t.Error(m)
	}
}

func TestGlossaryCatchesItsBannedWords(t *testing.T) {
	for _, c := range []struct {
		lang, text string
		bad        bool
	}{
		{"id", "Nomor pelacakan Anda: MGT-1", true},
		{"id", "Nomor laporan Anda: MGT-1", false},
		{"id", "Diteruskan ke OPD", true},
		{"id", "Ketik /opd untuk daftar perangkat daerah", false},
		{"id", "Lihat antrian Anda", true},
		{"id", "Ketik /antrian untuk melihat antrean", false},
		{"id", "bukan kewenangan kami", false},
		{"id", "Bukan wewenang", true},
		{"id", "Laporan ditutup", true},
		{"id", "Balas kartu ini", true},
		{"id", "kartu kontak", false},
		{"id", "Tenggat tahap ini", true},
		{"id", "Sudah ditindaklanjuti oleh {instansi}", false},
		{"en", "Type /laporan <tracking number>", true},
		{"en", "Reply to this card", true},
		{"en", "the report is closed", true},
		{"en", "contact cards", false},
		{"en", "Your officers' group", false},
	} {
		if got := len(glossaryMisses(c.lang, c.text)) > 0; got != c.bad {
			t.Errorf("%s %q: banned word found %v, want %v", c.lang, c.text, got, c.bad)
		}
	}
}
