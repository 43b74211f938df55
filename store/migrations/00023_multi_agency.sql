-- +goose Up

-- Issue 16 §2: a report may need more than one agency (a road and its
-- drainage). reports.agency_code stays the lead agency (the first one
-- disposed to); co_agencies are the others, disposed to in the same step or
-- added while the report is at the agencies. Each agency writes its own
-- part of the answer, so an answer is one per report, round and agency.
ALTER TABLE reports ADD COLUMN co_agencies text[] NOT NULL DEFAULT '{}';
-- No index of its own: an agency's queue and digest go through the stage
-- index, like agency_code, which has none either.

ALTER TABLE answers DROP CONSTRAINT answers_report_id_round_key;
ALTER TABLE answers ADD CONSTRAINT answers_report_round_agency_key UNIQUE (report_id, round, agency_code);

-- +goose Down
-- Only the first agency's part of a round fits the old key; the others'
-- files stay stored, bound to no answer.
UPDATE attachments SET answer_id = NULL WHERE answer_id IN (SELECT a.id FROM answers a WHERE EXISTS (
    SELECT 1 FROM answers b WHERE b.report_id = a.report_id AND b.round = a.round AND b.id < a.id));
DELETE FROM answers a WHERE EXISTS (SELECT 1 FROM answers b
    WHERE b.report_id = a.report_id AND b.round = a.round AND b.id < a.id);
ALTER TABLE answers DROP CONSTRAINT answers_report_round_agency_key;
ALTER TABLE answers ADD CONSTRAINT answers_report_id_round_key UNIQUE (report_id, round);
ALTER TABLE reports DROP COLUMN co_agencies;
