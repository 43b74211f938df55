-- +goose Up

-- A duplicate report, archived into the original it repeats; its reporter
-- follows the original's news from then on. An original is never itself
-- merged: merging it moves its followers along (flows/duplicates.go), so
-- every row points at a root and a chain or a loop cannot form.
CREATE TABLE report_merges (
    report_id   bigint      PRIMARY KEY REFERENCES reports (id),
    original_id bigint      NOT NULL REFERENCES reports (id),
    merged_at   timestamptz NOT NULL,
    merged_by   text        NOT NULL DEFAULT '',
    CHECK (report_id <> original_id)
);
CREATE INDEX report_merges_by_original ON report_merges (original_id);

-- Similar open reports are found by PostgreSQL's full-text search over
-- descriptions, with its Indonesian stemmer.
CREATE INDEX reports_open_description ON reports USING gin (to_tsvector('indonesian', description))
    WHERE stage NOT IN ('closed', 'archived');

-- +goose Down
DROP INDEX reports_open_description;
DROP TABLE report_merges;
