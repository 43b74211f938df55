package store

import (
	"context"
	"crypto/sha256"
	"time"
)

// Attachment is one piece of evidence a citizen sent. Data is nil in
// listings; AttachmentData loads the bytes.
type Attachment struct {
	ID           int64
	Channel      string
	ChatID       string
	InboxID      int64 // the inbound message that carried it
	ReportID     int64 // 0 while it belongs to a draft
	Kind         string
	OriginalName string
	MIMEType     string
	Size         int64
	SHA256       []byte
	Data         []byte
	CreatedAt    time.Time
}

// AddAttachment stores the bytes of a received file and sets a.ID, a.Size
// and a.SHA256 from the data.
func (tx *Tx) AddAttachment(ctx context.Context, a *Attachment) error {
	sum := sha256.Sum256(a.Data)
	a.SHA256, a.Size = sum[:], int64(len(a.Data))
	err := tx.tx.QueryRow(ctx, `
		INSERT INTO attachments (channel, chat_id, inbox_id, kind, original_name, mime_type, size_bytes, sha256, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		a.Channel, a.ChatID, a.InboxID, a.Kind, a.OriginalName, a.MIMEType, a.Size, a.SHA256, a.Data, a.CreatedAt).Scan(&a.ID)
	return mapErr(err)
}

// AttachToReport binds a draft's attachments to the report created from it.
// Only attachments of the same chat and without a report are bound.
func (tx *Tx) AttachToReport(ctx context.Context, reportID int64, channel, chatID string, ids []int64) (int, error) {
	tag, err := tx.tx.Exec(ctx, `
		UPDATE attachments SET report_id = $1
		WHERE id = ANY($2) AND channel = $3 AND chat_id = $4 AND report_id IS NULL`,
		reportID, ids, channel, chatID)
	return int(tag.RowsAffected()), mapErr(err)
}

// Attachments lists a report's attachments with their bytes, oldest first.
func (tx *Tx) Attachments(ctx context.Context, reportID int64) ([]Attachment, error) {
	rows, err := tx.tx.Query(ctx, `
		SELECT id, channel, chat_id, inbox_id, coalesce(report_id, 0), kind, original_name, mime_type,
			size_bytes, sha256, data, created_at
		FROM attachments WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.Channel, &a.ChatID, &a.InboxID, &a.ReportID, &a.Kind, &a.OriginalName,
			&a.MIMEType, &a.Size, &a.SHA256, &a.Data, &a.CreatedAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
}

// AttachmentData returns one attachment with its bytes.
func (db *DB) AttachmentData(ctx context.Context, id int64) (Attachment, error) {
	var a Attachment
	err := db.pool.QueryRow(ctx, `
		SELECT id, channel, chat_id, inbox_id, coalesce(report_id, 0), kind, original_name, mime_type,
			size_bytes, sha256, data, created_at
		FROM attachments WHERE id = $1`, id).Scan(&a.ID, &a.Channel, &a.ChatID, &a.InboxID, &a.ReportID, &a.Kind,
		&a.OriginalName, &a.MIMEType, &a.Size, &a.SHA256, &a.Data, &a.CreatedAt)
	return a, mapErr(err)
}
