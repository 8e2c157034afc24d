package e2e

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/workflows"
)

// list answers the workflow IDs a visibility query finds, sorted.
func (s *sys) list(t *testing.T, query string) []string {
	t.Helper()
	r, err := s.client.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	var ids []string
	for _, e := range r.Executions {
		ids = append(ids, e.Execution.WorkflowId)
	}
	slices.Sort(ids)
	return ids
}

// Operators find processes in Temporal's own tools (issue 33): goal settings in two counties,
// one moved on to the committee and one at its draft, an appraisal and a monthly ledger,
// listed by visibility queries by kind, org subtree, step, status and due date; their search
// attributes carry no name, username or free text.
func TestSearchAttributesFindProcesses(t *testing.T) {
	s := start(t)
	s.setup()
	moved := s.toCommittee(t, village(nil))
	tplID := id(s.must(201, "admin", "POST", "/api/v1/templates", village(map[string]any{"name": "县"})))
	term := id(s.must(201, "admin", "POST", "/api/v1/terms", map[string]any{
		"org_id": s.ids["other"], "holder_kind": "org", "appointment": "elected",
		"start": "2026-10-15T00:00:00Z", "end": "2029-10-14T00:00:00Z", "template_id": tplID,
	}))
	draft := fmt.Sprint(s.must(201, "admin", "POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", term), nil).body["process_id"])
	appraised := s.addTerm(t, tplID)
	s.planInForce(t, appraised)
	appraisal := s.startAppraisal(t, appraised)

	report := workflows.ReportID(appraised, "2026-11")
	if _, err := s.client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: report, TaskQueue: workflows.TaskQueue},
		workflows.ReportWorkflowName, workflows.ReportInput{TermID: appraised, Kind: termgoal.ProgressLedger, Year: 2026, Period: "2026-11",
			Elapsed: 11.0 / 12, Initiator: termgoal.Actor{Name: "admin"}}); err != nil {
		t.Fatal(err)
	}

	county, other := s.ids["county"], s.ids["other"]
	for query, want := range map[string][]string{
		fmt.Sprintf("TermgoalKind = 'goal_setting' AND TermgoalOrgs = '%d'", county): {moved},
		fmt.Sprintf("TermgoalKind = 'goal_setting' AND TermgoalOrgs = '%d'", other):  {draft},
		"TermgoalStep = 'committee'":                                             {moved},
		"TermgoalStep = 'draft' AND TermgoalStatus = 'running'":                  {draft},
		"TermgoalKind = 'annual_appraisal' AND TermgoalStep = 'self_assessment'": {appraisal},
		"TermgoalKind = 'ledger' AND TermgoalStep = 'report'":                    {report},
		fmt.Sprintf("TermgoalTermId = %d", term):                                 {draft},
		"TermgoalStepDue < '2000-01-01T00:00:00Z'":                               nil,
	} {
		waitFor(t, func() bool { return slices.Equal(s.list(t, query), want) })
	}
	all := s.list(t, "TermgoalStatus = 'running' AND TermgoalStepDue > '2020-01-01T00:00:00Z'")
	if want := []string{appraisal, draft, moved, report}; !slices.Equal(all, sorted(want)) {
		t.Errorf("running processes with a due date: %v, want %v", all, sorted(want))
	}

	// No personal data: only termgoal's own attributes and Temporal's, with plain ASCII values.
	plain := regexp.MustCompile(`^[\x20-\x7e]*$`)
	for _, p := range []string{moved, draft, appraisal, report} {
		d, err := s.client.DescribeWorkflowExecution(context.Background(), p, "")
		if err != nil {
			t.Fatal(err)
		}
		fields := d.WorkflowExecutionInfo.GetSearchAttributes().GetIndexedFields()
		if len(fields) < 7 {
			t.Errorf("%s has %d search attributes", p, len(fields))
		}
		for name, v := range fields {
			value := string(v.GetData())
			if !strings.HasPrefix(name, "Termgoal") && !strings.HasPrefix(name, "Temporal") && name != "BuildIds" {
				t.Errorf("%s: an attribute %s=%s", p, name, value)
			}
			for _, personal := range []string{"admin", "holder", "管理员", "青山", "绿水", "村", "县"} {
				if strings.Contains(value, personal) || !plain.MatchString(value) {
					t.Errorf("%s: %s=%s holds personal data or text", p, name, value)
				}
			}
		}
	}
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
