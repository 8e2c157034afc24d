// Package worker builds the Temporal worker that runs every termgoal workflow and activity.
package worker

import (
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"termgoal/activities"
	"termgoal/notify"
	"termgoal/postgres"
	"termgoal/workflows"
)

// New returns a worker on the termgoal task queue with every workflow and activity registered.
// Local activities are registered too: the workflows call them with nil-receiver method
// references, which the SDK resolves through this registration.
func New(c client.Client, store *postgres.Store) sdkworker.Worker {
	return NewWithNotifier(c, store, nil)
}

// NewWithNotifier is New with the notifier that sends email and webhooks (nil: in-app and
// webhooks only).
func NewWithNotifier(c client.Client, store *postgres.Store, n *notify.Notifier) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: store, Notifier: n, Temporal: c})
	return w
}
