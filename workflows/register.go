package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register registers every workflow with a worker.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(GoalSetting, workflow.RegisterOptions{Name: GoalSettingWorkflowName})
	r.RegisterWorkflowWithOptions(DailyDigest, workflow.RegisterOptions{Name: DailyDigestWorkflowName})
	r.RegisterWorkflowWithOptions(Campaign, workflow.RegisterOptions{Name: CampaignWorkflowName})
	r.RegisterWorkflowWithOptions(Appraisal, workflow.RegisterOptions{Name: AppraisalWorkflowName})
	r.RegisterWorkflowWithOptions(Report, workflow.RegisterOptions{Name: ReportWorkflowName})
	r.RegisterWorkflowWithOptions(Term, workflow.RegisterOptions{Name: TermWorkflowName})
	r.RegisterWorkflowWithOptions(Batch, workflow.RegisterOptions{Name: BatchWorkflowName})
}
