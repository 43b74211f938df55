package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// WebSession is one browser's web chat.
type WebSession struct {
	ChatID string
	CSRF   string
	Lang   string
	Room   string // the desk room an officer's browser shows; "" for a citizen
	SeenAt time.Time
}

// CreateWebSession stores a new session under the hash of its cookie token.
func (db *DB) CreateWebSession(ctx context.Context, tokenHash []byte, s WebSession, now time.Time) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO webchat_sessions (token_hash, chat_id, csrf, lang, created_at, seen_at) VALUES ($1, $2, $3, $4, $5, $5)`,
		tokenHash, s.ChatID, s.CSRF, s.Lang, now)
	return mapErr(err)
}

// WebSessionByToken finds the session of a cookie token's hash.
func (db *DB) WebSessionByToken(ctx context.Context, tokenHash []byte) (WebSession, error) {
	var s WebSession
	err := db.pool.QueryRow(ctx, `SELECT chat_id, csrf, lang, coalesce(room, ''), seen_at FROM webchat_sessions WHERE token_hash = $1`, tokenHash).
		Scan(&s.ChatID, &s.CSRF, &s.Lang, &s.Room, &s.SeenAt)
	return s, mapErr(err)
}

// TouchWebSession records that a session was used at now.
func (db *DB) TouchWebSession(ctx context.Context, tokenHash []byte, now time.Time) error {
	_, err := db.pool.Exec(ctx, `UPDATE webchat_sessions SET seen_at = $2 WHERE token_hash = $1 AND seen_at < $2`, tokenHash, now)
	return mapErr(err)
}

// ExpiredWebSessions counts what DeleteIdleWebSessions deleted.
type ExpiredWebSessions struct{ Sessions, Messages, Files int64 }

// DeleteIdleWebSessions deletes the sessions of channel unused since
// before idleSince, except those whose chat has a report that is open or
// changed since then (the citizen will come back for its outcome). A
// deleted session's transcript and files go with it when no report came
// of its chat; a chat with a report keeps them. It works in batches of
// batch sessions, each its own transaction.
func (db *DB) DeleteIdleWebSessions(ctx context.Context, channel string, idleSince time.Time, batch int) (ExpiredWebSessions, error) {
	var total ExpiredWebSessions
	for {
		var n ExpiredWebSessions
		var blobs []int64
		err := db.pool.QueryRow(ctx, `
			WITH gone AS (
				DELETE FROM webchat_sessions WHERE token_hash IN (
					SELECT s.token_hash FROM webchat_sessions s
					WHERE s.seen_at < $2
					  AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.channel = $1 AND r.chat_id = s.chat_id
					                  AND (r.stage NOT IN ('closed', 'archived', 'in_lapor') OR r.updated_at >= $2))
					ORDER BY s.seen_at LIMIT $3
					FOR UPDATE SKIP LOCKED)
				RETURNING chat_id),
			unreported AS (
				SELECT g.chat_id FROM gone g
				WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.channel = $1 AND r.chat_id = g.chat_id)),
			lines AS (DELETE FROM webchat_messages m USING unreported u WHERE m.chat_id = u.chat_id RETURNING 1),
			files AS (DELETE FROM webchat_files f USING unreported u WHERE f.chat_id = u.chat_id RETURNING f.blob_id)
			SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM lines), (SELECT count(*) FROM files),
				(SELECT coalesce(array_agg(DISTINCT blob_id), '{}') FROM files)`,
			channel, idleSince, batch).Scan(&n.Sessions, &n.Messages, &n.Files, &blobs)
		if err != nil {
			return total, mapErr(err)
		}
		// The files' bytes go too, unless something else refers to them (a
		// draft's attachment). A statement of its own: within the one above
		// the deleted files would still count as referring to them. Left
		// behind by a failure here, CollectBlobs deletes them.
		if len(blobs) > 0 {
			if _, err := db.pool.Exec(ctx, `DELETE FROM blobs b WHERE b.id = ANY($1) AND `+blobUnused, blobs); err != nil {
				return total, mapErr(err)
			}
		}
		total.Sessions += n.Sessions
		total.Messages += n.Messages
		total.Files += n.Files
		if n.Sessions < int64(batch) || ctx.Err() != nil {
			return total, nil
		}
	}
}

// SetWebRoom puts a session in a desk room, or back in its own chat when
// room is "".
func (db *DB) SetWebRoom(ctx context.Context, chatID, room string) error {
	var r *string
	if room != "" {
		r = &room
	}
	_, err := db.pool.Exec(ctx, `UPDATE webchat_sessions SET room = $2 WHERE chat_id = $1`, chatID, r)
	return mapErr(err)
}

// WebMessage returns one message of a chat; another chat's is ErrNotFound.
func (db *DB) WebMessage(ctx context.Context, chatID string, seq int64) (WebMessage, error) {
	m := WebMessage{Seq: seq, ChatID: chatID}
	err := db.pool.QueryRow(ctx, `
		SELECT from_bot, payload, coalesce(file_id, 0), at FROM webchat_messages WHERE seq = $1 AND chat_id = $2`, seq, chatID).
		Scan(&m.FromBot, &m.Payload, &m.FileID, &m.At)
	return m, mapErr(err)
}

// WebMessage is one line of a web chat.
type WebMessage struct {
	Seq     int64
	ChatID  string
	FromBot bool
	Payload []byte // JSON for the browser
	FileID  int64
	At      time.Time
}

// webchatLockClass is the first key of the transaction advisory locks that
// keep each web chat's transcript in commit order (see flushOutbox).
const webchatLockClass = 0x7763 // "wc"

// AddWebMessage appends to a web chat and returns its sequence number.
func (db *DB) AddWebMessage(ctx context.Context, m WebMessage) (int64, error) {
	var seq int64
	err := db.InTx(ctx, func(tx *Tx) (err error) {
		seq, err = tx.AddWebMessage(ctx, m)
		return err
	})
	return seq, err
}

// AddWebMessage appends to a web chat within the transaction. A chat's
// stream reads its transcript "after the last seq it showed", so seqs must
// become visible in order: two writers to one chat (the bot's reply and an
// officer's own line in a room) could otherwise commit seq 11 before seq
// 10, and a stream that showed 11 would never show 10. So the transaction
// takes the chat's lock, held until it commits, before it draws its seq.
func (tx *Tx) AddWebMessage(ctx context.Context, m WebMessage) (int64, error) {
	var file *int64
	if m.FileID != 0 {
		file = &m.FileID
	}
	if _, err := tx.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, webchatLockClass, m.ChatID); err != nil {
		return 0, mapErr(err)
	}
	var seq int64
	// The line is announced to every replica's streams of the chat when
	// the transaction commits (see Listen).
	err := tx.tx.QueryRow(ctx, `
		INSERT INTO webchat_messages (chat_id, from_bot, payload, file_id, at)
		SELECT $1, $2, $3, $4, $5 FROM (SELECT pg_notify('`+WebChatChannel+`', $1)) n
		RETURNING seq`,
		m.ChatID, m.FromBot, m.Payload, file, m.At).Scan(&seq)
	return seq, mapErr(err)
}

// WebMessagesAfter lists a chat's messages after seq, oldest first.
func (db *DB) WebMessagesAfter(ctx context.Context, chatID string, after int64, limit int) ([]WebMessage, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT seq, chat_id, from_bot, payload, coalesce(file_id, 0), at FROM webchat_messages
		WHERE chat_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, chatID, after, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []WebMessage
	for rows.Next() {
		var m WebMessage
		if err := rows.Scan(&m.Seq, &m.ChatID, &m.FromBot, &m.Payload, &m.FileID, &m.At); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// WebFile is a file of a web chat: an upload, or a file the bot showed.
// Its bytes are the blob BlobID.
type WebFile struct {
	ID     int64
	ChatID string
	Name   string
	MIME   string
	BlobID int64
	Size   int64 // set by WebFile
}

// AddWebFile stores a file of a web chat whose bytes are the blob f.BlobID.
// Several files may share a blob (an upload shown again in a desk's room).
func (db *DB) AddWebFile(ctx context.Context, f WebFile, now time.Time) (int64, error) {
	var id int64
	err := db.pool.QueryRow(ctx, `
		INSERT INTO webchat_files (chat_id, name, mime_type, blob_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		f.ChatID, f.Name, f.MIME, f.BlobID, now).Scan(&id)
	return id, mapErr(err)
}

// WebFile returns a file only to the chat it belongs to: another chat's id
// is ErrNotFound, as is an id that does not exist.
func (db *DB) WebFile(ctx context.Context, chatID string, id int64) (WebFile, error) {
	f := WebFile{ID: id, ChatID: chatID}
	err := db.pool.QueryRow(ctx, `
		SELECT f.name, f.mime_type, f.blob_id, b.size_bytes FROM webchat_files f JOIN blobs b ON b.id = f.blob_id
		WHERE f.id = $1 AND f.chat_id = $2`, id, chatID).
		Scan(&f.Name, &f.MIME, &f.BlobID, &f.Size)
	return f, mapErr(err)
}

// DeleteWebFile deletes a file of a web chat within the transaction, and its
// bytes unless something else refers to them (an upload the conversation
// refused); the transcript keeps the line without a link. It reports
// whether the file existed.
func (tx *Tx) DeleteWebFile(ctx context.Context, chatID string, id int64) (bool, error) {
	var blob int64
	err := tx.tx.QueryRow(ctx, `DELETE FROM webchat_files WHERE id = $1 AND chat_id = $2 RETURNING blob_id`, id, chatID).Scan(&blob)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, mapErr(err)
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE webchat_messages SET file_id = NULL WHERE chat_id = $1 AND file_id = $2`, chatID, id); err != nil {
		return false, mapErr(err)
	}
	_, err = tx.DeleteBlob(ctx, blob)
	return true, err
}

// DeleteWebFile is DeleteWebFile in a transaction of its own.
func (db *DB) DeleteWebFile(ctx context.Context, chatID string, id int64) (bool, error) {
	var found bool
	err := db.InTx(ctx, func(tx *Tx) (err error) {
		found, err = tx.DeleteWebFile(ctx, chatID, id)
		return err
	})
	return found, err
}

// WebChatSize counts the lines and files a web chat holds.
func (db *DB) WebChatSize(ctx context.Context, chatID string) (messages, files int64, err error) {
	err = db.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM webchat_messages WHERE chat_id = $1), (SELECT count(*) FROM webchat_files WHERE chat_id = $1)`,
		chatID).Scan(&messages, &files)
	return messages, files, mapErr(err)
}

// TouchWebSessions records that the sessions (by token hash) were in use at
// now, in one statement however many there are: the sessions whose pages
// hold an event stream open (see webchat's stream keeper).
func (db *DB) TouchWebSessions(ctx context.Context, tokenHashes [][]byte, now time.Time) error {
	if len(tokenHashes) == 0 {
		return nil
	}
	_, err := db.pool.Exec(ctx, `UPDATE webchat_sessions SET seen_at = $2 WHERE token_hash = ANY($1) AND seen_at < $2`, tokenHashes, now)
	return mapErr(err)
}
