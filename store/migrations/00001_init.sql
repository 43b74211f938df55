-- +goose Up

-- Every update a channel received, stored before it is acknowledged to the
-- platform. (channel, external_id) makes a redelivered update a no-op.
CREATE TABLE inbox (
    id              bigserial PRIMARY KEY,
    channel         text        NOT NULL,
    external_id     text        NOT NULL,
    chat_id         text        NOT NULL,
    payload         jsonb       NOT NULL,
    received_at     timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    processed_at    timestamptz,
    outcome         text,
    UNIQUE (channel, external_id)
);
CREATE INDEX inbox_pending ON inbox (channel, chat_id, id) WHERE processed_at IS NULL;

-- Chats the bot has seen, and whether the platform refuses to deliver to them.
CREATE TABLE chats (
    channel        text        NOT NULL,
    chat_id        text        NOT NULL,
    is_group       boolean     NOT NULL DEFAULT false,
    first_seen_at  timestamptz NOT NULL,
    blocked_at     timestamptz,
    blocked_reason text,
    PRIMARY KEY (channel, chat_id)
);

-- One conversation per chat: the current step of the intake and its draft.
CREATE TABLE conversations (
    channel     text        NOT NULL,
    chat_id     text        NOT NULL,
    user_id     text        NOT NULL DEFAULT '',
    lang        text        NOT NULL DEFAULT 'id',
    step        text        NOT NULL DEFAULT 'idle',
    draft       jsonb       NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL,
    reminded_at timestamptz,
    PRIMARY KEY (channel, chat_id)
);
CREATE INDEX conversations_idle_drafts ON conversations (updated_at)
    WHERE step <> 'idle' AND reminded_at IS NULL;

CREATE TABLE reports (
    id                bigserial PRIMARY KEY,
    tracking_id       text        NOT NULL UNIQUE,
    lapor_tracking_id text,
    type              text        NOT NULL CHECK (type IN ('pengaduan', 'aspirasi', 'permintaan_informasi')),
    description       text        NOT NULL,
    occurred_on       date,
    occurred_text     text        NOT NULL DEFAULT '',
    address           text        NOT NULL DEFAULT '',
    latitude          double precision,
    longitude         double precision,
    kecamatan_code    text        NOT NULL DEFAULT '',
    anonymous         boolean     NOT NULL,
    confidential      boolean     NOT NULL,
    channel           text        NOT NULL,
    chat_id           text        NOT NULL,
    reporter_user_id  text        NOT NULL DEFAULT '',
    reporter_name     text        NOT NULL DEFAULT '',
    reporter_username text        NOT NULL DEFAULT '',
    lang              text        NOT NULL DEFAULT 'id',
    stage             text        NOT NULL,
    responsible_unit  text        NOT NULL,
    stage_started_at  timestamptz NOT NULL,
    stage_deadline    timestamptz,
    submitted_at      timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    -- The inbound message whose "Kirim" created the report: a redelivered
    -- or re-processed press can never create a second report.
    source_inbox_id   bigint UNIQUE REFERENCES inbox (id)
);
CREATE INDEX reports_by_chat ON reports (channel, chat_id, submitted_at DESC);

-- The append-only history of a report.
CREATE TABLE report_events (
    id         bigserial PRIMARY KEY,
    report_id  bigint      NOT NULL REFERENCES reports (id),
    at         timestamptz NOT NULL,
    kind       text        NOT NULL,
    stage_from text        NOT NULL DEFAULT '',
    stage_to   text        NOT NULL DEFAULT '',
    actor_role text        NOT NULL,
    actor_id   text        NOT NULL DEFAULT '',
    desk       text        NOT NULL DEFAULT '',
    channel    text        NOT NULL DEFAULT '',
    note       text        NOT NULL DEFAULT ''
);
CREATE INDEX report_events_by_report ON report_events (report_id, id);

-- +goose StatementBegin
CREATE FUNCTION report_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'report_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER report_events_no_update BEFORE UPDATE OR DELETE ON report_events
    FOR EACH ROW EXECUTE FUNCTION report_events_append_only();
CREATE TRIGGER report_events_no_truncate BEFORE TRUNCATE ON report_events
    FOR EACH STATEMENT EXECUTE FUNCTION report_events_append_only();

-- Evidence bytes live in Postgres behind store's small interface, so object
-- storage can replace it later. A draft's attachments have no report yet.
CREATE TABLE attachments (
    id            bigserial PRIMARY KEY,
    channel       text        NOT NULL,
    chat_id       text        NOT NULL,
    inbox_id      bigint      NOT NULL UNIQUE REFERENCES inbox (id),
    report_id     bigint      REFERENCES reports (id),
    kind          text        NOT NULL,
    original_name text        NOT NULL DEFAULT '',
    mime_type     text        NOT NULL,
    size_bytes    bigint      NOT NULL,
    sha256        bytea       NOT NULL,
    data          bytea       NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX attachments_by_report ON attachments (report_id) WHERE report_id IS NOT NULL;

-- Everything the bot will say, written in the same transaction as the state
-- change that decided it. Delivered in id order per chat.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    channel     text        NOT NULL,
    chat_id     text        NOT NULL,
    payload     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    not_before  timestamptz NOT NULL,
    lease_until timestamptz,
    attempts    integer     NOT NULL DEFAULT 0,
    parts_sent  integer     NOT NULL DEFAULT 0,
    sent_at     timestamptz,
    failed_at   timestamptz,
    last_error  text
);
CREATE INDEX outbox_pending ON outbox (channel, chat_id, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP TABLE outbox;
DROP TABLE attachments;
DROP TABLE report_events;
DROP FUNCTION report_events_append_only();
DROP TABLE reports;
DROP TABLE conversations;
DROP TABLE chats;
DROP TABLE inbox;
