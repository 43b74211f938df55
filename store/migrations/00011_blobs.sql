-- +goose Up

-- The bytes of every stored file, in chunks of 256 KiB: a file is written
-- as it arrives and read as it is sent, so no stage holds a whole file in
-- memory, and a file refused midway leaves nothing. Evidence, web chat
-- files and made documents refer to a blob; several rows may refer to one
-- (a web chat upload kept as evidence and shown in a desk's room is stored
-- once), so a blob is deleted when nothing refers to it any more
-- (store.CollectBlobs). store's blob functions are the small interface that
-- object storage can replace.
CREATE TABLE blobs (
    id         bigserial   PRIMARY KEY,
    size_bytes bigint      NOT NULL DEFAULT 0,
    sha256     bytea,      -- NULL while the bytes are being written
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE blob_chunks (
    blob_id bigint  NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    n       integer NOT NULL, -- 0, 1, …: chunk n holds bytes [n×256 KiB, (n+1)×256 KiB)
    data    bytea   NOT NULL,
    PRIMARY KEY (blob_id, n)
);
-- Most evidence is compressed already (JPEG, MP4, PDF): kept out of line
-- without a compression attempt that would gain nothing and cost CPU.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- The bytes stored so far move into blobs, so a deployment keeps its files.
-- Each row draws its blob id first; its chunks are cut with substring.
ALTER TABLE attachments ADD COLUMN blob_id bigint;
UPDATE attachments SET blob_id = nextval('blobs_id_seq');
INSERT INTO blobs (id, size_bytes, sha256, created_at)
    SELECT blob_id, length(data), sha256(data), created_at FROM attachments;
INSERT INTO blob_chunks (blob_id, n, data)
    SELECT a.blob_id, g.n, substring(a.data FROM g.n * 262144 + 1 FOR 262144)
    FROM attachments a, generate_series(0, (length(a.data) + 262143) / 262144 - 1) AS g (n);
ALTER TABLE attachments DROP COLUMN data, ALTER COLUMN blob_id SET NOT NULL,
    ADD FOREIGN KEY (blob_id) REFERENCES blobs (id);
CREATE INDEX attachments_by_blob ON attachments (blob_id);

ALTER TABLE webchat_files ADD COLUMN blob_id bigint;
UPDATE webchat_files SET blob_id = nextval('blobs_id_seq');
INSERT INTO blobs (id, size_bytes, sha256, created_at)
    SELECT blob_id, length(data), sha256(data), created_at FROM webchat_files;
INSERT INTO blob_chunks (blob_id, n, data)
    SELECT f.blob_id, g.n, substring(f.data FROM g.n * 262144 + 1 FOR 262144)
    FROM webchat_files f, generate_series(0, (length(f.data) + 262143) / 262144 - 1) AS g (n);
ALTER TABLE webchat_files DROP COLUMN data, ALTER COLUMN blob_id SET NOT NULL,
    ADD FOREIGN KEY (blob_id) REFERENCES blobs (id);
CREATE INDEX webchat_files_by_blob ON webchat_files (blob_id);

ALTER TABLE documents ADD COLUMN blob_id bigint;
UPDATE documents SET blob_id = nextval('blobs_id_seq');
INSERT INTO blobs (id, size_bytes, sha256, created_at)
    SELECT blob_id, length(data), sha256(data), created_at FROM documents;
INSERT INTO blob_chunks (blob_id, n, data)
    SELECT d.blob_id, g.n, substring(d.data FROM g.n * 262144 + 1 FOR 262144)
    FROM documents d, generate_series(0, (length(d.data) + 262143) / 262144 - 1) AS g (n);
ALTER TABLE documents DROP COLUMN data, ALTER COLUMN blob_id SET NOT NULL,
    ADD FOREIGN KEY (blob_id) REFERENCES blobs (id);
CREATE INDEX documents_by_blob ON documents (blob_id);

-- +goose Down
ALTER TABLE documents ADD COLUMN data bytea;
UPDATE documents t SET data = coalesce((SELECT string_agg(c.data, ''::bytea ORDER BY c.n)
    FROM blob_chunks c WHERE c.blob_id = t.blob_id), ''::bytea);
ALTER TABLE documents ALTER COLUMN data SET NOT NULL, DROP COLUMN blob_id;

ALTER TABLE webchat_files ADD COLUMN data bytea;
UPDATE webchat_files t SET data = coalesce((SELECT string_agg(c.data, ''::bytea ORDER BY c.n)
    FROM blob_chunks c WHERE c.blob_id = t.blob_id), ''::bytea);
ALTER TABLE webchat_files ALTER COLUMN data SET NOT NULL, DROP COLUMN blob_id;

ALTER TABLE attachments ADD COLUMN data bytea;
UPDATE attachments t SET data = coalesce((SELECT string_agg(c.data, ''::bytea ORDER BY c.n)
    FROM blob_chunks c WHERE c.blob_id = t.blob_id), ''::bytea);
ALTER TABLE attachments ALTER COLUMN data SET NOT NULL, DROP COLUMN blob_id;

DROP TABLE blob_chunks;
DROP TABLE blobs;
