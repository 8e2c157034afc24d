// Package activities holds termgoal's Temporal activities: short, idempotent steps that read and
// write the PostgreSQL read model and compute deadlines, so workflow code stays deterministic.
package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/metrics"
	"termgoal/notify"
	"termgoal/postgres"
)

// Activities are registered on the worker as one struct; workflows reference its methods
// through a nil *Activities.
type Activities struct {
	Store *postgres.Store
	// Notifier sends email and webhooks (notify.go); nil sends webhooks only, with defaults.
	Notifier *notify.Notifier
	// Temporal starts the processes of a campaign (campaign.go).
	Temporal client.Client
	// Metrics times the read-model writes; nil records nothing.
	Metrics *metrics.Metrics
	// Acter applies the actions of a batch running in the background (batch.go).
	Acter Acter
	// Archiver writes a term's bundle when the term's end-of-term appraisal is filed (archive.go).
	Archiver Archiver
}

// Apply writes a workflow's Change to the read model. The store skips a change ID it has seen, so
// a retry after a timeout writes nothing twice.
func (a *Activities) Apply(ctx context.Context, c termgoal.Change) error {
	t0 := time.Now()
	err := a.Store.Apply(ctx, c)
	a.Metrics.ObserveWrite(time.Since(t0))
	return domain(err)
}

// ConfirmInput names a process and the change sequence its run has reached.
type ConfirmInput struct {
	ProcessID string `json:"process_id"`
	Seq       int    `json:"seq"`
}

// Confirm confirms a closing run's writes (postgres.Store.Confirm).
func (a *Activities) Confirm(ctx context.Context, in ConfirmInput) error {
	return a.Store.Confirm(ctx, in.ProcessID, in.Seq)
}

// errorDetail travels as the details of a domain error, in the JSON shape of
// workflows.RefusalDetail, so the workflow and the API can name the message in the caller's
// language.
type errorDetail struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// domain turns a *termgoal.Error into a non-retryable application error whose type is the
// error code: retrying a missing term or an unknown calendar year cannot succeed, and the
// workflow must see the code. Other errors (a lost connection) stay retryable.
func domain(err error) error {
	var e *termgoal.Error
	if !errors.As(err, &e) {
		return err
	}
	return temporal.NewNonRetryableApplicationError(e.Message, e.Code, err, errorDetail{Key: e.Key, Args: e.Args})
}
