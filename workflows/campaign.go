package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/activities"
)

// CampaignWorkflowName is the registered name of Campaign.
const CampaignWorkflowName = "Campaign"

// CampaignID is the workflow ID of campaign id.
func CampaignID(id int64) string { return fmt.Sprintf("campaign-%d", id) }

// CampaignInput runs campaign CampaignID over the org subtree at OrgPath. AfterTermID is
// where a continued run resumes. Kind is the process it starts: goal setting when empty, or
// termgoal.AppraisalAnnual for Year. A run a Temporal Schedule starts has no CampaignID yet:
// it names its ScheduleID and OrgID, appraises the year before the one it runs in, and
// creates the year's campaign once.
type CampaignInput struct {
	CampaignID  int64          `json:"campaign_id"`
	Kind        string         `json:"kind,omitempty"`
	Year        int            `json:"year,omitempty"`
	ScheduleID  string         `json:"schedule_id,omitempty"`
	OrgID       int64          `json:"org_id,omitempty"`
	OrgPath     string         `json:"org_path"`
	Initiator   termgoal.Actor `json:"initiator"`
	AfterTermID int64          `json:"after_term_id,omitempty"`
	Started     int            `json:"started,omitempty"`
	Existing    int            `json:"existing,omitempty"`
}

// CampaignResult counts what the campaign started.
type CampaignResult struct {
	Started  int `json:"started"`
	Existing int `json:"existing"`
}

// campaignPage is how many processes one activity starts; campaignPagesPerRun bounds a run's
// history (about 6 events a page) before it continues as new.
const (
	campaignPage        = 200
	campaignPagesPerRun = 50
)

// Campaign starts goal setting for every term without it under an org (P7), a page at a
// time through an activity; each process has a deterministic ID, so running the campaign
// again starts nothing twice.
func Campaign(ctx workflow.Context, in CampaignInput) (CampaignResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
	page := activities.CampaignPageInput{WorkflowType: GoalSettingWorkflowName, TaskQueue: TaskQueue, IDFormat: goalSettingIDFormat, Limit: campaignPage}
	if in.Kind == termgoal.AppraisalAnnual && workflow.GetVersion(ctx, "appraisal-campaign", workflow.DefaultVersion, 1) == 1 {
		if in.CampaignID == 0 {
			if in.Year == 0 {
				in.Year = workflow.Now(ctx).In(chinaTime).Year() - 1
			}
			c := termgoal.Campaign{Name: fmt.Sprintf("%d", in.Year), Kind: in.Kind, Year: in.Year, OrgID: in.OrgID, ScheduleID: in.ScheduleID, CreatedBy: in.Initiator.Name}
			if err := workflow.ExecuteActivity(ctx, a.EnsureCampaign, c).Get(ctx, &in.CampaignID); err != nil {
				return CampaignResult{}, err
			}
		}
		page.WorkflowType, page.IDFormat, page.Kind, page.Year = AppraisalWorkflowName, appraisalIDFormat, in.Kind, in.Year
	}
	for pages := 0; ; pages++ {
		if pages == campaignPagesPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return CampaignResult{}, workflow.NewContinueAsNewError(ctx, CampaignWorkflowName, in)
		}
		var r activities.CampaignPageResult
		page.CampaignID, page.OrgPath, page.AfterTermID, page.Initiator = in.CampaignID, in.OrgPath, in.AfterTermID, in.Initiator
		err := workflow.ExecuteActivity(ctx, a.StartCampaignPage, page).Get(ctx, &r)
		if err != nil {
			return CampaignResult{}, err
		}
		in.AfterTermID, in.Started, in.Existing = r.LastTermID, in.Started+r.Started, in.Existing+r.Existing
		if r.Done {
			return CampaignResult{Started: in.Started, Existing: in.Existing}, nil
		}
	}
}
