-- +goose Up

-- The choices last offered to a chat whose channel shows buttons as a
-- numbered list (WhatsApp): a reply "2" means the second one.
CREATE TABLE menus (
    channel    text        NOT NULL,
    chat_id    text        NOT NULL,
    choices    text[]      NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

-- +goose Down
DROP TABLE menus;
