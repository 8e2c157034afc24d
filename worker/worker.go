// Package worker builds the Temporal worker that runs every termgoal workflow and activity.
package worker

import (
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"termgoal/activities"
	"termgoal/app"
	"termgoal/metrics"
	"termgoal/notify"
	"termgoal/postgres"
	"termgoal/web"
	"termgoal/workflows"
)

// StopTimeout bounds how long Stop waits for the activities in progress once polling has
// stopped; the server retries what did not finish on another worker.
const StopTimeout = 20 * time.Second

// Worker polls the termgoal task queue and the campaigns' queue. Campaigns have their own
// queue so that a campaign's next page never waits behind the thousands of processes it has
// just started on the main one.
type Worker struct {
	workers []sdkworker.Worker
}

// New returns a worker with every workflow and activity registered on both queues. Local
// activities are registered too: the workflows call them with nil-receiver method references,
// which the SDK resolves through this registration.
func New(c client.Client, store *postgres.Store) *Worker {
	w, err := NewWith(c, store, Config{})
	if err != nil {
		panic(err) // without archives nothing can fail
	}
	return w
}

// Config is what a worker uses besides Temporal and the store.
type Config struct {
	Notifier *notify.Notifier // sends email and webhooks; nil: in-app and webhooks only
	Metrics  *metrics.Metrics // what the activities record; nil: nothing
	// Archives is where the bundle of a term is written when its end-of-term appraisal is
	// filed; with neither Store nor Dir none is written. Without Forms the pages' printable
	// forms print its PDFs.
	Archives app.Archives
}

// NewWith is New with cfg.
func NewWith(c client.Client, store *postgres.Store, cfg Config) (*Worker, error) {
	w := &Worker{}
	// A batch running in the background acts through the same operation as the API; the
	// same service writes a term's bundle as the term page does.
	ops := app.New(app.Service{Store: store, Temporal: c, Metrics: cfg.Metrics, Archives: cfg.Archives})
	if ops.Archives.Where() != "" && ops.Archives.Forms == nil {
		pages, err := web.New(web.Config{Store: store, Ops: ops, Log: ops.Log})
		if err != nil {
			return nil, err
		}
		ops.Archives.Forms = pages
	}
	for _, queue := range []string{workflows.TaskQueue, workflows.CampaignTaskQueue} {
		q := sdkworker.New(c, queue, sdkworker.Options{WorkerStopTimeout: StopTimeout})
		workflows.Register(q)
		q.RegisterActivity(&activities.Activities{Store: store, Notifier: cfg.Notifier, Temporal: c, Metrics: cfg.Metrics, Acter: ops, Archiver: ops})
		w.workers = append(w.workers, q)
	}
	return w, nil
}

// Start starts polling both queues; on an error nothing is left polling.
func (w *Worker) Start() error {
	for i, q := range w.workers {
		if err := q.Start(); err != nil {
			for _, started := range w.workers[:i] {
				started.Stop()
			}
			return err
		}
	}
	return nil
}

// Stop stops polling and waits for the tasks in progress.
func (w *Worker) Stop() {
	for _, q := range w.workers {
		q.Stop()
	}
}
