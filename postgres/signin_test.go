package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"termgoal/postgres/postgrestest"
)

// Sign-in attempts count once each under concurrency, within a window that starts again once
// it has passed; a key is forgotten on success.
func TestSignInAttemptsCount(t *testing.T) {
	s := postgrestest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	seen := make(chan int, 20)
	for range 20 {
		wg.Go(func() {
			n, _, err := s.CountSignIn(ctx, "k", now, 15*time.Minute)
			if err != nil {
				t.Error(err)
			}
			seen <- n
		})
	}
	wg.Wait()
	close(seen)
	got := map[int]bool{}
	for n := range seen {
		got[n] = true
	}
	if len(got) != 20 || !got[1] || !got[20] {
		t.Errorf("20 concurrent attempts counted %v, want 1 to 20 once each", got)
	}
	if n, since, err := s.SignInAttempts(ctx, "k", now.Add(14*time.Minute), 15*time.Minute); err != nil || n != 20 || !since.Equal(now) {
		t.Errorf("within the window: %d since %v, %v", n, since, err)
	}
	if n, _, err := s.SignInAttempts(ctx, "k", now.Add(15*time.Minute), 15*time.Minute); err != nil || n != 0 {
		t.Errorf("after the window: %d, %v", n, err)
	}
	if n, since, err := s.CountSignIn(ctx, "k", now.Add(16*time.Minute), 15*time.Minute); err != nil || n != 1 || !since.Equal(now.Add(16*time.Minute)) {
		t.Errorf("a new window: %d since %v, %v", n, since, err)
	}
	if err := s.ForgetSignIn(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if n, _, err := s.SignInAttempts(ctx, "k", now.Add(16*time.Minute), 15*time.Minute); err != nil || n != 0 {
		t.Errorf("forgotten: %d, %v", n, err)
	}
}
