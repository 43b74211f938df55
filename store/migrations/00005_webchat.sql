-- +goose Up

-- Browser sessions of the web chat. The cookie holds a random token; only
-- its hash is kept, so a database leak does not hand out sessions.
CREATE TABLE webchat_sessions (
    token_hash bytea       PRIMARY KEY,
    chat_id    text        NOT NULL UNIQUE,
    csrf       text        NOT NULL,
    lang       text        NOT NULL DEFAULT 'id',
    created_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL
);

-- What a web chat shows: the citizen's messages and the bot's, in order,
-- so a reload or a server restart shows the whole conversation.
CREATE TABLE webchat_messages (
    seq        bigserial   PRIMARY KEY,
    chat_id    text        NOT NULL,
    from_bot   boolean     NOT NULL,
    payload    jsonb       NOT NULL,
    file_id    bigint,
    at         timestamptz NOT NULL
);
CREATE INDEX webchat_messages_by_chat ON webchat_messages (chat_id, seq);

-- Files of web chats: uploads before the conversation takes them, and
-- files the bot shows. Served only to the chat they belong to.
CREATE TABLE webchat_files (
    id         bigserial   PRIMARY KEY,
    chat_id    text        NOT NULL,
    name       text        NOT NULL,
    mime_type  text        NOT NULL,
    data       bytea       NOT NULL,
    created_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE webchat_files;
DROP TABLE webchat_messages;
DROP TABLE webchat_sessions;
