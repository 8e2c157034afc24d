package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal/activities"
)

// The daily digest (T6) is a workflow started by a Temporal Schedule every morning at
// DigestHour in DigestTimeZone.
const (
	DailyDigestWorkflowName = "DailyDigest"
	DigestScheduleID        = "termgoal-daily-digest"
	DigestWorkflowID        = "termgoal-daily-digest" // the schedule appends the start time
	DigestCron              = "0 8 * * *"
	DigestTimeZone          = "Asia/Shanghai"
)

// chinaZone is UTC+8 without tzdata, so the workflow needs no time zone database.
var chinaZone = time.FixedZone("CST", 8*3600)

// DailyDigest sends the digest of the day it runs on, as a date in China. The activity is
// idempotent per account and day, so a retry after a partial failure sends only what is
// missing, and a late or repeated run of the same day sends nothing twice.
func DailyDigest(ctx workflow.Context) (int, error) {
	y, m, d := workflow.Now(ctx).In(chinaZone).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    2 * time.Minute, // Digest heartbeats after each send
		// Stop retrying before the next morning's digest.
		ScheduleToCloseTimeout: 12 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 30 * time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Minute,
		},
	})
	var a *activities.Activities
	var n int
	err := workflow.ExecuteActivity(ctx, a.Digest, activities.DigestInput{Day: day}).Get(ctx, &n)
	return n, err
}
