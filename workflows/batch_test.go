package workflows

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"termgoal/activities"
)

// A batch acts a chunk at a time, each chunk with its processes and the key prefix, then
// finishes the batch once.
func TestBatchActsChunkByChunk(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	ids := make([]string, 2*batchChunk+3)
	for i := range ids {
		ids[i] = fmt.Sprintf("p%d", i)
	}
	var chunks []string
	env.OnActivity(a.RunBatchChunk, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.BatchChunkInput) error {
		chunks = append(chunks, fmt.Sprintf("%d:%s..%s:%d:%s", in.Chunk, in.IDs[0], in.IDs[len(in.IDs)-1], len(in.IDs), in.KeyPrefix))
		return nil
	})
	finished := 0
	env.OnActivity(a.FinishBatch, mock.Anything, "b1").Return(func(context.Context, string) error { finished++; return nil })
	env.ExecuteWorkflow(Batch, BatchInput{BatchID: "b1", Action: UpdateRemind, KeyPrefix: "batch/remind/k/",
		Input: json.RawMessage(`{"reason":"催"}`), IDs: ids})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	want := "[0:p0..p24:25:batch/remind/k/ 1:p25..p49:25:batch/remind/k/ 2:p50..p52:3:batch/remind/k/]"
	if fmt.Sprint(chunks) != want || finished != 1 {
		t.Errorf("chunks %v, finished %d; want %s", chunks, finished, want)
	}
}
