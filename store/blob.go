package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Blobs hold the bytes of stored files — citizens' evidence, web chat files,
// made documents — in chunks of BlobChunk bytes. A blob is written from a
// stream and read as a stream, so memory holds a chunk of a file, never the
// file; these functions are the small interface behind which object
// storage can replace PostgreSQL.

// BlobChunk is the size of the chunks a blob is stored in: big enough that
// a 20 MB file is 80 rows, small enough that a chunk in memory is nothing.
const BlobChunk = 256 << 10

// ErrTooBig is returned by a blob write whose stream goes past its limit;
// nothing of it is left stored.
var ErrTooBig = errors.New("store: file over the size limit")

// Blob is a stored file's bytes as the store knows them.
type Blob struct {
	ID     int64
	Size   int64
	SHA256 []byte
}

// querier is what blob reads and writes need: the pool, a transaction or a
// savepoint.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var chunkBuffers = sync.Pool{New: func() any { b := make([]byte, BlobChunk); return &b }}

// writeBlob stores r in a new blob, chunk by chunk, computing the size and
// the SHA-256 on the way. limit < 0 means no limit. On an error the caller
// removes what was written (a savepoint rolled back, or deleteBlob).
func writeBlob(ctx context.Context, q querier, r io.Reader, limit int64) (Blob, error) {
	var b Blob
	if err := q.QueryRow(ctx, `INSERT INTO blobs DEFAULT VALUES RETURNING id`).Scan(&b.ID); err != nil {
		return b, mapErr(err)
	}
	bp := chunkBuffers.Get().(*[]byte)
	defer chunkBuffers.Put(bp)
	buf := *bp
	h := sha256.New()
	for n := 0; ; n++ {
		k, err := fill(r, buf)
		if err != nil && err != io.EOF {
			return b, fmt.Errorf("store: reading a file's bytes: %w", err)
		}
		if k > 0 {
			b.Size += int64(k)
			if limit >= 0 && b.Size > limit {
				return b, ErrTooBig
			}
			h.Write(buf[:k])
			if _, err := q.Exec(ctx, `INSERT INTO blob_chunks (blob_id, n, data) VALUES ($1, $2, $3)`, b.ID, n, buf[:k]); err != nil {
				return b, mapErr(err)
			}
		}
		if err == io.EOF {
			break
		}
	}
	b.SHA256 = h.Sum(nil)
	_, err := q.Exec(ctx, `UPDATE blobs SET size_bytes = $2, sha256 = $3 WHERE id = $1`, b.ID, b.Size, b.SHA256)
	return b, mapErr(err)
}

// fill reads until buf is full or r ends. Unlike io.ReadFull it tells the
// end of the stream (io.EOF) from a stream cut short: a reader's own
// io.ErrUnexpectedEOF (an HTTP body shorter than announced) is a failure,
// not the end of a shorter file.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// WriteBlob stores r in a new blob inside the transaction, at most limit
// bytes (limit < 0: no limit). It fails with ErrTooBig past the limit, and
// with the reader's error (wrapped) when r fails; either way nothing of the
// blob remains and the transaction goes on.
func (tx *Tx) WriteBlob(ctx context.Context, r io.Reader, limit int64) (Blob, error) {
	sp, err := tx.tx.Begin(ctx) // a savepoint: a refused file leaves no chunk behind
	if err != nil {
		return Blob{}, mapErr(err)
	}
	b, err := writeBlob(ctx, sp, r, limit)
	if err != nil {
		_ = sp.Rollback(context.WithoutCancel(ctx))
		return Blob{}, err
	}
	return b, mapErr(sp.Commit(ctx))
}

// WriteBlob stores r in a new blob outside any transaction, committing
// chunk by chunk, so a slow sender (a browser's upload) holds a connection
// only while a chunk is written. On failure — past limit, r failing, the
// sender gone — what was written is deleted. The blob is nobody's until a
// row refers to it; CollectBlobs removes it if none ever does (a crash in
// between).
func (db *DB) WriteBlob(ctx context.Context, r io.Reader, limit int64) (Blob, error) {
	b, err := writeBlob(ctx, db.pool, r, limit)
	if err != nil && b.ID != 0 {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, derr := db.pool.Exec(dctx, `DELETE FROM blobs WHERE id = $1`, b.ID); derr != nil {
			db.log.Warn("a partly written file was not deleted; the blob collector will", "blob", b.ID, "err", derr)
		}
		return Blob{}, err
	}
	return b, err
}

// BlobReader streams a blob's bytes, reading one chunk at a time. Each
// chunk is its own query, so a slow consumer holds no connection.
type BlobReader struct {
	ctx  context.Context
	q    querier
	id   int64
	size int64
	read int64 // bytes returned so far
	next int   // the chunk to load next
	buf  []byte
}

func openBlob(ctx context.Context, q querier, id int64) (*BlobReader, error) {
	r := &BlobReader{ctx: ctx, q: q, id: id}
	err := q.QueryRow(ctx, `SELECT size_bytes FROM blobs WHERE id = $1 AND sha256 IS NOT NULL`, id).Scan(&r.size)
	if err != nil {
		return nil, mapErr(err)
	}
	return r, nil
}

// OpenBlob opens a blob for reading (ErrNotFound if there is none).
func (db *DB) OpenBlob(ctx context.Context, id int64) (*BlobReader, error) {
	return openBlob(ctx, db.pool, id)
}

// OpenBlob opens a blob for reading within the transaction.
func (tx *Tx) OpenBlob(ctx context.Context, id int64) (*BlobReader, error) {
	return openBlob(ctx, tx.tx, id)
}

// Size is the blob's length in bytes.
func (r *BlobReader) Size() int64 { return r.size }

// Read implements io.Reader.
func (r *BlobReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.read >= r.size {
			return 0, io.EOF
		}
		if err := r.load(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	r.read += int64(n)
	return n, nil
}

// WriteTo implements io.WriterTo, so io.Copy writes each chunk as it is
// loaded, without copying it once more.
func (r *BlobReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if len(r.buf) == 0 {
			if r.read >= r.size {
				return total, nil
			}
			if err := r.load(); err != nil {
				return total, err
			}
		}
		n, err := w.Write(r.buf)
		r.buf = r.buf[n:]
		r.read += int64(n)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
}

func (r *BlobReader) load() error {
	var data []byte
	err := r.q.QueryRow(r.ctx, `SELECT data FROM blob_chunks WHERE blob_id = $1 AND n = $2`, r.id, r.next).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("store: blob %d has no chunk %d", r.id, r.next)
	}
	if err != nil {
		return mapErr(err)
	}
	if len(data) == 0 || r.read+int64(len(data)) > r.size {
		return fmt.Errorf("store: blob %d: chunk %d does not fit its size", r.id, r.next)
	}
	r.next++
	r.buf = data
	return nil
}

// Close implements io.Closer; a reader holds nothing open between reads.
func (r *BlobReader) Close() error { return nil }

// ReadBlob returns a whole blob, for callers that need every byte at once
// (decoding an image, a test); it holds the file in memory.
func (db *DB) ReadBlob(ctx context.Context, id int64) ([]byte, error) {
	return readAll(ctx, db.pool, id)
}

// ReadBlob is ReadBlob within the transaction.
func (tx *Tx) ReadBlob(ctx context.Context, id int64) ([]byte, error) {
	return readAll(ctx, tx.tx, id)
}

func readAll(ctx context.Context, q querier, id int64) ([]byte, error) {
	r, err := openBlob(ctx, q, id)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, r.size)
	for r.read < r.size {
		if err := r.load(); err != nil {
			return nil, err
		}
		out = append(out, r.buf...)
		r.read += int64(len(r.buf))
		r.buf = nil
	}
	return out, nil
}

// blobUnused is the condition under which blob b may be deleted: no row
// refers to it. A table that refers to blobs must be named here (its
// foreign key makes a forgotten one fail the delete instead of losing
// bytes).
const blobUnused = `NOT EXISTS (SELECT 1 FROM attachments x WHERE x.blob_id = b.id)
	AND NOT EXISTS (SELECT 1 FROM webchat_files x WHERE x.blob_id = b.id)
	AND NOT EXISTS (SELECT 1 FROM documents x WHERE x.blob_id = b.id)`

// DeleteBlob deletes a blob within the transaction unless a row still
// refers to it; it reports whether it was deleted.
func (tx *Tx) DeleteBlob(ctx context.Context, id int64) (bool, error) {
	tag, err := tx.tx.Exec(ctx, `DELETE FROM blobs b WHERE b.id = $1 AND `+blobUnused, id)
	return tag.RowsAffected() == 1, mapErr(err)
}

// BlobInfo returns a blob's size and SHA-256 (ErrNotFound for a blob that
// does not exist or is still being written).
func (tx *Tx) BlobInfo(ctx context.Context, id int64) (Blob, error) {
	b := Blob{ID: id}
	err := tx.tx.QueryRow(ctx, `SELECT size_bytes, sha256 FROM blobs WHERE id = $1 AND sha256 IS NOT NULL`, id).
		Scan(&b.Size, &b.SHA256)
	return b, mapErr(err)
}

// CollectBlobs deletes the blobs nothing refers to that are older than
// grace, and returns how many it deleted. Such blobs are left by a crash
// between writing a file and storing the row that refers to it; grace
// keeps a file still being uploaded, or about to be referred to. It is a
// leader's periodic job; each blob goes in a statement of its own, so a
// blob referred to meanwhile (its foreign key refuses the delete) is only
// skipped.
func (db *DB) CollectBlobs(ctx context.Context, grace time.Duration) (int, error) {
	deleted := 0
	after := int64(0)
	for {
		rows, err := db.pool.Query(ctx, `
			SELECT b.id FROM blobs b
			WHERE b.id > $1 AND b.created_at < clock_timestamp() - make_interval(secs => $2) AND `+blobUnused+`
			ORDER BY b.id LIMIT 100`, after, grace.Seconds())
		if err != nil {
			return deleted, mapErr(err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return deleted, mapErr(err)
		}
		for _, id := range ids {
			tag, err := db.pool.Exec(ctx, `DELETE FROM blobs b WHERE b.id = $1 AND `+blobUnused, id)
			var pgErr *pgconn.PgError
			switch {
			case errors.As(err, &pgErr) && pgErr.Code == "23503": // referred to since the select
			case err != nil:
				return deleted, mapErr(err)
			default:
				deleted += int(tag.RowsAffected())
			}
			after = id
		}
		if len(ids) < 100 {
			return deleted, nil
		}
	}
}

// DeleteBlob deletes a blob unless a row refers to it (bytes written for a
// file that was then refused); it reports whether it was deleted.
func (db *DB) DeleteBlob(ctx context.Context, id int64) (bool, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM blobs b WHERE b.id = $1 AND `+blobUnused, id)
	return tag.RowsAffected() == 1, mapErr(err)
}

// BlobCount says how many blobs are stored and how many bytes they hold
// (operations, and tests that check nothing was left behind).
func (db *DB) BlobCount(ctx context.Context) (n, bytes int64, err error) {
	err = db.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(size_bytes), 0) FROM blobs`).Scan(&n, &bytes)
	return n, bytes, mapErr(err)
}
