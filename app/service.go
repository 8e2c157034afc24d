package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/metrics"
	"termgoal/postgres"
)

// Service runs termgoal's operations for the pages, the JSON API and the command line. Each
// operation takes the context and the acting termgoal.Actor, authorizes, validates, and calls
// Temporal and the store; none knows HTTP.
type Service struct {
	Store *postgres.Store
	// Temporal may be nil only where no operation reaches a workflow (unit tests).
	Temporal      client.Client
	Log           *slog.Logger
	Metrics       *metrics.Metrics // nil records nothing
	ActionTimeout time.Duration    // how long an action waits for the workflow; default 10s
	// Objections filed on one notice in 24 hours: from one address, and in all; defaults 5 and
	// 100.
	ObjectionsPerAddress int
	ObjectionsPerNotice  int
	Now                  func() time.Time
	TemporalUIURL        string   // the Temporal UI, linked from process pages
	Archives             Archives // where the term bundles are kept

	ballots *limiter    // failed ballot codes per address
	updates *oneAtATime // one update per process in flight from this process
}

// New returns the service with the defaults filled in.
func New(s Service) *Service {
	s.updates = &oneAtATime{}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.ActionTimeout <= 0 {
		s.ActionTimeout = 10 * time.Second
	}
	if s.ObjectionsPerAddress <= 0 {
		s.ObjectionsPerAddress = 5
	}
	if s.ObjectionsPerNotice <= 0 {
		s.ObjectionsPerNotice = 100
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.ballots = newLimiter(BallotAttempts, ballotWindow, func() time.Time { return s.Now() })
	return &s
}

// MaxOffset is the furthest a list pages: past it, each page would make the database walk
// through every row before it. The lists' filters and the exports reach the rest.
const MaxOffset = 10_000

var errNoTemporal = errors.New("no Temporal client configured")

// OrgPath returns the path of org id.
func (s *Service) OrgPath(ctx context.Context, id int64) (string, error) {
	o, err := s.Store.Org(ctx, id)
	if err != nil {
		return "", err
	}
	return o.Path, nil
}

// adminOf checks that acc administers the org id.
func (s *Service) adminOf(ctx context.Context, acc *termgoal.Account, id int64) error {
	path, err := s.OrgPath(ctx, id)
	if err != nil {
		return err
	}
	if !acc.Can(termgoal.RoleAdmin, path) {
		return ErrForbidden()
	}
	return nil
}

// ErrForbidden is the refusal of an operation the actor's grants do not cover.
func ErrForbidden() error {
	return termgoal.Errorf(termgoal.EFORBIDDEN, "error.forbidden", "you are not allowed to do this")
}
