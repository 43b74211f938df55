-- +goose Up

-- Issue 16 §2: a report declared a central-government matter is no longer
-- closed; it is forwarded to the national LAPOR! (stage to_lapor, with a
-- deadline for the regency admin to enter it there, then in_lapor).
-- Rather than list every stage whose clock runs in each sweep query (and in
-- this index), a clock runs exactly when the report has a stage deadline:
-- the workflow clears it when the clock pauses (waiting for the citizen) or
-- stops (closed, archived, in the national LAPOR!). Reports closed before
-- that rule held lose any deadline left behind.
UPDATE reports SET stage_deadline = NULL, deadline_base = NULL, deadline_days = 0
    WHERE stage IN ('waiting_citizen', 'closed', 'archived') AND stage_deadline IS NOT NULL;

-- Reports closed as central-government matters before: forwarded now, in
-- the national LAPOR! when their number was recorded, else waiting to be
-- entered (with no deadline: none was ever set for them).
UPDATE reports r SET stage = CASE WHEN coalesce(r.lapor_tracking_id, '') <> '' THEN 'in_lapor' ELSE 'to_lapor' END,
        responsible_unit = CASE WHEN coalesce(r.lapor_tracking_id, '') <> '' THEN '' ELSE 'regency_admin' END,
        closed_reason = ''
    WHERE r.stage = 'closed'
      AND EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.kind = 'central');

DROP INDEX reports_open_by_deadline;
CREATE INDEX reports_clock_running ON reports (stage_deadline) WHERE stage_deadline IS NOT NULL;

-- +goose Down
UPDATE reports SET stage = 'closed', responsible_unit = '', closed_reason = 'diteruskan ke LAPOR! nasional (kewenangan pusat)',
        stage_deadline = NULL, deadline_base = NULL, deadline_days = 0
    WHERE stage IN ('to_lapor', 'in_lapor');
DROP INDEX reports_clock_running;
CREATE INDEX reports_open_by_deadline ON reports (stage_deadline)
    WHERE stage IN ('submitted', 'at_regency', 'at_agency', 'answer_review', 'answered');
