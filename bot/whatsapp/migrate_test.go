package whatsapp

import (
	"context"
	"sync"
	"testing"
)

// Replicas that start together migrate whatsmeow's tables one at a time:
// without a lock, two CREATE TABLEs of the same table collide and a
// replica fails to start.
func TestReplicasOpenTheStoreTogether(t *testing.T) {
	ctx := context.Background()
	for round := range 3 {
		url := pg.NewDatabase(t)
		const replicas = 6
		var wg sync.WaitGroup
		errs := make([]error, replicas)
		start := make(chan struct{})
		for i := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				c, err := OpenStore(ctx, url, nil)
				if err == nil {
					err = c.Close()
				}
				errs[i] = err
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, replica %d: %v", round, i, err)
			}
		}
	}
}
