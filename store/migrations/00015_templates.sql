-- +goose Up

-- Canned answers (templat tanggapan): an agency's own, written by its
-- liaison officers, or regency-wide (agency_code NULL), written by the
-- admins. A title is unique per owner whatever its case. The body keeps the
-- placeholders ({nomor}, {instansi}, …) as typed; they are filled when an
-- officer picks the template for a draft answer.
CREATE TABLE answer_templates (
    id          bigserial   PRIMARY KEY,
    agency_code text        REFERENCES agencies (code),
    title       text        NOT NULL,
    body        text        NOT NULL,
    created_by  text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL
);

CREATE UNIQUE INDEX answer_templates_title ON answer_templates (coalesce(agency_code, ''), lower(title));

-- +goose Down
DROP TABLE answer_templates;
