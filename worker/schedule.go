package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"termgoal/workflows"
)

// EnsureSchedules creates the Temporal Schedules termgoal runs on when they are missing: the
// daily digest at 08:00 in China. A schedule that exists is left as it is, so an operator's
// change in the Temporal UI (a pause, another hour) survives restarts, and several workers
// starting at once create it once.
func EnsureSchedules(ctx context.Context, c client.Client) error {
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: workflows.DigestScheduleID,
		Spec: client.ScheduleSpec{
			CronExpressions: []string{workflows.DigestCron},
			TimeZoneName:    workflows.DigestTimeZone,
		},
		Action: &client.ScheduleWorkflowAction{
			ID:        workflows.DigestWorkflowID,
			Workflow:  workflows.DailyDigestWorkflowName,
			TaskQueue: workflows.TaskQueue,
		},
		// A digest still running (retrying a channel) is not doubled; one missed while the
		// server was down is still worth sending the same morning.
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: 4 * time.Hour,
	})
	if err != nil && !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("create schedule %s: %w", workflows.DigestScheduleID, err)
	}
	return nil
}
