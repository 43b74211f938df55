-- +goose Up

-- One-time invitations that make whoever opens them in a private chat an
-- officer (issue 15: officers join without numeric ids). Only a hash of
-- the code is kept: the table never shows anyone a code that still works.
CREATE TABLE officer_invitations (
    id           bigserial PRIMARY KEY,
    code_hash    bytea       NOT NULL UNIQUE,
    role         text        NOT NULL CHECK (role IN ('super_admin', 'regency_admin', 'liaison_officer', 'ombudsman')),
    agency_code  text        REFERENCES agencies (code),
    name         text        NOT NULL DEFAULT '',
    issued_by    text        NOT NULL,  -- channel:user of the admin
    issued_channel text      NOT NULL,  -- the chat told who joined
    issued_chat  text        NOT NULL,
    issued_at    timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    used_by      text,                  -- channel:user of the new officer
    revoked_at   timestamptz,
    revoked_by   text,
    expiry_noted boolean     NOT NULL DEFAULT false, -- its expiry is in the audit log
    CHECK ((role = 'liaison_officer') = (agency_code IS NOT NULL))
);

-- The invitations still open, for /petugas undangan and the expiry sweep.
CREATE INDEX officer_invitations_open ON officer_invitations (expires_at)
    WHERE used_at IS NULL AND revoked_at IS NULL AND NOT expiry_noted;

-- A chat's failed invitation codes of the last hour (the brute-force limit).
CREATE INDEX audit_invite_failures ON audit_log (channel, chat_id, at) WHERE action = 'invite_bad';

-- +goose Down
DROP INDEX audit_invite_failures;
DROP TABLE officer_invitations;
