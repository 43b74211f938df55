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
-- descriptions, with its Indonesian stemmer, among the open reports of the
-- same place: the kecamatan, or a pin's surroundings. The words are kept
-- with the report, so comparing candidates parses no description.
ALTER TABLE reports ADD COLUMN description_words tsvector
    GENERATED ALWAYS AS (to_tsvector('indonesian', description)) STORED;
CREATE INDEX reports_open_by_place ON reports (kecamatan_code, submitted_at)
    WHERE stage NOT IN ('closed', 'archived');
CREATE INDEX reports_open_by_pin ON reports (latitude, longitude)
    WHERE stage NOT IN ('closed', 'archived') AND latitude IS NOT NULL;

-- +goose Down
DROP INDEX reports_open_by_pin;
DROP INDEX reports_open_by_place;
ALTER TABLE reports DROP COLUMN description_words;
DROP TABLE report_merges;
