package flows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/flows/calendar"
	"github.com/lapor-id/lapor/flows/region"
	"github.com/lapor-id/lapor/store"
)

// BenchmarkHandleMessage measures one inbound message end to end on a real
// PostgreSQL: stored in the inbox, claimed, run through the conversation
// (a description line added to a draft) and committed with its reply in
// the outbox.
func BenchmarkHandleMessage(b *testing.B) {
	ctx := context.Background()
	db := pg.NewDB(b)
	svc := flows.New(db, flows.DefaultConfig(), calendar.Default(), region.Default(), time.Now, nil)
	store1 := func(id int, m flows.Inbound) {
		m.Channel, m.ChatID, m.At = "bench", "1", time.Now()
		p, _ := json.Marshal(m)
		if _, err := db.StoreInbound(ctx, []store.Inbound{{Channel: "bench", ExternalID: fmt.Sprint(id),
			ChatID: "1", Payload: p, ReceivedAt: time.Now()}}); err != nil {
			b.Fatal(err)
		}
	}
	drain := func() {
		for {
			if err := svc.HandleNext(ctx, nil); errors.Is(err, flows.ErrIdle) {
				return
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	store1(-3, flows.Inbound{Kind: flows.KindCommand, Command: "start"})
	store1(-2, flows.Inbound{Kind: flows.KindButton, Button: "menu:new"})
	store1(-1, flows.Inbound{Kind: flows.KindButton, Button: "type:pengaduan"})
	drain()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		store1(i, flows.Inbound{Kind: flows.KindText, Text: "Satu baris uraian lagi."})
		drain()
	}
}
