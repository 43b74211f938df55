-- +goose Up

-- Issue 16 §2: a report may need more than one agency (a road and its
-- drainage). reports.agency_code stays the lead agency (the first one
-- disposed to); co_agencies are the others, disposed to in the same step or
-- added while the report is at the agencies. Each agency writes its own
-- part of the answer, so an answer is one per report, round and agency.
ALTER TABLE reports ADD COLUMN co_agencies text[] NOT NULL DEFAULT '{}';
-- An agency's desk finds the reports it takes part in.
CREATE INDEX reports_co_agencies ON reports USING gin (co_agencies) WHERE cardinality(co_agencies) > 0;

ALTER TABLE answers DROP CONSTRAINT answers_report_id_round_key;
ALTER TABLE answers ADD CONSTRAINT answers_report_round_agency_key UNIQUE (report_id, round, agency_code);

-- +goose Down
-- A second agency's part of a round cannot stay under the old key.
DELETE FROM answers a WHERE EXISTS (SELECT 1 FROM answers b
    WHERE b.report_id = a.report_id AND b.round = a.round AND b.id < a.id)
    AND NOT EXISTS (SELECT 1 FROM attachments t WHERE t.answer_id = a.id);
ALTER TABLE answers DROP CONSTRAINT answers_report_round_agency_key;
ALTER TABLE answers ADD CONSTRAINT answers_report_id_round_key UNIQUE (report_id, round);
DROP INDEX reports_co_agencies;
ALTER TABLE reports DROP COLUMN co_agencies;
