package workflows

import (
	"encoding/json"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// BatchWorkflowName is the registered name of Batch.
const BatchWorkflowName = "Batch"

// BatchID is the workflow ID of background batch id.
func BatchID(id string) string { return "batch-" + id }

// BatchInput is a batch over many processes (A2) run in the background: each process takes
// Action with Input as Actor under the Idempotency-Key KeyPrefix + its ID. Next is where a
// continued run resumes.
type BatchInput struct {
	BatchID   string          `json:"batch_id"`
	Action    string          `json:"action"`
	KeyPrefix string          `json:"key_prefix"`
	Actor     termgoal.Actor  `json:"actor"`
	Input     json.RawMessage `json:"input"`
	IDs       []string        `json:"ids"`
	Next      int             `json:"next,omitempty"`
}

// batchChunk is how many processes one activity acts on.
const batchChunk = 25

// Batch acts on the batch's processes a chunk at a time through an activity, each chunk's
// counts recorded for the page that follows the batch, then marks the batch done and audits it
// once. Every action has its own update ID, so a chunk retried after a crash applies nothing
// twice.
func Batch(ctx workflow.Context, in BatchInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
	for ; in.Next < len(in.IDs); in.Next += batchChunk {
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return workflow.NewContinueAsNewError(ctx, BatchWorkflowName, in)
		}
		chunk := activities.BatchChunkInput{BatchID: in.BatchID, Chunk: in.Next / batchChunk, Action: in.Action,
			KeyPrefix: in.KeyPrefix, Actor: in.Actor, Input: in.Input, IDs: in.IDs[in.Next:min(len(in.IDs), in.Next+batchChunk)]}
		if err := workflow.ExecuteActivity(ctx, a.RunBatchChunk, chunk).Get(ctx, nil); err != nil {
			return err
		}
	}
	return workflow.ExecuteActivity(ctx, a.FinishBatch, in.BatchID).Get(ctx, nil)
}
