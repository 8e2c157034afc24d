package workflows_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"termgoal/activities"
	"termgoal/workflows"
)

// The digest covers the day in China: 23:30 UTC on 1 March is 07:30 on 2 March there.
func TestDailyDigestRunsForTheDayInChina(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.DailyDigest, workflow.RegisterOptions{Name: workflows.DailyDigestWorkflowName})
	var got time.Time
	env.RegisterActivityWithOptions(func(_ context.Context, in activities.DigestInput) (int, error) {
		got = in.Day
		return 4, nil
	}, activity.RegisterOptions{Name: "Digest"})
	env.SetStartTime(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC))
	env.ExecuteWorkflow(workflows.DailyDigestWorkflowName)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := env.GetWorkflowResult(&n); err != nil || n != 4 {
		t.Errorf("result %d %v", n, err)
	}
	if !got.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("digest day %v", got)
	}
}
