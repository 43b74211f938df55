package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/migrations"
)

// randomBytes are n bytes that do not compress (like most evidence).
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// count returns one number a query answers.
func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func poolOf(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// readBoth reads a blob back through Read (with an odd-sized buffer, so
// reads straddle chunks) and through WriteTo (what io.Copy uses).
func readBoth(t *testing.T, open func() (*store.BlobReader, error)) ([]byte, []byte) {
	t.Helper()
	r, err := open()
	if err != nil {
		t.Fatal(err)
	}
	var viaRead bytes.Buffer
	buf := make([]byte, 1000)
	for {
		n, err := r.Read(buf)
		viaRead.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err = open()
	if err != nil {
		t.Fatal(err)
	}
	var viaCopy bytes.Buffer
	if _, err := io.Copy(&viaCopy, r); err != nil {
		t.Fatal(err)
	}
	return viaRead.Bytes(), viaCopy.Bytes()
}

// A blob reads back exactly as written at every size around the chunk
// boundaries, whether written in a transaction or on its own, with its
// size and SHA-256 computed on the way.
func TestBlobRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	db, pool := openDB(t, url), poolOf(t, url)
	const c = store.BlobChunk
	for i, size := range []int{0, 1, c - 1, c, c + 1, 5<<20 + 3} {
		data := randomBytes(size, uint64(i))
		sum := sha256.Sum256(data)
		for _, how := range []string{"tx", "own"} {
			t.Run(fmt.Sprintf("%d/%s", size, how), func(t *testing.T) {
				var b store.Blob
				var err error
				if how == "tx" {
					err = db.InTx(ctx, func(tx *store.Tx) (err error) {
						b, err = tx.WriteBlob(ctx, bytes.NewReader(data), int64(size))
						return err
					})
				} else {
					b, err = db.WriteBlob(ctx, bytes.NewReader(data), int64(size))
				}
				if err != nil {
					t.Fatal(err)
				}
				if b.Size != int64(size) || !bytes.Equal(b.SHA256, sum[:]) {
					t.Fatalf("blob %+v; want size %d and sha256 %x", b, size, sum)
				}
				if n, want := count(t, pool, `SELECT count(*) FROM blob_chunks WHERE blob_id = $1`, b.ID), (size+c-1)/c; n != want {
					t.Errorf("%d chunks, want %d", n, want)
				}
				if n := count(t, pool, `SELECT count(*) FROM blob_chunks WHERE blob_id = $1 AND length(data) > $2`, b.ID, c); n != 0 {
					t.Errorf("%d chunks over %d bytes", n, c)
				}
				viaRead, viaCopy := readBoth(t, func() (*store.BlobReader, error) { return db.OpenBlob(ctx, b.ID) })
				if !bytes.Equal(viaRead, data) || !bytes.Equal(viaCopy, data) {
					t.Fatalf("read back %d/%d bytes that differ from the %d written", len(viaRead), len(viaCopy), size)
				}
				whole, err := db.ReadBlob(ctx, b.ID)
				if err != nil || !bytes.Equal(whole, data) {
					t.Fatalf("ReadBlob: %d bytes, %v", len(whole), err)
				}
				err = db.InTx(ctx, func(tx *store.Tx) error {
					viaRead, viaCopy := readBoth(t, func() (*store.BlobReader, error) { return tx.OpenBlob(ctx, b.ID) })
					if !bytes.Equal(viaRead, data) || !bytes.Equal(viaCopy, data) {
						t.Error("read back in a transaction: bytes differ")
					}
					info, err := tx.BlobInfo(ctx, b.ID)
					if err != nil || info.Size != int64(size) || !bytes.Equal(info.SHA256, sum[:]) {
						t.Errorf("BlobInfo %+v, %v", info, err)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		}
	}
	if _, err := db.OpenBlob(ctx, 1<<40); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a blob that does not exist: %v, want ErrNotFound", err)
	}
}

// failingReader gives n bytes, then fails.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	f.n -= k
	return k, nil
}

// A stream over the limit, a stream that fails, and a writer whose context
// ends (a browser that goes away mid-upload) leave no blob and no chunk;
// in a transaction, the transaction goes on.
func TestBlobWriteFailuresLeaveNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	db, pool := openDB(t, url), poolOf(t, url)
	const c = store.BlobChunk
	nothing := func(t *testing.T) {
		t.Helper()
		if n := count(t, pool, `SELECT count(*) FROM blobs`) + count(t, pool, `SELECT count(*) FROM blob_chunks`); n != 0 {
			t.Fatalf("%d blob rows left behind", n)
		}
	}
	broken := errors.New("connection reset by the sender")
	for _, tc := range []struct {
		name  string
		r     func() io.Reader
		limit int64
		want  error
	}{
		{"one byte over", func() io.Reader { return bytes.NewReader(randomBytes(c+2, 1)) }, c + 1, store.ErrTooBig},
		{"far over", func() io.Reader { return bytes.NewReader(randomBytes(3*c, 2)) }, 100, store.ErrTooBig},
		{"broken stream", func() io.Reader { return &failingReader{n: 300 << 10, err: broken} }, -1, broken},
		// An HTTP body shorter than announced ends in io.ErrUnexpectedEOF:
		// that is a broken file, not a shorter one.
		{"stream cut short", func() io.Reader { return &failingReader{n: 300 << 10, err: io.ErrUnexpectedEOF} }, -1, io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name+"/own", func(t *testing.T) {
			if _, err := db.WriteBlob(ctx, tc.r(), tc.limit); !errors.Is(err, tc.want) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
			nothing(t)
		})
		t.Run(tc.name+"/tx", func(t *testing.T) {
			var kept store.Blob
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.WriteBlob(ctx, tc.r(), tc.limit); !errors.Is(err, tc.want) {
					t.Errorf("%v, want %v", err, tc.want)
				}
				var err error
				kept, err = tx.WriteBlob(ctx, bytes.NewReader([]byte("the transaction goes on")), -1)
				return err
			})
			if err != nil {
				t.Fatalf("the transaction after a refused blob: %v", err)
			}
			if n := count(t, pool, `SELECT count(*) FROM blobs WHERE id <> $1`, kept.ID); n != 0 {
				t.Fatalf("%d refused blobs committed", n)
			}
			if err := db.Exec(ctx, `DELETE FROM blobs`); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("exactly at the limit", func(t *testing.T) {
		b, err := db.WriteBlob(ctx, bytes.NewReader(randomBytes(c+1, 3)), c+1)
		if err != nil || b.Size != c+1 {
			t.Fatalf("%+v, %v", b, err)
		}
		if err := db.Exec(ctx, `DELETE FROM blobs`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("sender gone", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		pr, pw := io.Pipe()
		go func() {
			pw.Write(randomBytes(c+c/2, 4)) // a chunk and a half arrive, then the browser goes
			cancel()
			pw.CloseWithError(context.Canceled)
		}()
		if _, err := db.WriteBlob(cctx, pr, -1); err == nil {
			t.Fatal("a broken upload was stored")
		}
		nothing(t)
	})
}

// The collector deletes only blobs that nothing refers to and that are
// older than the grace; a web chat file deleted by its only user takes its
// bytes with it, but not bytes an attachment shares.
func TestCollectBlobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	db, pool := openDB(t, url), poolOf(t, url)
	write := func(s string) int64 {
		b, err := db.WriteBlob(ctx, bytes.NewReader([]byte(s)), -1)
		if err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	evidence, shown, empty, orphan, young, shared := write("evidence"), write("shown"), write(""), write("orphan"), write("young"), write("shared")
	if _, err := db.StoreInbound(ctx, []store.Inbound{inbound("c1", 1), inbound("c1", 2)}); err != nil {
		t.Fatal(err)
	}
	var docID, sharedFile int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i, blob := range []int64{evidence, shared} {
			var inboxID int64
			if err := pool.QueryRow(ctx, `SELECT id FROM inbox WHERE external_id = $1`, fmt.Sprint(i+1)).Scan(&inboxID); err != nil {
				return err
			}
			if err := tx.AddAttachment(ctx, &store.Attachment{Channel: "telegram", ChatID: "c1", InboxID: inboxID, Kind: "photo",
				MIMEType: "image/jpeg", BlobID: blob, CreatedAt: t0}); err != nil {
				return err
			}
		}
		var err error
		docID, err = tx.AddDocument(ctx, store.Document{Channel: "telegram", ChatID: "c1", Kind: "document", Name: "x.csv",
			MIME: "text/csv"}, []byte("a,b"), t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := db.Document(ctx, docID)
	if err != nil || doc.Size != 3 {
		t.Fatalf("document %+v, %v", doc, err)
	}
	shownFile, err := db.AddWebFile(ctx, store.WebFile{ChatID: "w1", Name: "a.jpg", MIME: "image/jpeg", BlobID: shown}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if sharedFile, err = db.AddWebFile(ctx, store.WebFile{ChatID: "w1", Name: "b.jpg", MIME: "image/jpeg", BlobID: shared}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `UPDATE blobs SET created_at = now() - interval '2 days' WHERE id <> $1`, young); err != nil {
		t.Fatal(err)
	}
	n, err := db.CollectBlobs(ctx, 24*time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("collected %d, %v; want the 2 old unreferenced blobs", n, err)
	}
	exists := func(id int64) bool { return count(t, pool, `SELECT count(*) FROM blobs WHERE id = $1`, id) == 1 }
	for name, id := range map[string]int64{"evidence": evidence, "shown": shown, "young": young, "shared": shared, "document": doc.BlobID} {
		if !exists(id) {
			t.Errorf("the %s blob was collected", name)
		}
	}
	if exists(orphan) || exists(empty) {
		t.Error("an old unreferenced blob was kept")
	}
	if n := count(t, pool, `SELECT count(*) FROM blob_chunks WHERE blob_id IN ($1, $2)`, orphan, empty); n != 0 {
		t.Errorf("%d chunks of collected blobs remain", n)
	}

	// Deleting a web chat file by its only user deletes its bytes at once;
	// bytes an attachment shares stay readable.
	for _, f := range []struct {
		id, blob int64
		gone     bool
	}{{shownFile, shown, true}, {sharedFile, shared, false}} {
		if found, err := db.DeleteWebFile(ctx, "w1", f.id); err != nil || !found {
			t.Fatalf("delete web file %d: %v %v", f.id, found, err)
		}
		if _, err := db.WebFile(ctx, "w1", f.id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("web file %d still there: %v", f.id, err)
		}
		if exists(f.blob) == f.gone {
			t.Errorf("web file %d: blob exists %v after the delete", f.id, exists(f.blob))
		}
	}
	if b, err := db.ReadBlob(ctx, shared); err != nil || string(b) != "shared" {
		t.Fatalf("the shared bytes: %q, %v", b, err)
	}
	if found, err := db.DeleteWebFile(ctx, "w2", sharedFile); err != nil || found {
		t.Fatalf("another chat's file deleted: %v %v", found, err)
	}
}

// Migrating a database with files stored the old way (bytes in the rows)
// moves every file into blobs, byte for byte, at every size around the
// chunk boundaries; migrating back down restores the old rows.
func TestMigrationMovesFilesIntoBlobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewEmptyDatabase(t)
	pool := poolOf(t, url)
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	const blobsVersion = 11
	var before int64
	for _, s := range p.ListSources() {
		if s.Version < blobsVersion {
			before = max(before, s.Version)
		}
	}
	if _, err := p.UpTo(ctx, before); err != nil {
		t.Fatal(err)
	}
	const c = store.BlobChunk
	sizes := []int{0, 1, c - 1, c, c + 1, 3*c + 7}
	type old struct {
		table string
		id    int64
		data  []byte
	}
	var olds []old
	for i, size := range sizes {
		data := randomBytes(size, uint64(100+i))
		var inboxID, id int64
		if err := pool.QueryRow(ctx, `INSERT INTO inbox (channel, external_id, chat_id, payload, received_at, next_attempt_at)
			VALUES ('telegram', $1, 'c1', '{}', now(), now()) RETURNING id`, fmt.Sprint(i)).Scan(&inboxID); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if err := pool.QueryRow(ctx, `INSERT INTO attachments (channel, chat_id, inbox_id, kind, mime_type, size_bytes, sha256, data, created_at)
			VALUES ('telegram', 'c1', $1, 'photo', 'image/jpeg', $2, $3, $4, now()) RETURNING id`, inboxID, size, sum[:], data).Scan(&id); err != nil {
			t.Fatal(err)
		}
		olds = append(olds, old{"attachments", id, data})
		if err := pool.QueryRow(ctx, `INSERT INTO webchat_files (chat_id, name, mime_type, data, created_at)
			VALUES ('w1', 'f', 'image/jpeg', $1, now()) RETURNING id`, data).Scan(&id); err != nil {
			t.Fatal(err)
		}
		olds = append(olds, old{"webchat_files", id, data})
		if err := pool.QueryRow(ctx, `INSERT INTO documents (channel, chat_id, kind, name, mime_type, data, created_at)
			VALUES ('telegram', 'c1', 'document', 'x.pdf', 'application/pdf', $1, now()) RETURNING id`, data).Scan(&id); err != nil {
			t.Fatal(err)
		}
		olds = append(olds, old{"documents", id, data})
	}
	if _, err := p.UpTo(ctx, blobsVersion); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, url)
	blobs := map[int64]bool{}
	for _, o := range olds {
		var blob int64
		switch o.table {
		case "attachments":
			a, err := db.Attachment(ctx, o.id)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(o.data)
			if a.Size != int64(len(o.data)) || !bytes.Equal(a.SHA256, sum[:]) {
				t.Errorf("attachment %d: size %d sha %x", o.id, a.Size, a.SHA256)
			}
			blob = a.BlobID
		case "webchat_files":
			f, err := db.WebFile(ctx, "w1", o.id)
			if err != nil {
				t.Fatal(err)
			}
			blob = f.BlobID
		case "documents":
			d, err := db.Document(ctx, o.id)
			if err != nil {
				t.Fatal(err)
			}
			blob = d.BlobID
		}
		if blobs[blob] {
			t.Errorf("%s %d shares blob %d", o.table, o.id, blob)
		}
		blobs[blob] = true
		got, err := db.ReadBlob(ctx, blob)
		if err != nil || !bytes.Equal(got, o.data) {
			t.Errorf("%s %d (%d bytes): blob holds %d bytes that differ, %v", o.table, o.id, len(o.data), len(got), err)
		}
		var size int64
		var sum []byte
		if err := pool.QueryRow(ctx, `SELECT size_bytes, sha256 FROM blobs WHERE id = $1`, blob).Scan(&size, &sum); err != nil {
			t.Fatal(err)
		}
		want := sha256.Sum256(o.data)
		if size != int64(len(o.data)) || !bytes.Equal(sum, want[:]) {
			t.Errorf("%s %d: blob size %d sha %x", o.table, o.id, size, sum)
		}
		if n, want := count(t, pool, `SELECT count(*) FROM blob_chunks WHERE blob_id = $1 AND length(data) > 0`, blob), (len(o.data)+c-1)/c; n != want ||
			count(t, pool, `SELECT count(*) FROM blob_chunks WHERE blob_id = $1`, blob) != want {
			t.Errorf("%s %d (%d bytes): %d chunks with bytes, want %d and no empty one", o.table, o.id, len(o.data), n, want)
		}
	}
	// New blobs draw ids after the moved ones.
	b, err := db.WriteBlob(ctx, bytes.NewReader([]byte("new")), -1)
	if err != nil || blobs[b.ID] {
		t.Fatalf("a new blob: %+v, %v", b, err)
	}
	db.Close()

	if _, err := p.DownTo(ctx, before); err != nil {
		t.Fatal(err)
	}
	for _, o := range olds {
		var data []byte
		if err := pool.QueryRow(ctx, `SELECT data FROM `+o.table+` WHERE id = $1`, o.id).Scan(&data); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, o.data) {
			t.Errorf("down: %s %d has %d bytes that differ from the %d it had", o.table, o.id, len(data), len(o.data))
		}
	}
}

func openDB(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// An idle web chat deleted with its files takes their bytes along, except
// bytes a draft's attachment still refers to.
func TestIdleWebSessionsTakeTheirFilesBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pg.NewDatabase(t)
	db, pool := openDB(t, url), poolOf(t, url)
	if err := db.CreateWebSession(ctx, []byte("token"), store.WebSession{ChatID: "widle", CSRF: "x", Lang: "id"}, t0); err != nil {
		t.Fatal(err)
	}
	var blobs []int64
	for _, s := range []string{"only the chat's", "also a draft's evidence"} {
		b, err := db.WriteBlob(ctx, bytes.NewReader([]byte(s)), -1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddWebFile(ctx, store.WebFile{ChatID: "widle", Name: "f", MIME: "text/plain", BlobID: b.ID}, t0); err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, b.ID)
	}
	if _, err := db.StoreInbound(ctx, []store.Inbound{{Channel: "web", ExternalID: "1", ChatID: "widle", Payload: []byte(`{}`), ReceivedAt: t0}}); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var inboxID int64
		if err := pool.QueryRow(ctx, `SELECT id FROM inbox WHERE external_id = '1'`).Scan(&inboxID); err != nil {
			return err
		}
		return tx.AddAttachment(ctx, &store.Attachment{Channel: "web", ChatID: "widle", InboxID: inboxID, Kind: "document",
			MIMEType: "text/plain", BlobID: blobs[1], CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.DeleteIdleWebSessions(ctx, "web", t0.Add(time.Hour), 10)
	if err != nil || n.Sessions != 1 || n.Files != 2 {
		t.Fatalf("deleted %+v, %v", n, err)
	}
	if got := count(t, pool, `SELECT count(*) FROM blobs WHERE id = $1`, blobs[0]); got != 0 {
		t.Error("the deleted chat's file kept its bytes")
	}
	if b, err := db.ReadBlob(ctx, blobs[1]); err != nil || string(b) != "also a draft's evidence" {
		t.Errorf("the draft's evidence: %q, %v", b, err)
	}
}
