package app

import (
	"context"
	"sync"
)

// oneAtATime lets one caller per key go at a time; the others wait their turn or give up when
// their context ends. The zero value is ready to use; it must not be copied.
//
// Act sends a process's updates one at a time from this API process. Temporal takes only a
// few updates of one workflow in flight (the rest are refused at once, 503), and many at once
// on one workflow (a hundred people deciding the same task) are mostly refused by the
// validator in speculative workflow tasks that race one another: a worker that loses its
// cached copy of the workflow in such a race fails every following task with "premature end
// of stream" for as long as updates keep arriving (temporalio/temporal#7741), so nothing
// completes. In turn each is decided quickly, most of them refused.
type oneAtATime struct {
	mu    sync.Mutex
	turns map[string]*turn
}

// turn is one key's token and how many callers hold or wait for it.
type turn struct {
	token   chan struct{}
	callers int
}

// wait waits for key's turn; done ends it. It fails with ctx's error when ctx ends first.
func (o *oneAtATime) wait(ctx context.Context, key string) (done func(), err error) {
	o.mu.Lock()
	if o.turns == nil {
		o.turns = map[string]*turn{}
	}
	t := o.turns[key]
	if t == nil {
		t = &turn{token: make(chan struct{}, 1)}
		o.turns[key] = t
	}
	t.callers++
	o.mu.Unlock()
	select {
	case t.token <- struct{}{}:
		return func() { <-t.token; o.leave(key, t) }, nil
	case <-ctx.Done():
		o.leave(key, t)
		return nil, ctx.Err()
	}
}

// leave forgets key once no caller holds or waits for its turn.
func (o *oneAtATime) leave(key string, t *turn) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if t.callers--; t.callers == 0 {
		delete(o.turns, key)
	}
}
