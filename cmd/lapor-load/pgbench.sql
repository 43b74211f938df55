-- One pgbench transaction script = {{.Batch}} inbound messages, with the writes lapor makes for
-- each (store/queue.go, store/inbox.go, flows/service.go HandleNext, store/conversation.go,
-- store/outbox.go), in lapor's transactions and with lapor's SQL:
--   1. the poller stores a getUpdates batch in one transaction (one inbox and one chats statement);
--   2. a worker, per message, in one transaction: claim the oldest ready message of any chat
--      (read the first window of pending rows, lock the first free head with FOR UPDATE SKIP
--      LOCKED, with the chat's count of the last minute for the flood limit; store/queue.go),
--      lock the conversation, save it, and at commit, in one statement, finish the inbox row,
--      take the chat's lock and write the reply to the outbox (Telegram keeps no menu rows);
--   3. the dispatcher reads the first window of undelivered replies, leases the heads of their
--      chats in one statement, and marks them sent in one statement (bot/sentmarks.go), all with
--      synchronous_commit off as lapor does.
-- Payload sizes are those of a description step of the intake (inbox ~240 B, outbox ~350 B,
-- draft ~230 B). Report creation (1 message in 13) and evidence storage are not included.
{{range .Msgs}}\set c{{.}} random(1, :chats)
{{end}}SET synchronous_commit = on;

BEGIN;
INSERT INTO inbox (channel, external_id, chat_id, payload, received_at, next_attempt_at)
SELECT c, e, ch, p::jsonb, r, r FROM (VALUES {{range $i, $m := .Msgs}}{{if $i}},
    {{end}}({{$i}}, 'telegram', gen_random_uuid()::text, :c{{$m}}::text, '{"at": "2026-11-28T05:04:48Z", "kind": "text", "text": "Warga ' || :c{{$m}} || ', laporan 0: saluran air di depan rumah tersumbat sejak dua minggu, banjir tiap hujan.", "channel": "telegram", "chat_id": "' || :c{{$m}} || '", "user_id": "' || :c{{$m}} || '", "username": "citizen' || :c{{$m}} || '", "user_name": "Citizen", "message_id": "5"}', now()){{end}}
) AS u(n, c, e, ch, p, r)
ORDER BY n
ON CONFLICT (channel, external_id) DO NOTHING;
INSERT INTO chats (channel, chat_id, is_group, first_seen_at)
SELECT DISTINCT ON (c, ch) c, ch, g, r FROM (VALUES {{range $i, $m := .Msgs}}{{if $i}}, {{end}}({{$i}}, 'telegram', :c{{$m}}::text, false, now()){{end}}
) AS u(n, c, ch, g, r)
ORDER BY c, ch, n
ON CONFLICT (channel, chat_id) DO NOTHING;
COMMIT;
{{range .Msgs}}
BEGIN;
SELECT '0' || coalesce(',' || string_agg(id::text, ',' ORDER BY id) FILTER (WHERE head AND ready), '') AS heads FROM (
    SELECT id, ready, row_number() OVER (PARTITION BY chat ORDER BY id) = 1 AS head
    FROM (SELECT id, chat, next_attempt_at <= now() AS ready FROM inbox_window(0, 64)) w) h \gset
SELECT coalesce(max(id), 0) AS claimed, coalesce(max(chat_id::bigint), 0) AS cchat FROM (
    SELECT i.id, i.channel, i.external_id, i.chat_id, c.is_group, i.payload, i.received_at, i.attempts,
        c.blocked_at IS NOT NULL,
        (SELECT count(*) FROM inbox r
         WHERE r.channel = i.channel AND r.chat_id = i.chat_id
           AND r.received_at > i.received_at - interval '1 minute' AND r.received_at <= i.received_at
           AND r.id <= i.id)
    FROM inbox i
    JOIN chats c ON c.channel = i.channel AND c.chat_id = i.chat_id
    WHERE i.id = ANY((ARRAY[:heads]::bigint[])[2:9]) AND i.processed_at IS NULL AND i.next_attempt_at <= now()
    ORDER BY i.id
    LIMIT 1
    FOR UPDATE OF i SKIP LOCKED) claim \gset
\if :claimed > 0
SELECT user_id, lang, step, draft, updated_at, reminded_at
FROM conversations WHERE channel = 'telegram' AND chat_id = :cchat::text FOR UPDATE;
INSERT INTO conversations (channel, chat_id, user_id, lang, step, draft, updated_at, reminded_at)
VALUES ('telegram', :cchat::text, :cchat::text, 'id', 'what', ('{"type": "pengaduan", "description": ["Warga ' || :cchat || ', laporan 1: saluran air di depan rumah tersumbat sejak dua minggu, banjir tiap hujan."], "when_set": false}')::jsonb, now(), NULL)
ON CONFLICT (channel, chat_id) DO UPDATE SET
    user_id = EXCLUDED.user_id, lang = EXCLUDED.lang, step = EXCLUDED.step,
    draft = EXCLUDED.draft, updated_at = EXCLUDED.updated_at, reminded_at = EXCLUDED.reminded_at;
WITH finished AS (UPDATE inbox SET processed_at = now(), outcome = 'handled' WHERE id = :claimed),
locked AS (SELECT count(pg_advisory_xact_lock(27759, hashtext('telegram' || :cchat::text))) AS n)
INSERT INTO outbox (channel, chat_id, payload, created_at, not_before)
SELECT 'telegram', :cchat::text, '{"text": "Dicatat. Tambahkan keterangan lain bila perlu (boleh beberapa pesan, foto juga boleh), atau tekan Lanjut. Uraian sekarang 98 huruf; paling sedikit 20, paling banyak 4000.", "buttons": [[{"data": "what:next", "label": "Lanjut ➡️"}, {"data": "draft:cancel", "label": "Batal"}]]}'::jsonb, now(), now() FROM locked WHERE locked.n = 1;
\endif
COMMIT;
{{end}}
-- The dispatcher's bookkeeping commits without waiting for the disk (store.DB's marks pool).
SET synchronous_commit = off;
SELECT '0' || coalesce(',' || string_agg(id::text, ',' ORDER BY id) FILTER (WHERE head AND ready), '') AS oheads FROM (
    SELECT id, ready, row_number() OVER (PARTITION BY chat ORDER BY id) = 1 AS head
    FROM (SELECT id, chat, not_before <= now() AND (lease_until IS NULL OR lease_until < now()) AS ready
          FROM outbox_window('telegram', 0, 64)) w) h \gset
WITH claimed AS (
    UPDATE outbox SET lease_until = now() + interval '30 seconds', attempts = attempts + 1
    WHERE id IN (
        SELECT id FROM outbox
        WHERE id = ANY((ARRAY[:oheads]::bigint[])[2:{{.Batch}}+1]) AND sent_at IS NULL AND failed_at IS NULL
          AND not_before <= now() AND (lease_until IS NULL OR lease_until < now())
        FOR UPDATE SKIP LOCKED)
    RETURNING id, channel, chat_id, payload, attempts, parts_sent, created_at)
SELECT {{range .Msgs}}coalesce((array_agg(id ORDER BY id))[{{.}}], 0) AS o{{.}}, {{end}}count(*) AS claimed_n FROM claimed \gset
UPDATE outbox SET sent_at = now(), lease_until = NULL WHERE id = ANY(ARRAY[{{range $i, $m := .Msgs}}{{if $i}}, {{end}}:o{{$m}}{{end}}]::bigint[]);

