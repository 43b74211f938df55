package flows

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lapor-id/lapor/flows/agency"
	"github.com/lapor-id/lapor/store"
)

// Agency suggestions at disposition: the words of the report scored
// against each agency's aliases and topics (flows/agency), plus the
// agencies that similar past reports were disposed to (store), plus the
// bodies outside the regency's authority, which lead to a return instead.

const (
	// similarReports is how many of the most similar past reports vote.
	similarReports = 5
	// suggestionsShown is how many suggestions the disposition menu lists.
	suggestionsShown = 6
)

// suggestAgencies ranks the agencies (active rows) and outside bodies for
// a report at disposition.
func suggestAgencies(ctx context.Context, tx *store.Tx, r *store.Report, rows []store.Agency, n int) ([]agency.Suggestion, error) {
	found, err := tx.SimilarDisposed(ctx, agency.SearchTerms(r.Description), r.ID, similarReports)
	if err != nil {
		return nil, fmt.Errorf("similar disposed reports: %w", err)
	}
	q := agency.Query{Text: r.Description, KecamatanCode: r.KecamatanCode}
	for _, p := range found {
		q.Precedents = append(q.Precedents, agency.Precedent{AgencyCode: p.AgencyCode, Similarity: p.Score, Shared: p.Shared})
	}
	return agency.Rank(q, withSeedVocabulary(toAgencies(rows)), agency.OutsideAuthority(), n), nil
}

// withSeedVocabulary adds the embedded seed's aliases and topics to the
// stored agencies of the same code: Seed never overwrites a stored row (an
// admin may have renamed it), so a database seeded from an older file would
// otherwise miss the vocabulary added since. Only ranking reads the result;
// Match keeps to the stored aliases.
func withSeedVocabulary(as []agency.Agency) []agency.Agency {
	seed := map[string]agency.Agency{}
	for _, a := range agency.Default() {
		seed[a.Code] = a
	}
	for i, a := range as {
		s, ok := seed[a.Code]
		if !ok {
			continue
		}
		as[i].Aliases = union(a.Aliases, s.Aliases)
		as[i].Topics = union(a.Topics, s.Topics)
	}
	return as
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// suggestionMenu is the disposition menu's text below its question and
// its buttons: one per suggested agency (disposes), and one return to the
// super admin when a body outside the regency's authority is suggested.
func (o *office) suggestionMenu(r *store.Report, sugs []agency.Suggestion) (string, [][]Button) {
	var lines []string
	var buttons [][]Button
	returned := false
	for _, s := range sugs {
		if s.Outside {
			lines = append(lines, T(o.lang, "sg.outside", s.Name, reasons(o.lang, s)))
			if !returned {
				returned = true
				buttons = append(buttons, []Button{{Label: T(o.lang, "sg.b.return"),
					Data: fmt.Sprintf("p|%s|%s|%d", ActReturn, r.TrackingID, r.Version)}})
			}
			continue
		}
		lines = append(lines, T(o.lang, "sg.line", len(lines)+1, s.Name, reasons(o.lang, s)))
		buttons = append(buttons, []Button{{Label: truncate(s.Name, 40),
			Data: fmt.Sprintf("w|%s|%s|%d|%s", ActDispose, r.TrackingID, r.Version, s.Code)}})
	}
	if len(lines) == 0 {
		return T(o.lang, "sg.none"), nil
	}
	text := T(o.lang, "sg.header") + "\n" + strings.Join(lines, "\n")
	if returned {
		text += "\n" + T(o.lang, "sg.outside.hint")
	}
	return text, buttons
}

// reasons says why a suggestion was made: the words found, the similar
// past reports, the report's kecamatan.
func reasons(lang Lang, s agency.Suggestion) string {
	var rs []string
	if len(s.Matched) > 0 {
		words := s.Matched[:min(4, len(s.Matched))]
		rs = append(rs, T(lang, "sg.words", "«"+strings.Join(words, "», «")+"»"))
	}
	if s.Similar > 0 {
		rs = append(rs, T(lang, "sg.similar", s.Similar, s.Name))
	}
	if s.Local {
		rs = append(rs, T(lang, "sg.local"))
	}
	return strings.Join(rs, "; ")
}
