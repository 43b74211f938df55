package store_test

import (
	"context"
	"testing"

	"github.com/lapor-id/lapor/store"
)

// An answer's files among 300,000 citizens' files: found through the
// partial indexes of migration 00024, not by reading every file's row
// (26 ms per lookup before them).
//
//	go test -run '^$' -bench AnswerAttachments ./store
func BenchmarkAnswerAttachments(b *testing.B) {
	ctx := context.Background()
	db := pg.NewDB(b)
	err := db.Exec(ctx, `
		WITH blob AS (INSERT INTO blobs (size_bytes, sha256, created_at) VALUES (1, '\x00', now()) RETURNING id),
		     msgs AS (INSERT INTO inbox (channel, external_id, chat_id, payload, received_at, next_attempt_at, processed_at)
		              SELECT 'telegram', g::text, '1', '{}', now(), now(), now() FROM generate_series(1, 300000) g RETURNING id)
		INSERT INTO attachments (channel, chat_id, inbox_id, kind, mime_type, size_bytes, sha256, blob_id, created_at)
		SELECT 'telegram', '1', msgs.id, 'photo', 'image/jpeg', 1, '\x00', blob.id, now() FROM msgs, blob`)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Exec(ctx, `ANALYZE attachments`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.AnswerAttachments(ctx, 42); err != nil {
				return err
			}
			_, err := tx.FollowupAttachments(ctx, 42)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
