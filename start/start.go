// Package start starts termgoal's workflows, each exactly once: a deterministic workflow ID, a
// refused conflict with an open run, and a reuse policy for closed ones. The pages, the JSON
// API, the campaign activity and the restart of a halted process all start through Once.
package start

import (
	"context"
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// Reuse says when a workflow ID may run again once a run of it has closed.
type Reuse int

const (
	// Never: the ID names one process for good (a term's goal setting, an appraisal).
	Never Reuse = iota
	// AfterFailure: again once the last run failed, was terminated, cancelled or timed out (a
	// term's follow-up workflow).
	AfterFailure
	// AfterClose: again once the last run closed, however (a campaign run again, a halted
	// process restarted).
	AfterClose
)

var reusePolicies = map[Reuse]enumspb.WorkflowIdReusePolicy{
	Never:        enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	AfterFailure: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
	AfterClose:   enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
}

// ErrTaken is Once's answer when the ID has an open run, or a closed one that reuse does
// not let go.
var ErrTaken = errors.New("start: the workflow ID is taken")

// Run names a run to start: workflow type Workflow with Input under ID on Queue.
type Run struct {
	ID, Queue, Workflow string
	Input               any
	Reuse               Reuse
}

// Once starts s unless its ID is taken (ErrTaken): never beside an open run, and after a
// closed one only as s.Reuse allows. A request repeated after a timeout therefore starts
// nothing twice. Other errors are Temporal's.
func Once(ctx context.Context, c client.Client, s Run) (client.WorkflowRun, error) {
	if c == nil {
		return nil, errors.New("start: no Temporal client configured")
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       s.ID,
		TaskQueue:                                s.Queue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    reusePolicies[s.Reuse],
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, s.Workflow, s.Input)
	if errors.As(err, new(*serviceerror.WorkflowExecutionAlreadyStarted)) {
		return nil, ErrTaken
	}
	return run, err
}
