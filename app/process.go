package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"termgoal"
	"termgoal/postgres"
)

// ProcessView is everything the process page shows (A2).
type ProcessView struct {
	Process      *termgoal.Process      `json:"process"`
	Term         *termgoal.Term         `json:"term"`
	PlanVersions []termgoal.PlanVersion `json:"plan_versions"`
	Steps        []termgoal.StepRecord  `json:"steps"`
	Deliberation
	OpenTasks   []termgoal.Task       `json:"open_tasks"`
	Attachments []postgres.Attachment `json:"attachments"`            // without their bytes
	TemporalURL string                `json:"temporal_url,omitempty"` // for an administrator of the process's org
	// TemporalOrgURL lists the running processes of the org's subtree in the Temporal UI, by
	// the search attribute TermgoalOrgs (administrators only).
	TemporalOrgURL string `json:"temporal_org_url,omitempty"`
}

// Deliberation is what a goal setting's steps collected: the opinions and how each was
// answered, the expert reviews, the committee's votes, the notice and its objections.
type Deliberation struct {
	Opinions   []termgoal.Opinion   `json:"opinions"`
	Reviews    []termgoal.Review    `json:"reviews"`
	Votes      []termgoal.Vote      `json:"votes"`
	Notice     *termgoal.Notice     `json:"notice,omitempty"`
	Objections []termgoal.Objection `json:"objections"`
}

// Deliberation loads what the steps of process processID collected.
func (s *Service) Deliberation(ctx context.Context, processID string) (Deliberation, error) {
	var d Deliberation
	var err error
	if d.Opinions, err = s.Store.Opinions(ctx, processID); err != nil {
		return d, err
	}
	if d.Reviews, err = s.Store.Reviews(ctx, processID); err != nil {
		return d, err
	}
	if d.Votes, err = s.Store.Votes(ctx, processID); err != nil {
		return d, err
	}
	switch n, err := s.Store.Notice(ctx, processID); termgoal.ErrorCode(err) {
	case "":
		d.Notice = n
	case termgoal.ENOTFOUND:
	default:
		return d, err
	}
	d.Objections, err = s.Store.Objections(ctx, processID)
	return d, err
}

// VisibleProcess loads process id and checks that acc may see it (CanSeeProcess). A process acc
// may not see is not found, as one that does not exist: an id tried in a URL tells nothing.
func (s *Service) VisibleProcess(ctx context.Context, acc *termgoal.Account, id string) (*termgoal.Process, error) {
	p, err := s.Store.Process(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanSeeProcess(ctx, acc, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoProcess()
	}
	return p, nil
}

// Task loads task id for acc: its assignee, or an administrator of its org. Anyone else who may
// see its org is refused; to the rest it is not found, as a task that does not exist.
func (s *Service) Task(ctx context.Context, acc *termgoal.Account, id string) (*termgoal.Task, error) {
	t, err := s.Store.Task(ctx, id)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		return nil, errNoTask()
	}
	if err != nil || t.AccountID == acc.ID {
		return t, err
	}
	path, err := s.OrgPath(ctx, t.OrgID)
	switch {
	case err != nil:
		return nil, err
	case IsAdmin(acc, path):
		return t, nil
	case CanSee(acc, path):
		return nil, ErrForbidden()
	}
	return nil, errNoTask()
}

func errNoTask() error {
	return termgoal.Errorf(termgoal.ENOTFOUND, "task.not_found", "no such task")
}

func errNoProcess() error {
	return termgoal.Errorf(termgoal.ENOTFOUND, "process.not_found", "no such process")
}

// ProcessView loads the read model of process p for its page and its JSON, as acc sees it (the
// link into the Temporal UI only for an administrator of its org); the caller has checked
// access (VisibleProcess).
func (s *Service) ProcessView(ctx context.Context, acc *termgoal.Account, p *termgoal.Process) (*ProcessView, error) {
	v := &ProcessView{Process: p}
	err := s.CheckHalted(ctx, p)
	if err != nil {
		return nil, err
	}
	if v.Term, err = s.Store.Term(ctx, p.TermID); err != nil {
		return nil, err
	}
	if v.PlanVersions, err = s.Store.PlanVersions(ctx, p.TermID); err != nil {
		return nil, err
	}
	if v.Steps, err = s.Store.StepRecords(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.Deliberation, err = s.Deliberation(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.OpenTasks, err = s.Store.OpenTasks(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.Attachments, _, err = s.Store.Attachments(ctx, p.ID, 0, 0); err != nil {
		return nil, err
	}
	path, err := s.OrgPath(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	if s.TemporalUIURL != "" && IsAdmin(acc, path) {
		base := strings.TrimRight(s.TemporalUIURL, "/") + "/namespaces/default/workflows"
		v.TemporalURL = base + "/" + p.ID
		v.TemporalOrgURL = base + "?query=" + url.QueryEscape(fmt.Sprintf("TermgoalOrgs = '%d' AND ExecutionStatus = 'Running'", p.OrgID))
	}
	return v, nil
}

// TermAccess loads term id and its org path for acc: readable with a grant covering its org,
// or by whoever may see one of its processes (an assignee of its goal setting or of an
// amendment).
func (s *Service) TermAccess(ctx context.Context, acc *termgoal.Account, id int64) (*termgoal.Term, string, error) {
	t, err := s.Store.Term(ctx, id)
	if err != nil {
		return nil, "", err
	}
	path, err := s.OrgPath(ctx, t.OrgID)
	if err != nil {
		return nil, "", err
	}
	if CanSee(acc, path) {
		return t, path, nil
	}
	procs, err := s.Store.ProcessesOfTerm(ctx, t.ID)
	if err != nil {
		return nil, "", err
	}
	for i := range procs {
		if ok, err := s.CanSeeProcess(ctx, acc, &procs[i]); err != nil {
			return nil, "", err
		} else if ok {
			return t, path, nil
		}
	}
	return nil, "", ErrForbidden()
}

// ProcessList answers the page of processes f selects within what acc's grants cover (A2):
// under f.OrgPaths, each of which acc must see, or else everywhere acc sees.
func (s *Service) ProcessList(ctx context.Context, acc *termgoal.Account, f postgres.ProcessFilter) ([]postgres.ProcessRow, int, error) {
	for _, p := range f.OrgPaths {
		if !CanSee(acc, p) {
			return nil, 0, ErrForbidden()
		}
	}
	if len(f.OrgPaths) == 0 {
		if f.OrgPaths = ScopeRoots(acc); len(f.OrgPaths) == 0 {
			return nil, 0, ErrForbidden()
		}
	}
	f.Today = s.Today()
	return s.Store.ProcessList(ctx, f)
}
