package workflows

// Search attributes (issue 33): what operators list processes by in the Temporal UI and CLI.
// They hold no personal data, only kinds, ids, steps, statuses, a date and numbers: names and
// texts stay in PostgreSQL. Every name must be registered on the server before a worker runs
// (devenv registers them on the dev servers; deploy/README.md has the operator's commands).

import (
	"fmt"
	"strconv"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"termgoal"
)

// The search attributes of a process workflow.
var (
	SearchKind            = temporal.NewSearchAttributeKeyKeyword("TermgoalKind")
	SearchOrgs            = temporal.NewSearchAttributeKeyKeywordList("TermgoalOrgs") // the org's id and its ancestors'
	SearchTerm            = temporal.NewSearchAttributeKeyInt64("TermgoalTermId")
	SearchStep            = temporal.NewSearchAttributeKeyKeyword("TermgoalStep")
	SearchStatus          = temporal.NewSearchAttributeKeyKeyword("TermgoalStatus")
	SearchStepDue         = temporal.NewSearchAttributeKeyTime("TermgoalStepDue")
	SearchTemplateVersion = temporal.NewSearchAttributeKeyInt64("TermgoalTemplateVersion")
	SearchCampaign        = temporal.NewSearchAttributeKeyInt64("TermgoalCampaignId")
)

// SearchAttributes lists each search attribute as NAME=Type, the form of the dev server's
// --search-attribute flag and of `temporal operator search-attribute create --name --type`.
var SearchAttributes = []string{"TermgoalKind=Keyword", "TermgoalOrgs=KeywordList", "TermgoalTermId=Int",
	"TermgoalStep=Keyword", "TermgoalStatus=Keyword", "TermgoalStepDue=Datetime", "TermgoalTemplateVersion=Int",
	"TermgoalCampaignId=Int"}

// orgIDs are the ids on an org path ("/1/4/9/" → 1, 4, 9), or the org's own id when the path
// is not known (a state from before the path was kept).
func orgIDs(path string, org int64) []string {
	if ids := strings.FieldsFunc(path, func(r rune) bool { return r == '/' }); len(ids) > 0 {
		return ids
	}
	return []string{strconv.FormatInt(org, 10)}
}

// upsertSearch sets the search attributes of p, the process row as s stands, when they
// changed since the run last set them (runs from the "search-attributes" version on).
func (w *goalWF) upsertSearch(ctx workflow.Context, s *GoalState, p termgoal.Process) error {
	due := SearchStepDue.ValueUnset()
	if p.StepDueOn != nil {
		due = SearchStepDue.ValueSet(*p.StepDueOn)
	}
	var campaign int64
	if s.Appraisal != nil {
		campaign = s.Appraisal.CampaignID
	}
	orgs := orgIDs(s.OrgPath, s.OrgID)
	key := fmt.Sprint(p.Kind, orgs, p.TermID, p.Step, p.Status, p.StepDueOn, s.Template.Version, campaign)
	if key == w.searched {
		return nil
	}
	w.searched = key
	ups := []temporal.SearchAttributeUpdate{SearchKind.ValueSet(p.Kind), SearchOrgs.ValueSet(orgs), SearchTerm.ValueSet(p.TermID),
		SearchStep.ValueSet(string(p.Step)), SearchStatus.ValueSet(p.Status), due, SearchTemplateVersion.ValueSet(int64(s.Template.Version))}
	if campaign != 0 {
		ups = append(ups, SearchCampaign.ValueSet(campaign))
	}
	return workflow.UpsertTypedSearchAttributes(ctx, ups...)
}
