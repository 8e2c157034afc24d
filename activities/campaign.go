package activities

import (
	"context"
	"errors"
	"fmt"

	"termgoal/start"

	"go.temporal.io/sdk/activity"
	"golang.org/x/sync/errgroup"

	"termgoal"
)

// CampaignPageInput asks to start the processes of one page of a campaign's terms. The
// workflow passes the contract of the process it starts (type, queue, ID format), since this
// package cannot import the workflows. Kind and Year are empty for goal setting; an annual
// appraisal campaign (termgoal.AppraisalAnnual) names the year it appraises.
type CampaignPageInput struct {
	CampaignID   int64
	OrgPath      string
	AfterTermID  int64
	Limit        int
	WorkflowType string
	TaskQueue    string
	IDFormat     string // e.g. "goalsetting-term-%d", "appraisal-term-%d-%d" (term, year): one deterministic ID per term
	Initiator    termgoal.Actor
	Kind         string
	Year         int
}

// appraisal reports whether the page starts annual appraisals rather than goal setting.
func (in CampaignPageInput) appraisal() bool { return in.Kind == termgoal.AppraisalAnnual }

// start returns the workflow ID and the input of the process of a term.
func (in CampaignPageInput) start(termID int64) (string, any) {
	if in.appraisal() {
		return fmt.Sprintf(in.IDFormat, termID, in.Year),
			appraisalStart{TermID: termID, Kind: in.Kind, Year: in.Year, CampaignID: in.CampaignID, Initiator: in.Initiator}
	}
	return fmt.Sprintf(in.IDFormat, termID), map[string]any{"term_id": termID, "initiator": in.Initiator}
}

// appraisalStart is the JSON of workflows.AppraisalInput that a campaign starts an annual
// appraisal with.
type appraisalStart struct {
	TermID     int64          `json:"term_id"`
	Kind       string         `json:"kind"`
	Year       int            `json:"year,omitempty"`
	CampaignID int64          `json:"campaign_id,omitempty"`
	Initiator  termgoal.Actor `json:"initiator"`
}

// CampaignPageResult says how a page went and where the next one starts.
type CampaignPageResult struct {
	Started    int
	Existing   int // already started (a re-run, or started by hand)
	LastTermID int64
	Done       bool
}

// campaignConcurrency is how many starts a page has in flight at once.
const campaignConcurrency = 16

// StartCampaignPage starts one process per term of the page (P7). Each ID is deterministic and
// Temporal refuses a duplicate, so a retried page or a re-run campaign starts nothing twice.
// Goal setting pages through the terms without their process and links each to it; an annual
// appraisal pages through the terms the year's appraisal covers (Store.TermsForAppraisal) and
// links nothing, as the appraisal's row names its term.
func (a *Activities) StartCampaignPage(ctx context.Context, in CampaignPageInput) (CampaignPageResult, error) {
	var r CampaignPageResult
	if a.Temporal == nil {
		return r, errors.New("activities: no Temporal client to start processes")
	}
	var terms []termgoal.Term
	var err error
	if in.appraisal() {
		terms, err = a.Store.TermsForAppraisal(ctx, in.OrgPath, in.Year, in.AfterTermID, in.Limit)
	} else {
		terms, err = a.Store.TermsWithoutProcess(ctx, in.OrgPath, in.AfterTermID, in.Limit)
	}
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
			id, arg := in.start(t.ID)
			_, err := start.Once(gctx, a.Temporal, start.Run{ID: id, Queue: in.TaskQueue, Workflow: in.WorkflowType, Input: arg})
			if errors.Is(err, start.ErrTaken) {
				existing[i], err = true, nil
			}
			if err != nil || in.appraisal() {
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
