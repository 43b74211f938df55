-- +goose Up

-- Regional agencies (OPD). Seeded from the embedded Magetan list, then edited
-- by admins at run time; an agency is retired, never deleted.
CREATE TABLE agencies (
    code       text PRIMARY KEY,
    name       text        NOT NULL,
    kind       text        NOT NULL DEFAULT '',
    aliases    text[]      NOT NULL DEFAULT '{}',
    topics     text[]      NOT NULL DEFAULT '{}',
    wilayah_code text      NOT NULL DEFAULT '', -- a kecamatan office's own kecamatan
    active     boolean     NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL
);

-- People who work reports, bound to their chat identity.
CREATE TABLE officers (
    id          bigserial PRIMARY KEY,
    channel     text        NOT NULL,
    user_id     text        NOT NULL,
    name        text        NOT NULL DEFAULT '',
    role        text        NOT NULL CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman')),
    agency_code text        REFERENCES agencies (code),
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL DEFAULT '',
    UNIQUE (channel, user_id),
    CHECK ((role = 'liaison_officer') = (agency_code IS NOT NULL))
);

-- Group chats registered as a desk: where cards arrive and officers act.
CREATE TABLE desks (
    id            bigserial PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('super_admin', 'regency_admin', 'agency', 'ombudsman')),
    agency_code   text        REFERENCES agencies (code),
    channel       text        NOT NULL,
    chat_id       text        NOT NULL,
    title         text        NOT NULL DEFAULT '',
    registered_at timestamptz NOT NULL,
    registered_by text        NOT NULL DEFAULT '',
    removed_at    timestamptz,
    CHECK ((kind = 'agency') = (agency_code IS NOT NULL))
);
CREATE UNIQUE INDEX desks_active_chat ON desks (channel, chat_id) WHERE removed_at IS NULL;

-- One-time codes that turn a group into a desk (/daftar_grup <code>).
CREATE TABLE desk_codes (
    code        text PRIMARY KEY,
    kind        text        NOT NULL,
    agency_code text        REFERENCES agencies (code),
    issued_by   text        NOT NULL,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     text
);

ALTER TABLE reports
    ADD COLUMN version        integer NOT NULL DEFAULT 1,
    ADD COLUMN agency_code    text REFERENCES agencies (code),
    ADD COLUMN round          integer NOT NULL DEFAULT 1,
    ADD COLUMN resume_stage   text    NOT NULL DEFAULT '',
    ADD COLUMN paused_days    integer NOT NULL DEFAULT 0,
    ADD COLUMN question       text    NOT NULL DEFAULT '',
    ADD COLUMN closed_reason  text    NOT NULL DEFAULT '',
    ADD COLUMN rating         integer CHECK (rating BETWEEN 1 AND 5),
    ADD COLUMN rating_comment text    NOT NULL DEFAULT '',
    ADD COLUMN recorded_by    text    NOT NULL DEFAULT '',
    ADD COLUMN contact        text    NOT NULL DEFAULT '';
CREATE UNIQUE INDEX reports_lapor_id ON reports (lapor_tracking_id) WHERE lapor_tracking_id IS NOT NULL;
CREATE INDEX reports_open_by_stage ON reports (stage, stage_deadline) WHERE stage NOT IN ('closed', 'archived');

-- An agency's answer to one round of a report, written over several
-- messages, then submitted for review.
CREATE TABLE answers (
    id           bigserial PRIMARY KEY,
    report_id    bigint      NOT NULL REFERENCES reports (id),
    round        integer     NOT NULL,
    body         text        NOT NULL DEFAULT '',
    author_id    text        NOT NULL DEFAULT '',
    author_name  text        NOT NULL DEFAULT '',
    agency_code  text        NOT NULL,
    created_at   timestamptz NOT NULL,
    submitted_at timestamptz,
    UNIQUE (report_id, round)
);
ALTER TABLE attachments ADD COLUMN answer_id bigint REFERENCES answers (id);

-- Who did what, also for refused attempts and identity views (UU 27/2022).
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    channel   text        NOT NULL,
    chat_id   text        NOT NULL,
    user_id   text        NOT NULL,
    action    text        NOT NULL,
    report_id bigint,
    allowed   boolean     NOT NULL,
    detail    text        NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE audit_log;
ALTER TABLE attachments DROP COLUMN answer_id;
DROP TABLE answers;
DROP INDEX reports_open_by_stage;
DROP INDEX reports_lapor_id;
ALTER TABLE reports DROP COLUMN version, DROP COLUMN agency_code, DROP COLUMN round, DROP COLUMN resume_stage,
    DROP COLUMN paused_days, DROP COLUMN question, DROP COLUMN closed_reason, DROP COLUMN rating,
    DROP COLUMN rating_comment, DROP COLUMN recorded_by, DROP COLUMN contact;
DROP TABLE desk_codes;
DROP TABLE desks;
DROP TABLE officers;
DROP TABLE agencies;
