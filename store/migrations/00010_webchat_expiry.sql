-- +goose Up

-- Idle web chat sessions are deleted (store.DeleteIdleWebSessions): found
-- by when they were last used, their files by chat.
CREATE INDEX webchat_sessions_by_seen ON webchat_sessions (seen_at);
CREATE INDEX webchat_files_by_chat ON webchat_files (chat_id);

-- +goose Down
DROP INDEX webchat_files_by_chat;
DROP INDEX webchat_sessions_by_seen;
