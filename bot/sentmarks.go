package bot

import (
	"context"
	"time"

	"github.com/lapor-id/lapor/store"
)

// sentMarks records a dispatcher's deliveries in the outbox, many in one
// statement: while one mark is being written, the deliveries that finish
// meanwhile wait and then go in together. Nothing waits for a batch to
// fill, so a lone delivery is marked as soon as it would be alone, and
// each delivery still returns only once its mark is written: the chat's
// next message is claimed after it, as before.
type sentMarks struct {
	db   *store.DB
	reqs chan sentMark
}

type sentMark struct {
	id   int64
	at   time.Time
	done chan error
}

// maxMarks bounds one statement's batch.
const maxMarks = 256

func newSentMarks(db *store.DB) *sentMarks {
	return &sentMarks{db: db, reqs: make(chan sentMark, maxMarks)}
}

// run writes marks until stop is closed and no mark is waiting. The
// dispatcher closes stop only after its deliveries have returned.
func (s *sentMarks) run(stop <-chan struct{}) {
	for {
		var first sentMark
		select {
		case first = <-s.reqs:
		case <-stop:
			return
		}
		batch := []sentMark{first}
	more:
		for len(batch) < maxMarks {
			select {
			case m := <-s.reqs:
				batch = append(batch, m)
			default:
				break more
			}
		}
		ids, ats := make([]int64, len(batch)), make([]time.Time, len(batch))
		for i, m := range batch {
			ids[i], ats[i] = m.id, m.at
		}
		// A mark outlives the caller's cancellation, as MarkSent's did:
		// a message sent and not marked would be sent again.
		err := s.db.MarkSentMany(context.Background(), ids, ats)
		for _, m := range batch {
			m.done <- err
		}
	}
}

// mark records one delivered message and returns once it is written.
func (s *sentMarks) mark(id int64, at time.Time) error {
	done := make(chan error, 1)
	s.reqs <- sentMark{id: id, at: at, done: done}
	return <-done
}
