package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"

	"termgoal"
)

// CampaignPageInput asks to start the processes of one page of a campaign's terms. The
// workflow passes the contract of the process it starts (type, queue, ID format), since this
// package cannot import the workflows.
type CampaignPageInput struct {
	CampaignID   int64
	OrgPath      string
	AfterTermID  int64
	Limit        int
	WorkflowType string
	TaskQueue    string
	IDFormat     string // e.g. "goalsetting-term-%d": one deterministic ID per term
	Initiator    termgoal.Actor
}

// CampaignPageResult says how a page went and where the next one starts.
type CampaignPageResult struct {
	Started    int
	Existing   int // already started (a re-run, or started by hand)
	LastTermID int64
	Done       bool
}

// campaignConcurrency is how many starts a page has in flight at once.
const campaignConcurrency = 8

// StartCampaignPage starts one process per term of the page (P7). Each ID is deterministic and
// Temporal refuses a duplicate, so a retried page or a re-run campaign starts nothing twice.
func (a *Activities) StartCampaignPage(ctx context.Context, in CampaignPageInput) (CampaignPageResult, error) {
	var r CampaignPageResult
	if a.Temporal == nil {
		return r, errors.New("activities: no Temporal client to start processes")
	}
	terms, err := a.Store.TermsWithoutProcess(ctx, in.OrgPath, in.AfterTermID, in.Limit)
	if err != nil {
		return r, domain(err)
	}
	r.LastTermID, r.Done = in.AfterTermID, len(terms) < in.Limit
	// Start a few at a time: a start is a round trip to the server, and the server takes
	// several at once. Any failure fails the page, which is retried whole: the IDs make that
	// safe.
	existing := make([]bool, len(terms))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(campaignConcurrency)
	for i, t := range terms {
		g.Go(func() error {
			id := fmt.Sprintf(in.IDFormat, t.ID)
			_, err := a.Temporal.ExecuteWorkflow(gctx, client.StartWorkflowOptions{
				ID: id, TaskQueue: in.TaskQueue,
				WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
				WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
				WorkflowExecutionErrorWhenAlreadyStarted: true,
			}, in.WorkflowType, map[string]any{"term_id": t.ID, "initiator": in.Initiator})
			if errors.As(err, new(*serviceerror.WorkflowExecutionAlreadyStarted)) {
				existing[i], err = true, nil
			}
			if err != nil {
				return err
			}
			return domain(a.Store.SetTermProcess(gctx, t.ID, id))
		})
	}
	if err := g.Wait(); err != nil {
		return r, err
	}
	for i, t := range terms {
		if existing[i] {
			r.Existing++
		} else {
			r.Started++
		}
		r.LastTermID = t.ID
	}
	activity.RecordHeartbeat(ctx, r.LastTermID)
	return r, domain(a.Store.CampaignStarted(ctx, in.CampaignID, r.Started, r.Done))
}
