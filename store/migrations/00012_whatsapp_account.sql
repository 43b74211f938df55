-- +goose Up

-- A platform account held back as a whole (WhatsApp's rate limits and its
-- reach-out timelock are per number, not per chat): no replica sends on the
-- channel before until, including one that takes the connection over.
CREATE TABLE channel_pauses (
    channel text        PRIMARY KEY,
    until   timestamptz NOT NULL,
    reason  text        NOT NULL DEFAULT ''
);

-- A chat's evidence, found when a WhatsApp number's chat becomes its LID's
-- (store.Tx.MergeChat) without reading every attachment.
CREATE INDEX attachments_by_chat ON attachments (channel, chat_id);

-- +goose Down
DROP INDEX attachments_by_chat;
DROP TABLE channel_pauses;
