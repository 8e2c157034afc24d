package app

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestOneAtATime: callers of one key go one at a time, other keys do not wait for them, a
// caller whose context ends stops waiting, and a key is forgotten once nobody holds it.
func TestOneAtATime(t *testing.T) {
	var o oneAtATime
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			done, err := o.wait(context.Background(), "p1")
			if err != nil {
				t.Error(err)
				return
			}
			if n := inside.Add(1); n > most.Load() {
				most.Store(n)
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			done()
		})
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d callers of one key at once", most.Load())
	}

	done, err := o.wait(context.Background(), "p1")
	if err != nil {
		t.Fatal(err)
	}
	other, err := o.wait(context.Background(), "p2")
	if err != nil {
		t.Fatalf("another key waited: %v", err)
	}
	other()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := o.wait(ctx, "p1"); err == nil {
		t.Fatal("a second caller went while the first held the turn")
	}
	done()
	if len(o.turns) != 0 {
		t.Fatalf("keys kept: %v", o.turns)
	}
}
