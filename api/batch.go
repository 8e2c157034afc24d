package api

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// Batch administration (A3): remind or reassign over every matching process of an org
// subtree the caller administers. Each process gets its own action through h.Act, as if the
// administrator had acted on it alone, so each is authorized, validated and audited by its
// workflow; the batch itself is audited once more with its counts.

// batchParallel bounds the actions a batch has in flight at once.
const batchParallel = 8

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

// BatchResult answers a batch: how many processes took the action, and why the others did not.
type BatchResult struct {
	Done   int            `json:"done"`
	Failed []BatchFailure `json:"failed"`
}

// BatchFailure is one process the action was refused on, or whose outcome is unknown (code
// "unavailable": send the batch again with the same Idempotency-Key).
type BatchFailure struct {
	ProcessID string `json:"process_id"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

// batchRemind reminds the assignees of every running process under the org, optionally only
// at one step or only where the step is overdue.
func (h *Handler) batchRemind(c *gin.Context) {
	var req BatchRemindRequest
	key, ok := h.batchStart(c, &req, &req.OrgID, &req.Reason)
	if !ok {
		return
	}
	if req.Step != "" && !slices.Contains(termgoal.GoalSteps, req.Step) {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "batch.step", "unknown step", "step", string(req.Step)))
		return
	}
	path, err := h.orgPath(c.Request.Context(), req.OrgID)
	if err != nil {
		h.fail(c, err)
		return
	}
	today := h.Today()
	reason := strings.TrimSpace(req.Reason)
	ids, errs, err := h.remindUnder(c, key, path, reason, func(p *termgoal.Process) bool {
		return (req.Step == "" || p.Step == req.Step) && (!req.OverdueOnly || overdue(p, today))
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.batchAnswer(c, "batch_remind", ids, errs, map[string]any{
		"org_id": req.OrgID, "step": string(req.Step), "overdue_only": req.OverdueOnly, "reason": reason})
}

// overdue reports whether p's current step was due before today.
func overdue(p *termgoal.Process, today time.Time) bool {
	return p.StepDueOn != nil && p.StepDueOn.Before(today)
}

// remindUnder reminds, with reason, the assignees of every running process under the org at
// path that match accepts (a batch remind, a campaign's laggards), under update IDs derived
// from key. It returns the processes it acted on and each one's error, for batchAnswer.
func (h *Handler) remindUnder(c *gin.Context, key, path, reason string, match func(*termgoal.Process) bool) ([]string, []error, error) {
	procs, _, err := h.store.Processes(c.Request.Context(), path, 0, 0)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for i := range procs {
		if procs[i].Status == "running" && match(&procs[i]) {
			ids = append(ids, procs[i].ID)
		}
	}
	errs := h.batch(c, workflows.UpdateRemind, key, ids, func() workflows.ActionInput {
		return &workflows.ReasonInput{Reason: reason}
	})
	return ids, errs, nil
}

// batchReassign moves every open task of account From in processes under the org to To.
func (h *Handler) batchReassign(c *gin.Context) {
	var req BatchReassignRequest
	key, ok := h.batchStart(c, &req, &req.OrgID, &req.Reason)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if req.From == 0 || req.To == 0 || req.From == req.To {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "batch.accounts", "name two different accounts: from and to"))
		return
	}
	for _, id := range []int64{req.From, req.To} {
		_, err := h.store.Account(ctx, id)
		if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
			err = termgoal.Errorf(termgoal.EINVALID, "batch.account_unknown", "no such account", "id", id)
		}
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	tasks, _, err := h.store.Inbox(ctx, postgres.InboxFilter{AccountID: req.From, Box: termgoal.BoxTodo, OrgID: req.OrgID})
	if err != nil {
		h.fail(c, err)
		return
	}
	var ids []string
	for _, t := range tasks {
		if !slices.Contains(ids, t.ProcessID) {
			ids = append(ids, t.ProcessID)
		}
	}
	reason := strings.TrimSpace(req.Reason)
	errs := h.batch(c, workflows.UpdateReassign, key, ids, func() workflows.ActionInput {
		return &workflows.ReassignInput{From: req.From, To: termgoal.Actor{AccountID: req.To}, Reason: reason}
	})
	h.batchAnswer(c, "batch_reassign", ids, errs, map[string]any{
		"org_id": req.OrgID, "from": req.From, "to": req.To, "reason": reason})
}

// batchStart decodes a batch request and checks what every batch needs: the caller
// administers the org (403 before anything about the body is revealed), a reason, and a
// well-formed Idempotency-Key. It returns the key, a random one when none was sent.
func (h *Handler) batchStart(c *gin.Context, req any, orgID *int64, reason *string) (string, bool) {
	if !h.bind(c, req) || !h.adminOfReferenced(c, *orgID, "batch.org_unknown") {
		return "", false
	}
	if strings.TrimSpace(*reason) == "" {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "batch.reason", "a batch operation needs a reason"))
		return "", false
	}
	key, err := headerKey(c)
	if err != nil {
		h.fail(c, err)
		return "", false
	}
	if key == "" {
		key = randomHex(16)
	}
	return key, true
}

// batchKey is the update ID of one process's action in a batch: the same batch key gives the
// same ID, so a batch sent again applies at most once per process, and the action's name in
// it keeps a remind and a reassign sent with one key apart.
func batchKey(key, action, processID string) string {
	return "batch/" + action + "/" + key + "/" + processID
}

// batch runs action on each process with a few in flight at once and returns each one's
// error (nil: applied), in the order of ids.
func (h *Handler) batch(c *gin.Context, action, key string, ids []string, input func() workflows.ActionInput) []error {
	ctx, actor := c.Request.Context(), Actor(c)
	errs := make([]error, len(ids))
	sem := make(chan struct{}, batchParallel)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, errs[i] = h.ops.Act(ctx, actor, id, action, batchKey(key, action, id), input())
		}()
	}
	wg.Wait()
	return errs
}

// batchAnswer audits the batch once with its counts and answers {"done","failed"}.
func (h *Handler) batchAnswer(c *gin.Context, action string, ids []string, errs []error, detail map[string]any) {
	res, err := h.batchOutcome(c, action, ids, errs, detail)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// batchOutcome counts a batch's outcome and audits the batch once with its counts. Failures
// are translated here, in the request's goroutine.
func (h *Handler) batchOutcome(c *gin.Context, action string, ids []string, errs []error, detail map[string]any) (BatchResult, error) {
	res := BatchResult{Failed: []BatchFailure{}}
	for i, err := range errs {
		if err == nil {
			res.Done++
			continue
		}
		code, _, msg := h.Problem(c, err)
		res.Failed = append(res.Failed, BatchFailure{ProcessID: ids[i], Code: code, Message: msg})
	}
	detail["matched"], detail["done"], detail["failed"] = len(ids), res.Done, len(res.Failed)
	return res, h.appendAudit(c, termgoal.Audit{Action: action, Detail: detail})
}
