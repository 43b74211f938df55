-- +goose Up

-- Issue 16 §1: an agency's first response (respon awal) and its progress
-- updates (tindak lanjut) before the final answer. Each is a row here:
-- a draft while the liaison officer writes it, then pending (waiting for
-- an admin's review, where the policy asks for one) or sent (it reached
-- the citizen), or returned (an admin sent it back with a reason).
CREATE TABLE followups (
    id           bigserial PRIMARY KEY,
    report_id    bigint      NOT NULL REFERENCES reports (id),
    round        integer     NOT NULL,
    agency_code  text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('first_response', 'progress')),
    body         text        NOT NULL DEFAULT '',
    status       text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending', 'sent', 'returned')),
    author_id    text        NOT NULL DEFAULT '',
    author_name  text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    submitted_at timestamptz,
    decided_at   timestamptz,
    decided_by   text        NOT NULL DEFAULT '',
    reason       text        NOT NULL DEFAULT ''
);
CREATE INDEX followups_of_report ON followups (report_id, id);
-- One draft of each kind per report and agency at a time (a report
-- disposed elsewhere does not hand one agency's draft to the next).
CREATE UNIQUE INDEX followups_one_draft ON followups (report_id, kind, agency_code) WHERE status = 'draft';
ALTER TABLE attachments ADD COLUMN followup_id bigint REFERENCES followups (id);

-- The first-response deadline is apart from stage_deadline, which stays the
-- final answer's. It is set when a report is disposed to an agency and
-- cleared once the agency gives its first response (or the report leaves
-- the agency); first_response_base is when the clock started, so that a
-- returned first response puts the same deadline back.
ALTER TABLE reports ADD COLUMN first_response_base timestamptz, ADD COLUMN first_response_due timestamptz;
CREATE INDEX reports_first_response_due ON reports (first_response_due)
    WHERE first_response_due IS NOT NULL AND stage = 'at_agency';

-- +goose Down
DROP INDEX reports_first_response_due;
ALTER TABLE reports DROP COLUMN first_response_base, DROP COLUMN first_response_due;
ALTER TABLE attachments DROP COLUMN followup_id;
DROP TABLE followups;
