package activities

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"termgoal"
)

// Acter applies one action to one process as the API does (app.Service.ActJSON): the worker
// sets it, so a batch running in the background acts through the same checks.
type Acter interface {
	ActJSON(ctx context.Context, actor termgoal.Actor, processID, action, key string, input json.RawMessage) error
}

// BatchChunkInput is one chunk of a background batch: each process takes Action with Input as
// Actor, under the Idempotency-Key KeyPrefix + its ID, so a retried chunk applies nothing twice.
type BatchChunkInput struct {
	BatchID   string          `json:"batch_id"`
	Chunk     int             `json:"chunk"`
	Action    string          `json:"action"`
	KeyPrefix string          `json:"key_prefix"`
	Actor     termgoal.Actor  `json:"actor"`
	Input     json.RawMessage `json:"input"`
	IDs       []string        `json:"ids"`
}

// RunBatchChunk acts on the chunk's processes one after the other and records how many took
// the action and how many refused it (a wrong step, a closed process): a refusal is the
// process's answer, not the chunk's failure.
func (a *Activities) RunBatchChunk(ctx context.Context, in BatchChunkInput) error {
	if a.Acter == nil {
		return temporal.NewNonRetryableApplicationError("the worker has no Acter", "config", nil)
	}
	done, failed := 0, 0
	for _, id := range in.IDs {
		activity.RecordHeartbeat(ctx, id)
		err := a.Acter.ActJSON(ctx, in.Actor, id, in.Action, in.KeyPrefix+id, in.Input)
		switch {
		case err == nil:
			done++
		case ctx.Err() != nil || errors.Is(err, context.Canceled):
			return ctx.Err() // the chunk runs again, under the same update IDs
		default:
			failed++
		}
	}
	return a.Store.BatchChunkDone(ctx, in.BatchID, in.Chunk, done, failed)
}

// FinishBatch marks the batch done and audits it once.
func (a *Activities) FinishBatch(ctx context.Context, batchID string) error {
	return a.Store.FinishBatch(ctx, batchID, time.Now())
}
