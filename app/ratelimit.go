package app

import (
	"sync"
	"time"
)

// limiterMaxKeys bounds the keys a limiter keeps in memory.
const limiterMaxKeys = 100_000

// limiter counts failures per key in a sliding window, in memory (the ballot codes an address
// tries; sign-ins are limited in PostgreSQL, auth.go).
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	fails  map[string][]time.Time
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, fails: map[string][]time.Time{}}
}

// blocked reports whether key has used up its failures in the current window.
func (l *limiter) blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key)) >= l.max
}

// fail records a failure for key.
func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) >= limiterMaxKeys {
		l.prune()
	}
	l.fails[key] = append(l.recent(key), l.now())
}

// reset forgets key's failures after a successful sign-in.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// recent drops failures older than the window; the caller holds mu.
func (l *limiter) recent(key string) []time.Time {
	cut := l.now().Add(-l.window)
	ts := l.fails[key]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}

// prune drops every key without a recent failure; the caller holds mu.
func (l *limiter) prune() {
	for k := range l.fails {
		l.recent(k)
	}
}
