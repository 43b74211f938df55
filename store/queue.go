package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// The inbox and the outbox are queues of many small queues, one per chat:
// a row may be taken only when it heads its chat's queue (no earlier row of
// the chat is still pending), so each chat is served strictly in order while
// chats are served in parallel. Asking PostgreSQL for "the oldest row that
// heads its chat" in one statement makes it test every pending row (the
// planner sorts the whole backlog, or probes each row's chat): a claim then
// costs the backlog, the backlog grows while claims are slow, and the
// service collapses under load (measured in docs/BENCHMARKS.md). Instead a
// claim reads the pending rows in id order, a window at a time, from a
// partial index that holds only pending rows (migration 00009); in that
// order the first row seen of a chat is its head. The heads that are ready
// are then locked in one statement with FOR UPDATE SKIP LOCKED, which skips
// those other workers hold and re-checks each row as it is now. A claim so
// costs the rows in front of the first free head, not the whole backlog.

// planned has PostgreSQL plan a statement for the values of each run (an
// unnamed statement) instead of once per connection. The claims lock a
// handful of rows by id; a plan made once, while the queue was nearly empty,
// would find them by reading every pending row.
const planned = pgx.QueryExecModeCacheDescribe

// queryer runs a query; a pool and a transaction both do.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// headWindows is how many pending rows each successive window reads: the
// first is enough when a few workers hold the oldest heads; the later ones
// keep a long queue in one chat (a flood) from hiding the other chats.
var headWindows = []int{64, 512, 4096, 32768, 262144}

// eachReadyHead walks a queue for a claim. window is a query with
// parameters $1 (the id after which to read), $2 (how many rows) and args
// from $3 on, returning id, a chat key and whether the row is ready now, in
// id order (inbox_window and outbox_window, migration 00009). take is given
// each window's ready heads, in id order, and says whether the claim is
// complete.
func eachReadyHead(ctx context.Context, q queryer, window string, args []any,
	take func(heads []int64) (bool, error)) error {
	seen := map[string]bool{}
	var after int64
	for i := 0; ; i++ {
		size := headWindows[min(i, len(headWindows)-1)]
		rows, err := q.Query(ctx, window, append([]any{after, size}, args...)...)
		if err != nil {
			return mapErr(err)
		}
		var heads []int64
		n := 0
		for rows.Next() {
			var (
				id    int64
				chat  string
				ready bool
			)
			if err := rows.Scan(&id, &chat, &ready); err != nil {
				rows.Close()
				return mapErr(err)
			}
			n++
			after = id
			if seen[chat] {
				continue
			}
			seen[chat] = true
			if ready {
				heads = append(heads, id)
			}
		}
		if err := rows.Err(); err != nil {
			return mapErr(err)
		}
		if len(heads) > 0 {
			if done, err := take(heads); err != nil || done {
				return err
			}
		}
		if n < size {
			return nil
		}
	}
}
