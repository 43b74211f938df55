package store

import (
	"context"
	"time"
)

// Attachment is one piece of evidence a citizen sent (or a file of an
// agency's answer). Its bytes are the blob BlobID (OpenBlob).
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
	BlobID       int64
	CreatedAt    time.Time
}

// AddAttachment stores a received file whose bytes are the blob a.BlobID
// (written with WriteBlob, or a web chat upload's) and sets a.ID, a.Size
// and a.SHA256 from the blob. The blob is not copied: an upload kept as
// evidence is stored once.
func (tx *Tx) AddAttachment(ctx context.Context, a *Attachment) error {
	err := tx.tx.QueryRow(ctx, `
		INSERT INTO attachments (channel, chat_id, inbox_id, kind, original_name, mime_type, size_bytes, sha256, blob_id, created_at)
		SELECT $1, $2, $3, $4, $5, $6, b.size_bytes, b.sha256, b.id, $8 FROM blobs b WHERE b.id = $7 AND b.sha256 IS NOT NULL
		RETURNING id, size_bytes, sha256`,
		a.Channel, a.ChatID, a.InboxID, a.Kind, a.OriginalName, a.MIMEType, a.BlobID, a.CreatedAt).Scan(&a.ID, &a.Size, &a.SHA256)
	return mapErr(err)
}

// InboxKeptFile reports whether the handling of an inbound message kept its
// file as an attachment.
func (tx *Tx) InboxKeptFile(ctx context.Context, inboxID int64) (bool, error) {
	var kept bool
	err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM attachments WHERE inbox_id = $1)`, inboxID).Scan(&kept)
	return kept, mapErr(err)
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

const attachmentColumns = `id, channel, chat_id, inbox_id, coalesce(report_id, 0), kind, original_name, mime_type,
	size_bytes, sha256, blob_id, created_at`

func scanAttachment(row interface{ Scan(...any) error }, a *Attachment) error {
	return row.Scan(&a.ID, &a.Channel, &a.ChatID, &a.InboxID, &a.ReportID, &a.Kind, &a.OriginalName,
		&a.MIMEType, &a.Size, &a.SHA256, &a.BlobID, &a.CreatedAt)
}

// Attachments lists a report's attachments, oldest first.
func (tx *Tx) Attachments(ctx context.Context, reportID int64) ([]Attachment, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := scanAttachment(rows, &a); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
}

// Attachment returns one attachment.
func (db *DB) Attachment(ctx context.Context, id int64) (Attachment, error) {
	var a Attachment
	err := scanAttachment(db.pool.QueryRow(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1`, id), &a)
	return a, mapErr(err)
}
