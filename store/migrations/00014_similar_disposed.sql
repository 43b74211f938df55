-- +goose Up

-- Agency suggestions learn from the regency's own history: past reports
-- already disposed to an agency, found by PostgreSQL's built-in full-text
-- search (store/similar.go) with its Indonesian stemmer. Built in, so no
-- extension (pg_trgm) needs to be installed on a deployment.
CREATE INDEX reports_disposed_description ON reports USING gin (to_tsvector('indonesian', description))
    WHERE agency_code IS NOT NULL;

-- +goose Down
DROP INDEX reports_disposed_description;
