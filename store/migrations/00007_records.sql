-- +goose Up

-- The deadline a stage got when a report entered it, kept with the event
-- that moved it there, so printouts and recaps can say whether each stage
-- kept its deadline without recomputing history.
ALTER TABLE report_events ADD COLUMN deadline timestamptz;

-- Files lapor made to send to a chat: exports, printouts, charts. Kept
-- apart from the evidence citizens sent.
CREATE TABLE documents (
    id         bigserial   PRIMARY KEY,
    channel    text        NOT NULL,
    chat_id    text        NOT NULL,
    kind       text        NOT NULL, -- photo, document
    name       text        NOT NULL,
    mime_type  text        NOT NULL,
    data       bytea       NOT NULL,
    made_by    text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL
);

-- Open data and recaps read reports by submission time.
CREATE INDEX reports_by_submitted ON reports (submitted_at, id);

-- +goose Down
DROP INDEX reports_by_submitted;
DROP TABLE documents;
ALTER TABLE report_events DROP COLUMN deadline;
