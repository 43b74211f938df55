-- +goose Up

-- The per-chat flood limit counts a chat's recent messages.
CREATE INDEX inbox_by_chat_time ON inbox (channel, chat_id, received_at);

-- +goose Down
DROP INDEX inbox_by_chat_time;
