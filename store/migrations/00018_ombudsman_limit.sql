-- +goose Up

-- Issue 16 §3: passing the Ombudsman limit and being forwarded to an
-- Ombudsman desk are two events. ombudsman_limit_at is when the sweep
-- found the report unresolved after the policy's working days (the
-- escalation file went to the regency admin desk); ombudsman_at keeps its
-- meaning, when the report was forwarded to a registered Ombudsman desk,
-- and is what opens a report to the Ombudsman audience. Before this
-- migration both happened at once, so old rows get the same time for both.
ALTER TABLE reports ADD COLUMN ombudsman_limit_at timestamptz;
UPDATE reports SET ombudsman_limit_at = ombudsman_at WHERE ombudsman_at IS NOT NULL;

DROP INDEX reports_not_forwarded;
CREATE INDEX reports_below_ombudsman_limit ON reports (submitted_at)
    WHERE ombudsman_limit_at IS NULL AND stage IN ('submitted', 'at_regency', 'at_agency', 'answer_review', 'waiting_citizen');

-- +goose Down
DROP INDEX reports_below_ombudsman_limit;
CREATE INDEX reports_not_forwarded ON reports (submitted_at)
    WHERE ombudsman_at IS NULL AND stage IN ('submitted', 'at_regency', 'at_agency', 'answer_review', 'waiting_citizen');
ALTER TABLE reports DROP COLUMN ombudsman_limit_at;
