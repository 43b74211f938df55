package store

import (
	"context"
	"strings"
)

// Precedent is a past report already disposed to an agency, found similar
// to a new one. Only its id, agency and score leave the store: never its
// words, so a confidential report's content cannot reach another desk
// through a suggestion.
type Precedent struct {
	ReportID   int64
	AgencyCode string
	Score      float64 // sum over the shared words of their rarity (BM25's idf); higher is more similar
	Shared     int     // how many of the terms it shares
}

// SimilarDisposed finds the past reports disposed to an agency (the one
// they are with now: a report an agency returned as not its authority no
// longer counts) that share the most distinctive of terms, most similar
// first, at most limit, leaving out the report exclude. terms are lower-case
// words of letters and digits (agency.SearchTerms); others are skipped. A
// word counts by its rarity among disposed reports, so "jalan" found in
// half of them weighs little and "pju" a lot.
//
// It uses full-text search with the Indonesian stemmer ("penerangan",
// "terang"), served by the partial GIN index of migration 00014 and the
// stored words of migration 00016. Only the rarer terms pick candidates (a
// word in over a tenth of the disposed reports would make every such report
// one); the common ones still count in the score of a candidate that has
// them.
func (tx *Tx) SimilarDisposed(ctx context.Context, terms []string, exclude int64, limit int) ([]Precedent, error) {
	var clean []string
	for _, t := range terms {
		if t != "" && strings.Trim(t, "abcdefghijklmnopqrstuvwxyz0123456789") == "" {
			clean = append(clean, t)
		}
	}
	if len(clean) == 0 || limit <= 0 {
		return nil, nil
	}
	rows, err := tx.tx.Query(ctx, `
		-- MATERIALIZED: each part once, not once per joined row.
		WITH q AS (
			SELECT t, plainto_tsquery('indonesian', t) AS tq FROM unnest($1::text[]) AS t
		), terms AS MATERIALIZED (
			-- document frequency of each term among disposed reports
			SELECT q.t, q.tq, (SELECT count(*) FROM reports r
				WHERE r.agency_code IS NOT NULL AND to_tsvector('indonesian', r.description) @@ q.tq) AS df
			FROM q WHERE numnode(q.tq) > 0
		), n AS MATERIALIZED (
			SELECT count(*) AS n FROM reports WHERE agency_code IS NOT NULL
		), probe AS MATERIALIZED (
			-- The rarer terms find the candidates: a word in more than a
			-- tenth of the reports ("jalan") only adds to their score.
			SELECT coalesce((SELECT to_tsquery('indonesian', string_agg(t, ' | ')) FROM terms, n
				WHERE df > 0 AND df <= greatest(20, n.n / 10)), to_tsquery('indonesian', $3)) AS tq
		), past AS MATERIALIZED (
			-- The index finds them; their words are the stored column of
			-- migration 00016, so no description is parsed again.
			SELECT id, agency_code, description_words AS tsv FROM reports
			WHERE agency_code IS NOT NULL AND id <> $2
				AND to_tsvector('indonesian', description) @@ (SELECT tq FROM probe)
		)
		SELECT p.id, p.agency_code, sum(ln(1 + (n.n - terms.df + 0.5) / (terms.df + 0.5))) AS score,
			count(*) AS shared
		FROM past p JOIN terms ON p.tsv @@ terms.tq CROSS JOIN n
		GROUP BY p.id, p.agency_code
		ORDER BY score DESC, p.id DESC
		LIMIT $4`, clean, exclude, strings.Join(clean, " | "), limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Precedent
	for rows.Next() {
		var p Precedent
		if err := rows.Scan(&p.ReportID, &p.AgencyCode, &p.Score, &p.Shared); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}
