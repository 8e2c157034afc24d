package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/start"
	"termgoal/workflows"
)

// Audit appends a to the audit log as done by actor now.
func (s *Service) Audit(ctx context.Context, actor termgoal.Actor, a termgoal.Audit) error {
	a.At = s.Now()
	a.ActorID, a.ActorName, a.IP = actor.AccountID, actor.Name, actor.IP
	if a.ActorName == "" {
		a.ActorName = "anonymous"
	}
	return s.Store.AppendAudit(ctx, a)
}

// Start starts run once (start.Once): a taken ID answers taken(), a Temporal that does not
// answer EUNAVAILABLE.
func (s *Service) Start(ctx context.Context, run start.Run, taken func() error) (client.WorkflowRun, error) {
	if s.Temporal == nil {
		return nil, errNoTemporal
	}
	r, err := start.Once(ctx, s.Temporal, run)
	if errors.Is(err, start.ErrTaken) {
		return nil, taken()
	}
	if err != nil {
		return nil, UnavailableOr(err)
	}
	return r, nil
}

// FollowTerm starts term t's workflow, which then starts the term's processes on the calendar,
// as actor, an administrator of the term's org (acc), and audits it. It runs once per term; one
// that failed or was terminated may be started again.
func (s *Service) FollowTerm(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, t *termgoal.Term) (string, error) {
	if err := s.adminOf(ctx, acc, t.OrgID); err != nil {
		return "", err
	}
	id := workflows.TermID(t.ID)
	run := start.Run{ID: id, Queue: workflows.TaskQueue, Workflow: workflows.TermWorkflowName,
		Input: workflows.TermInput{TermID: t.ID, Initiator: actor}, Reuse: start.AfterFailure}
	if _, err := s.Start(ctx, run, func() error {
		return termgoal.Errorf(termgoal.ECONFLICT, "term.already_followed", "this term is already being followed")
	}); err != nil {
		return id, err
	}
	return id, s.Audit(ctx, actor, termgoal.Audit{Action: "term_followed", TermID: t.ID, Detail: map[string]any{"workflow_id": id}})
}

// HandoverRequest hands a person's term over to a successor from a date (P8).
type HandoverRequest struct {
	ToPersonID int64  `json:"to_person_id"`
	On         string `json:"on"` // YYYY-MM-DD
	Reason     string `json:"reason"`
}

// Handover checks req against term t, then sends the handover to the term's workflow as actor,
// an administrator of the term's org (acc), under key, and audits it.
func (s *Service) Handover(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, t *termgoal.Term, req HandoverRequest, key string) (*workflows.HandoverResult, error) {
	if err := s.adminOf(ctx, acc, t.OrgID); err != nil {
		return nil, err
	}
	in, err := s.handoverInput(ctx, t, req)
	if err != nil {
		return nil, err
	}
	in.Actor = actor
	in.Actor.Admin = true
	if key == "" {
		key = randomID()
	}
	var res workflows.HandoverResult
	err = s.Update(ctx, workflows.TermID(t.ID), workflows.UpdateHandover, key, in, &res)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		// No term workflow runs: nothing would carry the handover out.
		err = termgoal.Errorf(termgoal.ECONFLICT, "handover.not_followed", "the term is not being followed: follow it first")
	}
	if err != nil {
		return nil, err
	}
	return &res, s.Audit(ctx, actor, termgoal.Audit{Action: "handover", TermID: t.ID, ProcessID: res.AppraisalID, Detail: map[string]any{
		"to_person_id": in.ToPersonID, "on": req.On, "reason": in.Reason, "processes": res.Processes}})
}

// handoverInput checks a handover request against the term: a person's term, a successor who
// exists and is not the holder, a date within the term and a reason.
func (s *Service) handoverInput(ctx context.Context, t *termgoal.Term, req HandoverRequest) (*workflows.HandoverInput, error) {
	if t.HolderKind != termgoal.HolderPerson {
		return nil, termgoal.Errorf(termgoal.EINVALID, "handover.org_term", "only a person's term is handed over")
	}
	if req.ToPersonID <= 0 {
		return nil, termgoal.Errorf(termgoal.EINVALID, "handover.successor", "name the successor")
	}
	if t.PersonID != nil && *t.PersonID == req.ToPersonID {
		return nil, termgoal.Errorf(termgoal.EINVALID, "handover.same_person", "the successor already holds the term", "id", req.ToPersonID)
	}
	if _, err := s.Store.Person(ctx, req.ToPersonID); err != nil {
		if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
			return nil, termgoal.Errorf(termgoal.EINVALID, "handover.person_unknown", "the successor does not exist")
		}
		return nil, err
	}
	on, err := ParseDay(strings.TrimSpace(req.On), "handover.on")
	if err != nil {
		return nil, err
	}
	if on.Before(t.Start) || on.After(t.End) {
		return nil, termgoal.Errorf(termgoal.EINVALID, "handover.date", "the handover date is outside the term")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, termgoal.Errorf(termgoal.EINVALID, "admin.reason", "give a reason")
	}
	return &workflows.HandoverInput{ToPersonID: req.ToPersonID, On: on, Reason: strings.TrimSpace(req.Reason)}, nil
}

// ParseDay reads a YYYY-MM-DD date; key names the refusal's message.
func ParseDay(s, key string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, termgoal.Errorf(termgoal.EINVALID, key, "the date must be written YYYY-MM-DD")
	}
	return d, nil
}

// StartAmendment starts an amendment of the plan in force of term t (目标调整, P3) for reason,
// as actor: its holder or an administrator of its org (acc). The holder drafts the change and
// the superior approves it; a term has one process running at a time. It returns the new
// process's ID and audits the start.
func (s *Service) StartAmendment(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, t *termgoal.Term, reason string) (string, error) {
	path, err := s.OrgPath(ctx, t.OrgID)
	if err != nil {
		return "", err
	}
	switch {
	case !MayAmend(acc, t, path):
		return "", ErrForbidden()
	case strings.TrimSpace(reason) == "":
		return "", termgoal.Errorf(termgoal.EINVALID, "amendment.reason", "say why the plan must change")
	case t.Status != "goals_in_force":
		return "", termgoal.Errorf(termgoal.ECONFLICT, "amendment.not_in_force", "only a plan in force can be amended")
	}
	procs, err := s.Store.ProcessesOfTerm(ctx, t.ID)
	if err != nil {
		return "", err
	}
	if slices.ContainsFunc(procs, func(p termgoal.Process) bool { return p.Status == "running" }) {
		return "", errAmendmentRunning()
	}
	n := 1
	for _, p := range procs {
		if p.Kind == workflows.KindAmendment {
			n++
		}
	}
	id := workflows.AmendmentID(t.ID, n)
	in := workflows.GoalSettingInput{TermID: t.ID, Initiator: actor, Amendment: true, Reason: reason}
	if _, err := s.Start(ctx, start.Run{ID: id, Queue: workflows.TaskQueue, Workflow: workflows.GoalSettingWorkflowName, Input: in}, errAmendmentRunning); err != nil {
		return "", err
	}
	return id, s.Audit(ctx, actor, termgoal.Audit{Action: "amendment_started", TermID: t.ID, ProcessID: id, Detail: map[string]any{"reason": reason}})
}

// MayAmend reports whether acc may ask to amend term t (at org path): its holder or an
// administrator.
func MayAmend(acc *termgoal.Account, t *termgoal.Term, path string) bool {
	return acc.Can(termgoal.RoleAdmin, path) || acc.Can(termgoal.RoleHolder, path) ||
		(t.PersonID != nil && acc.PersonID != nil && *acc.PersonID == *t.PersonID)
}

func errAmendmentRunning() error {
	return termgoal.Errorf(termgoal.ECONFLICT, "amendment.running", "a process of this term is still running")
}
