-- +goose Up

-- Holidays added or removed at run time, on top of the embedded national
-- list (a regional holiday, an amended decree).
CREATE TABLE holiday_changes (
    day        date        PRIMARY KEY,
    name       text        NOT NULL DEFAULT '',
    removed    boolean     NOT NULL DEFAULT false, -- true: the embedded holiday is a working day after all
    changed_by text        NOT NULL DEFAULT '',
    changed_at timestamptz NOT NULL
);

-- The deadline of the current stage is Deadline(deadline_base, deadline_days);
-- keeping both lets a holiday change recompute it.
ALTER TABLE reports
    ADD COLUMN deadline_base timestamptz,
    ADD COLUMN deadline_days integer NOT NULL DEFAULT 0,
    ADD COLUMN ombudsman_at  timestamptz;
UPDATE reports SET deadline_base = stage_started_at WHERE stage_deadline IS NOT NULL;

-- Every reminder, escalation and closure the sweeps sent, keyed so a rerun,
-- a second scheduler or a restart never sends one twice.
CREATE TABLE sweep_marks (
    report_id  bigint      NOT NULL REFERENCES reports (id),
    stage_key  timestamptz NOT NULL, -- stage_started_at: one stage entry
    kind       text        NOT NULL, -- due-2, due-1, due-0, overdue:2026-12-07, escalated, ...
    at         timestamptz NOT NULL,
    PRIMARY KEY (report_id, stage_key, kind)
);

CREATE TABLE digests_sent (
    desk_id bigint NOT NULL REFERENCES desks (id),
    day     date   NOT NULL,
    at      timestamptz NOT NULL,
    PRIMARY KEY (desk_id, day)
);

-- Drafts that expired unfinished are kept, not deleted.
CREATE TABLE expired_drafts (
    id         bigserial PRIMARY KEY,
    channel    text        NOT NULL,
    chat_id    text        NOT NULL,
    step       text        NOT NULL,
    draft      jsonb       NOT NULL,
    expired_at timestamptz NOT NULL
);

CREATE INDEX reports_open_by_deadline ON reports (stage_deadline)
    WHERE stage IN ('submitted', 'at_regency', 'at_agency', 'answer_review', 'answered');
CREATE INDEX reports_not_forwarded ON reports (submitted_at)
    WHERE ombudsman_at IS NULL AND stage IN ('submitted', 'at_regency', 'at_agency', 'answer_review', 'waiting_citizen');

-- +goose Down
DROP INDEX reports_not_forwarded;
DROP INDEX reports_open_by_deadline;
DROP TABLE expired_drafts;
DROP TABLE digests_sent;
DROP TABLE sweep_marks;
ALTER TABLE reports DROP COLUMN deadline_base, DROP COLUMN deadline_days, DROP COLUMN ombudsman_at;
DROP TABLE holiday_changes;
