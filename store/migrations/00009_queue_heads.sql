-- +goose Up

-- The claims walk the queues in id order and stop at the first message that
-- heads its chat (store.ClaimInbound, store.ClaimOutgoing); these indexes hold
-- only the undelivered rows, in that order, so a claim costs what it skips,
-- not the whole backlog.
CREATE INDEX inbox_queue ON inbox (id) WHERE processed_at IS NULL;
CREATE INDEX outbox_queue ON outbox (channel, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- The windows of pending rows a claim reads, in id order. As functions, so
-- that they are planned with sorting, bitmap and sequential scans switched
-- off: the only plan left walks the partial index in order and stops after
-- n rows (PL/pgSQL keeps that plan for the session). Planned by the
-- estimates alone, a queue that was nearly empty when a connection prepared
-- its statements (or was never analyzed) would be read whole, and sorted, by
-- every claim once a backlog builds up (measured: 240 buffers a claim at a
-- backlog of 2,000 instead of 13).
-- +goose StatementBegin
CREATE FUNCTION inbox_window(after bigint, n integer)
RETURNS TABLE (id bigint, chat text, next_attempt_at timestamptz)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off SET enable_bitmapscan = off SET enable_sort = off
AS $$
BEGIN
    RETURN QUERY
    SELECT i.id, i.channel || ' ' || i.chat_id, i.next_attempt_at
    FROM inbox i
    WHERE i.processed_at IS NULL AND i.id > after
    ORDER BY i.id
    LIMIT n;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION outbox_window(ch text, after bigint, n integer)
RETURNS TABLE (id bigint, chat text, not_before timestamptz, lease_until timestamptz)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off SET enable_bitmapscan = off SET enable_sort = off
AS $$
BEGIN
    RETURN QUERY
    SELECT o.id, o.chat_id, o.not_before, o.lease_until
    FROM outbox o
    WHERE o.channel = ch AND o.sent_at IS NULL AND o.failed_at IS NULL AND o.id > after
    ORDER BY o.id
    LIMIT n;
END
$$;
-- +goose StatementEnd

-- Queue tables churn: every row is inserted pending and updated once or
-- twice. Vacuum them after a few thousand changes, not after 20% of the table
-- (a big inbox would otherwise pile dead entries into the indexes above), and
-- analyze them as often, so the planner knows how many rows are pending and
-- keeps walking inbox_queue/outbox_queue in order when a backlog builds up.
ALTER TABLE inbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 2000);
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 2000);

-- +goose Down
ALTER TABLE outbox RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
    autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
ALTER TABLE inbox RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
    autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
DROP FUNCTION outbox_window;
DROP FUNCTION inbox_window;
DROP INDEX outbox_queue;
DROP INDEX inbox_queue;
