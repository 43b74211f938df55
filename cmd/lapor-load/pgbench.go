package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgserver"
)

//go:embed pgbench.sql
var pgbenchScript string

var pgbenchTemplate = template.Must(template.New("pgbench.sql").Parse(pgbenchScript))

// PgbenchResult is one pgbench run of the message script.
type PgbenchResult struct {
	TPS       float64 // scripts per second
	Messages  float64 // inbound messages per second: TPS × batch
	Latency   time.Duration
	Failed    int
	Processed int
	// Statements are the script's statements by kind with their summed
	// average latency per message, costliest first (pgbench -r).
	Statements []StatementCost
}

// StatementCost is the average time one kind of statement took per message.
type StatementCost struct {
	Statement string
	PerMsg    time.Duration
}

// statementCosts reads pgbench -r's per-statement latencies and sums them
// by statement (the script repeats each statement once per message).
func statementCosts(out []byte, batch int) []StatementCost {
	sums := map[string]float64{}
	inReport := false
	for _, line := range bytes.Split(out, []byte("\n")) {
		l := strings.TrimSpace(string(line))
		if strings.HasPrefix(l, "statement latencies in milliseconds") {
			inReport = true
			continue
		}
		if !inReport || l == "" {
			continue
		}
		f := strings.Fields(l)
		ms, err := strconv.ParseFloat(f[0], 64)
		if err != nil || len(f) < 3 {
			continue
		}
		// "0.123  0  INSERT INTO inbox (…": latency, failures, statement.
		stmt := strings.Join(f[2:], " ")
		if strings.HasPrefix(stmt, "\\") {
			continue // \set, \if: client side
		}
		sums[statementKind(stmt)] += ms
	}
	var outCosts []StatementCost
	for k, v := range sums {
		outCosts = append(outCosts, StatementCost{k, time.Duration(v / float64(batch) * float64(time.Millisecond))})
	}
	sort.Slice(outCosts, func(i, j int) bool { return outCosts[i].PerMsg > outCosts[j].PerMsg })
	return outCosts
}

// statementKind names a statement of the script by its first words.
func statementKind(stmt string) string {
	switch {
	case strings.HasPrefix(stmt, "SELECT coalesce(max(id), 0) AS claimed"),
		strings.HasPrefix(stmt, "SELECT '0' || coalesce(',' || string_agg(id::text, ',' ORDER BY id) FILTER (WHERE head AND ready), '') AS heads"):
		return "claim inbound (store.ClaimInbound)"
	case strings.HasPrefix(stmt, "WITH claimed AS"),
		strings.HasPrefix(stmt, "SELECT '0' || coalesce(',' || string_agg(id::text, ',' ORDER BY id) FILTER (WHERE head AND ready), '') AS oheads"):
		return "claim outbound (store.ClaimOutgoing)"
	case strings.HasPrefix(stmt, "UPDATE outbox SET sent_at"):
		return "mark sent (store.MarkSentMany)"
	case strings.HasPrefix(stmt, "WITH finished AS"):
		return "finish inbound, lock the chat's outbox, enqueue reply (store.flushOutbox)"
	case strings.HasPrefix(stmt, "INSERT INTO inbox"):
		return "store inbound (store.StoreInbound: inbox)"
	case strings.HasPrefix(stmt, "INSERT INTO chats"):
		return "store inbound (store.StoreInbound: chats)"
	case strings.HasPrefix(stmt, "SELECT count(*) FROM inbox"):
		return "flood count (store.RecentInbound)"
	case strings.HasPrefix(stmt, "UPDATE chats"):
		return "unblock chat (store.UnblockChat)"
	case strings.HasPrefix(stmt, "SELECT user_id"):
		return "load conversation (store.LoadConversation)"
	case strings.HasPrefix(stmt, "INSERT INTO outbox"):
		return "enqueue reply (store.Enqueue)"
	case strings.HasPrefix(stmt, "SELECT count(pg_advisory_xact_lock"):
		return "lock the chat's outbox (store.flushOutbox)"
	case strings.HasPrefix(stmt, "INSERT INTO conversations"):
		return "save conversation (store.SaveConversation)"
	case strings.HasPrefix(stmt, "UPDATE inbox"):
		return "finish inbound (store.FinishInbound)"
	case strings.HasPrefix(stmt, "BEGIN"), strings.HasPrefix(stmt, "COMMIT"):
		return strings.Fields(stmt)[0]
	}
	return stmt
}

// pgbench runs the script of one batch of messages against a fresh
// database in the run's cluster, migrated to lapor's schema, with clients
// connections for duration.
func (r *Rig) pgbench(ctx context.Context, clients int, duration time.Duration, batch, chats int) (PgbenchResult, error) {
	var res PgbenchResult
	bin, err := pgserver.FindBinaries(r.opts.PGBin)
	if err != nil {
		return res, err
	}
	const db = "bench"
	if err := r.cluster.CreateDatabase(ctx, db); err != nil {
		return res, err
	}
	url := r.cluster.URL(db)
	if _, err := store.MigrateURL(ctx, url); err != nil {
		return res, err
	}
	pool, err := r.cluster.Pool(ctx, db)
	if err != nil {
		return res, err
	}
	// Every chat exists, in the middle of its description, as in the
	// throughput run.
	_, err = pool.Exec(ctx, `
		INSERT INTO chats (channel, chat_id, is_group, first_seen_at)
		SELECT 'telegram', g::text, false, now() FROM generate_series(1, $1) g ON CONFLICT DO NOTHING;
		`, chats)
	if err == nil {
		_, err = pool.Exec(ctx, `
		INSERT INTO conversations (channel, chat_id, user_id, lang, step, draft, updated_at)
		SELECT 'telegram', g::text, g::text, 'id', 'what', '{"type": "pengaduan", "description": ["Warga"]}', now()
		FROM generate_series(1, $1) g ON CONFLICT DO NOTHING`, chats)
	}
	pool.Close()
	if err != nil {
		return res, fmt.Errorf("seeding the pgbench database: %w", err)
	}
	msgs := make([]int, batch)
	for i := range msgs {
		msgs[i] = i + 1
	}
	var script bytes.Buffer
	if err := pgbenchTemplate.Execute(&script, struct {
		Batch int
		Msgs  []int
	}{batch, msgs}); err != nil {
		return res, err
	}
	path := filepath.Join(r.dir, "pgbench-message.sql")
	if err := os.WriteFile(path, script.Bytes(), 0o644); err != nil {
		return res, err
	}
	args := []string{"-n", "-r", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(clients, 2)), "-T", strconv.Itoa(int(duration.Seconds())),
		"-D", "chats=" + strconv.Itoa(chats), "-f", path, url}
	r.log.Info("pgbench starting", "clients", clients, "duration", duration, "batch", batch, "script", path)
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "pgbench"), args...)
	out, err := cmd.CombinedOutput()
	_ = os.WriteFile(filepath.Join(r.dir, "pgbench.out"), out, 0o644)
	if err != nil {
		return res, fmt.Errorf("pgbench: %v\n%s", err, tail(out, 20))
	}
	res.TPS = parseFloat(`tps = ([0-9.]+) \(without initial connection time\)`, out)
	res.Latency = time.Duration(parseFloat(`latency average = ([0-9.]+) ms`, out) * float64(time.Millisecond))
	res.Failed = int(parseFloat(`number of failed transactions: ([0-9]+)`, out))
	res.Processed = int(parseFloat(`number of transactions actually processed: ([0-9]+)`, out))
	res.Messages = res.TPS * float64(batch)
	res.Statements = statementCosts(out, batch)
	if res.TPS == 0 {
		return res, fmt.Errorf("pgbench printed no tps:\n%s", tail(out, 20))
	}
	return res, nil
}

func parseFloat(pattern string, out []byte) float64 {
	m := regexp.MustCompile(pattern).FindSubmatch(out)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

func tail(b []byte, lines int) string {
	s := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(s) > lines {
		s = s[len(s)-lines:]
	}
	return string(bytes.Join(s, []byte("\n")))
}
