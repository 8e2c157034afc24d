package app

// Batch administration (A3): remind or reassign over every matching process of an org
// subtree the actor administers. Each process gets its own action through Act, as if the
// administrator had acted on it alone, so each is authorized, validated and audited by its
// workflow; the batch itself is audited once more with its counts.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/start"
	"termgoal/workflows"
)

// batchParallel bounds the actions a batch has in flight at once.
const batchParallel = 8

// ChinaTime is the zone due dates are counted in: they are working days on the mainland China
// calendar.
var ChinaTime = time.FixedZone("CST", 8*3600)

// Today returns the current date in China as a civil date (midnight UTC), as due dates are
// stored.
func (s *Service) Today() time.Time {
	y, m, d := s.Now().In(ChinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// BatchRemindRequest selects the running processes to remind.
type BatchRemindRequest struct {
	OrgID       int64         `json:"org_id"`
	Step        termgoal.Step `json:"step,omitempty"`
	OverdueOnly bool          `json:"overdue_only"` // only processes whose step was due before today
	Reason      string        `json:"reason"`
}

// BatchReassignRequest moves every open task of one account under an org to another.
type BatchReassignRequest struct {
	From   int64  `json:"from"`
	To     int64  `json:"to"`
	OrgID  int64  `json:"org_id"`
	Reason string `json:"reason"`
}

// Batch is what a batch did: the processes it acted on and each one's error (nil: applied;
// EUNAVAILABLE: unknown, send the batch again with the same key). A batch over more than
// BackgroundOver processes runs in the background instead: Background names it (BatchRun
// follows it) and Errs is empty.
type Batch struct {
	IDs        []string
	Errs       []error
	Background string
}

// BackgroundOver is how many processes a batch over the process list acts on while the
// request waits; a larger one runs in the background as a Temporal workflow (workflows.Batch).
const BackgroundOver = 50

// Done counts the processes that took the action.
func (b Batch) Done() int {
	n := 0
	for _, err := range b.Errs {
		if err == nil {
			n++
		}
	}
	return n
}

// batchAdmin checks what every batch needs: acc administers the org (refused before anything
// about the request is revealed) and a reason.
func (s *Service) batchAdmin(ctx context.Context, acc *termgoal.Account, orgID int64, reason string) (string, error) {
	path, err := s.OrgPath(ctx, orgID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		err = termgoal.Errorf(termgoal.EINVALID, "batch.org_unknown", "the organization does not exist")
	}
	if err != nil {
		return "", err
	}
	if !acc.Can(termgoal.RoleAdmin, path) {
		return "", ErrForbidden()
	}
	if strings.TrimSpace(reason) == "" {
		return "", termgoal.Errorf(termgoal.EINVALID, "batch.reason", "a batch operation needs a reason")
	}
	return path, nil
}

// BatchRemind reminds, as actor, the assignees of every running process under the org,
// optionally only at one step or only where the step is overdue, under update IDs derived
// from key (empty: a random one).
func (s *Service) BatchRemind(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, req BatchRemindRequest, key string) (Batch, error) {
	path, err := s.batchAdmin(ctx, acc, req.OrgID, req.Reason)
	if err != nil {
		return Batch{}, err
	}
	if req.Step != "" && !slices.Contains(termgoal.GoalSteps, req.Step) {
		return Batch{}, termgoal.Errorf(termgoal.EINVALID, "batch.step", "unknown step", "step", string(req.Step))
	}
	today, reason := s.Today(), strings.TrimSpace(req.Reason)
	b, err := s.remindUnder(ctx, actor, key, path, reason, func(p *termgoal.Process) bool {
		return (req.Step == "" || p.Step == req.Step) && (!req.OverdueOnly || Overdue(p, today))
	})
	if err != nil {
		return b, err
	}
	return b, s.auditBatch(ctx, actor, "batch_remind", b, map[string]any{
		"org_id": req.OrgID, "step": string(req.Step), "overdue_only": req.OverdueOnly, "reason": reason})
}

// RemindCampaign reminds, as actor, an administrator of the campaign's org (acc), the
// assignees of every overdue process of camp's kind (and year) under its org, with reason
// under batch key key, audited once as campaign_remind.
func (s *Service) RemindCampaign(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, camp *termgoal.Campaign, key, reason string) (Batch, error) {
	path, err := s.batchAdmin(ctx, acc, camp.OrgID, reason)
	if err != nil {
		return Batch{}, err
	}
	today, reason := s.Today(), strings.TrimSpace(reason)
	b, err := s.remindUnder(ctx, actor, key, path, reason, func(p *termgoal.Process) bool {
		return p.Kind == camp.Kind && Overdue(p, today) && (camp.Year == 0 || appraisalYear(p) == camp.Year)
	})
	if err != nil {
		return b, err
	}
	return b, s.auditBatch(ctx, actor, "campaign_remind", b, map[string]any{
		"campaign_id": camp.ID, "org_id": camp.OrgID, "reason": reason})
}

// appraisalYear is the year an appraisal process appraises, from its state.
func appraisalYear(p *termgoal.Process) int {
	if a := p.State.Appraisal; a != nil {
		return a.Year
	}
	return 0
}

// Overdue reports whether p's current step was due before today.
func Overdue(p *termgoal.Process, today time.Time) bool {
	return p.StepDueOn != nil && p.StepDueOn.Before(today)
}

// remindUnder reminds, with reason, the assignees of every running process under the org at
// path that match accepts, under update IDs derived from key.
func (s *Service) remindUnder(ctx context.Context, actor termgoal.Actor, key, path, reason string, match func(*termgoal.Process) bool) (Batch, error) {
	procs, _, err := s.Store.Processes(ctx, path, 0, 0)
	if err != nil {
		return Batch{}, err
	}
	var ids []string
	for i := range procs {
		if procs[i].Status == "running" && match(&procs[i]) {
			ids = append(ids, procs[i].ID)
		}
	}
	return s.batch(ctx, actor, workflows.UpdateRemind, key, ids, func() workflows.ActionInput {
		return &workflows.ReasonInput{Reason: reason}
	}), nil
}

// BatchReassign moves, as actor, every open task of account req.From in processes under the
// org to req.To.
func (s *Service) BatchReassign(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, req BatchReassignRequest, key string) (Batch, error) {
	if _, err := s.batchAdmin(ctx, acc, req.OrgID, req.Reason); err != nil {
		return Batch{}, err
	}
	ids, err := s.reassignable(ctx, req.From, req.To, req.OrgID)
	if err != nil {
		return Batch{}, err
	}
	reason := strings.TrimSpace(req.Reason)
	b := s.batch(ctx, actor, workflows.UpdateReassign, key, ids, func() workflows.ActionInput {
		return &workflows.ReassignInput{From: req.From, To: termgoal.Actor{AccountID: req.To}, Reason: reason}
	})
	return b, s.auditBatch(ctx, actor, "batch_reassign", b, map[string]any{
		"org_id": req.OrgID, "from": req.From, "to": req.To, "reason": reason})
}

// reassignable checks that from and to are two accounts and answers the processes (under org
// orgID; 0: anywhere) where from holds an open task.
func (s *Service) reassignable(ctx context.Context, from, to, orgID int64) ([]string, error) {
	if from == 0 || to == 0 || from == to {
		return nil, termgoal.Errorf(termgoal.EINVALID, "batch.accounts", "name two different accounts: from and to")
	}
	for _, id := range []int64{from, to} {
		_, err := s.Store.Account(ctx, id)
		if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
			err = termgoal.Errorf(termgoal.EINVALID, "batch.account_unknown", "no such account", "id", id)
		}
		if err != nil {
			return nil, err
		}
	}
	tasks, _, err := s.Store.Inbox(ctx, postgres.InboxFilter{AccountID: from, Box: termgoal.BoxTodo, OrgID: orgID})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, t := range tasks {
		if !slices.Contains(ids, t.ProcessID) {
			ids = append(ids, t.ProcessID)
		}
	}
	return ids, nil
}

// BatchKey is the Idempotency-Key of one process's action in a batch: the same batch key
// gives the same key, so a batch sent again applies at most once per process, and the
// action's name in it keeps a remind and a reassign sent with one key apart.
func BatchKey(key, action, processID string) string {
	return batchKeyPrefix(key, action) + processID
}

func batchKeyPrefix(key, action string) string { return "batch/" + action + "/" + key + "/" }

// batch runs action on each process with a few in flight at once.
func (s *Service) batch(ctx context.Context, actor termgoal.Actor, action, key string, ids []string, input func() workflows.ActionInput) Batch {
	if key == "" {
		key = randomID()
	}
	b := Batch{IDs: ids, Errs: make([]error, len(ids))}
	sem := make(chan struct{}, batchParallel)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, b.Errs[i] = s.Act(ctx, actor, id, action, BatchKey(key, action, id), input())
		}()
	}
	wg.Wait()
	return b
}

// auditBatch audits the batch once with its counts.
func (s *Service) auditBatch(ctx context.Context, actor termgoal.Actor, action string, b Batch, detail map[string]any) error {
	detail["matched"], detail["done"], detail["failed"] = len(b.IDs), b.Done(), len(b.IDs)-b.Done()
	return s.Audit(ctx, actor, termgoal.Audit{Action: action, Detail: detail})
}

// BatchOverInput is a batch over the process list (A2): the running processes Filter selects
// (only those in Selected, when it names any), and what each takes: remind, extend_deadline by
// Days working days, or reassign (the open tasks of account From go to account To), with Reason.
type BatchOverInput struct {
	Filter   postgres.ProcessFilter
	Selected []string
	Action   string
	Days     int
	From, To int64
	Reason   string
}

// BatchOver applies in's action as actor to the running processes it selects under the orgs
// acc administers, under update IDs derived from key, and audits the batch once as
// batch_<action>. Over more than BackgroundOver processes it runs in the background.
func (s *Service) BatchOver(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, in BatchOverInput, key string) (Batch, error) {
	reason := strings.TrimSpace(in.Reason)
	switch {
	case !IsAnyAdmin(acc):
		return Batch{}, ErrForbidden()
	case reason == "":
		return Batch{}, termgoal.Errorf(termgoal.EINVALID, "batch.reason", "a batch operation needs a reason")
	case in.Action != workflows.UpdateRemind && in.Action != workflows.UpdateExtend && in.Action != workflows.UpdateReassign:
		return Batch{}, termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action")
	case in.Action == workflows.UpdateExtend && (in.Days < 1 || in.Days > 60):
		return Batch{}, termgoal.Errorf(termgoal.EINVALID, "extend.days", "a deadline is extended by 1 to 60 working days")
	}
	f := in.Filter
	ids, _, err := s.RunningMatches(ctx, acc, f, 0)
	if err != nil {
		return Batch{}, err
	}
	keep := in.Selected
	detail := map[string]any{"holder": f.Holder, "kind": f.Kind, "step": string(f.Step), "overdue_only": f.Overdue, "reason": reason}
	input := func() workflows.ActionInput { return &workflows.ReasonInput{Reason: reason} }
	switch in.Action {
	case workflows.UpdateExtend:
		detail["days"] = in.Days
		input = func() workflows.ActionInput { return &workflows.ExtendInput{Days: in.Days, Reason: reason} }
	case workflows.UpdateReassign:
		held, err := s.reassignable(ctx, in.From, in.To, 0)
		if err != nil {
			return Batch{}, err
		}
		ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(held, id) })
		detail["from"], detail["to"] = in.From, in.To
		input = func() workflows.ActionInput {
			return &workflows.ReassignInput{From: in.From, To: termgoal.Actor{AccountID: in.To}, Reason: reason}
		}
	}
	if len(keep) > 0 {
		ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(keep, id) })
		detail["selected"] = len(keep)
	}
	if len(ids) > BackgroundOver {
		id, err := s.background(ctx, actor, in.Action, key, ids, input(), "batch_"+in.Action, detail)
		return Batch{IDs: ids, Background: id}, err
	}
	b := s.batch(ctx, actor, in.Action, key, ids, input)
	return b, s.auditBatch(ctx, actor, "batch_"+in.Action, b, detail)
}

// background starts a batch of action over ids in the background (workflows.Batch) under the
// batch key key, and records it for BatchRun; the same key again finds the batch already
// running. The batch is audited once, as auditAction with detail, when it is done.
func (s *Service) background(ctx context.Context, actor termgoal.Actor, action, key string, ids []string, input workflows.ActionInput, auditAction string, detail map[string]any) (string, error) {
	if s.Temporal == nil {
		return "", errNoTemporal
	}
	if key == "" {
		key = randomID()
	}
	sum := sha256.Sum256([]byte(UpdateID(actor, key) + "/" + action))
	id := hex.EncodeToString(sum[:8])
	raw, err := json.Marshal(input)
	if err != nil {
		return "", err
	}
	err = s.Store.CreateBatch(ctx, postgres.BatchRun{ID: id, Action: auditAction, ActorID: actor.AccountID, ActorName: actor.Name,
		IP: actor.IP, Total: len(ids), Detail: detail})
	if err != nil {
		return "", err
	}
	_, err = start.Once(ctx, s.Temporal, start.Run{ID: workflows.BatchID(id), Queue: workflows.TaskQueue, Workflow: workflows.BatchWorkflowName,
		Input: workflows.BatchInput{BatchID: id, Action: action, KeyPrefix: batchKeyPrefix(key, action), Actor: actor, Input: raw, IDs: ids}})
	if errors.Is(err, start.ErrTaken) {
		err = nil // sent again: the batch runs, or has run, already
	}
	return id, err
}

// BatchRun answers a batch running in the background with its progress, to the one who
// started it or a root administrator.
func (s *Service) BatchRun(ctx context.Context, acc *termgoal.Account, id string) (*postgres.BatchRun, error) {
	b, err := s.Store.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.ActorID != acc.ID && !IsRootAdmin(acc) {
		return nil, ErrForbidden()
	}
	return b, nil
}

// ActJSON is Act with the input as JSON, for a batch running in the background
// (activities.Acter).
func (s *Service) ActJSON(ctx context.Context, actor termgoal.Actor, processID, action, key string, raw json.RawMessage) error {
	mk, ok := workflows.Actions[action]
	if !ok {
		return termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action")
	}
	input := mk()
	if err := json.Unmarshal(raw, input); err != nil {
		return termgoal.Errorf(termgoal.EMALFORMED, "error.malformed", "the batch's input is not the action's: "+err.Error(), "detail", err.Error())
	}
	_, err := s.Act(ctx, actor, processID, action, key, input)
	return err
}

// RunningMatches lists the running processes of the list f selects under the orgs acc
// administers: what a batch over the list touches. With limit 1 it only counts them, for the
// batch form's confirmation.
func (s *Service) RunningMatches(ctx context.Context, acc *termgoal.Account, f postgres.ProcessFilter, limit int) ([]string, int, error) {
	f.OrgPaths, f.Status, f.Limit, f.Offset, f.Today = AdminRoots(acc), "running", limit, 0, s.Today()
	if len(f.OrgPaths) == 0 {
		return nil, 0, ErrForbidden()
	}
	rows, total, err := s.Store.ProcessList(ctx, f)
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, total, err
}

// EndOfDay is the last moment of day d in China (the store keeps microseconds). A day is asked
// about as a whole: a version that came into force during it is the one in force on it, as it
// is for the rest of the day.
func EndOfDay(d time.Time) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd+1, 0, 0, 0, 0, ChinaTime).Add(-time.Microsecond)
}
