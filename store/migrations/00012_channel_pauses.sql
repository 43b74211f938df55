-- +goose Up

-- A platform account held back as a whole (WhatsApp's rate limits and its
-- reach-out timelock are per number, not per chat): no replica sends on the
-- channel before until, including one that takes the connection over.
CREATE TABLE channel_pauses (
    channel text        PRIMARY KEY,
    until   timestamptz NOT NULL,
    reason  text        NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE channel_pauses;
