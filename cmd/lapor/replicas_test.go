package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lapor-id/lapor/store"
)

// Three replicas on one database and one bot: exactly one polls Telegram
// and sends to it at a time (no 409 Conflict, no 429 from three pacers),
// every message is handled once, and when the polling replica stops
// another takes over by itself.
func TestReplicasShareOneBot(t *testing.T) {
	t.Parallel()
	const citizens = 24
	fake := fastTelegram(t)
	dbURL := pg.NewDatabase(t)
	var stops []func()
	var logs []*syncBuffer
	for i := 0; i < 3; i++ {
		env := serviceEnv(t, fake, dbURL)
		env["LAPOR_LOG_LEVEL"] = "info" // the lock's log lines say which replica polls
		l, stop := startInProcess(t, env)
		stops, logs = append(stops, stop), append(logs, l)
	}

	file := func(from, n int) []string {
		ids := make([]string, n)
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cz := newCitizen(fake, int64(810000+from+i))
				cz.wait = 30 * time.Second
				ids[i], errs[i] = cz.fileReport(nil)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("citizen %d: %v", from+i, err)
			}
		}
		return ids
	}
	ids := file(0, citizens)

	// Which replica polls? Exactly one took the lock.
	holder := -1
	for i, l := range logs {
		if strings.Contains(l.String(), `msg="lock taken" lock=lapor-telegram`) {
			if holder >= 0 {
				t.Fatalf("replicas %d and %d both took the Telegram lock", holder, i)
			}
			holder = i
		}
	}
	if holder < 0 {
		t.Fatal("no replica took the Telegram lock")
	}
	st := fake.Stats()
	if st.RateLimited != 0 || st.Errors["Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"] != 0 {
		t.Fatalf("with three replicas: %d answers 429, errors %v", st.RateLimited, st.Errors)
	}

	// The polling replica stops; another takes over within its stand-by
	// interval and the next citizens are served.
	stops[holder]()
	ids = append(ids, file(citizens, 4)...)

	db, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Every update is stored once (unique per channel and external id) and
	// its replies are written in the transaction that finished it: a
	// message handled twice would show as its reply written twice.
	tally, err := db.Tally(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tally.Reports != citizens+4 || tally.ChatsWithSeveralReports != 0 || tally.RepliesRepeated != 0 || tally.InboxFailed != 0 {
		t.Fatalf("after three replicas: %+v", tally)
	}
	if len(ids) != citizens+4 {
		t.Fatal(fmt.Sprint(len(ids)))
	}
}
