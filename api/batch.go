package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// The JSON handlers of batch administration (A3; app.Service.BatchRemind, BatchReassign and
// RemindCampaign).

// BatchResult answers a batch: how many processes took the action, and why the others did not.
type BatchResult struct {
	Done   int            `json:"done"`
	Failed []BatchFailure `json:"failed"`
}

// BatchStarted answers a batch over more than app.BackgroundOver processes: it runs in the
// background, and Status (GET) follows its progress.
type BatchStarted struct {
	BatchID string `json:"batch_id"`
	Total   int    `json:"total"`
	Status  string `json:"status"`
}

// getBatch answers a batch running in the background with its progress, to the one who
// started it or a root administrator.
func (h *Handler) getBatch(c *gin.Context) {
	b, err := h.ops.BatchRun(c.Request.Context(), edge.Caller(c), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
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
	var req app.BatchRemindRequest
	if key, ok := h.batchRequest(c, &req); ok {
		b, err := h.ops.BatchRemind(c.Request.Context(), edge.Caller(c), edge.Actor(c), req, key)
		h.batchAnswer(c, b, err)
	}
}

// batchReassign moves every open task of account From in processes under the org to To.
func (h *Handler) batchReassign(c *gin.Context) {
	var req app.BatchReassignRequest
	if key, ok := h.batchRequest(c, &req); ok {
		b, err := h.ops.BatchReassign(c.Request.Context(), edge.Caller(c), edge.Actor(c), req, key)
		h.batchAnswer(c, b, err)
	}
}

// BatchOverRequest acts on every running process the process list's filters match (A2).
type BatchOverRequest struct {
	Holder  string        `json:"holder,omitempty"`
	Kind    string        `json:"kind,omitempty"`
	Step    termgoal.Step `json:"step,omitempty"`
	Overdue bool          `json:"overdue,omitempty"`
	// DueWithin keeps the processes whose step is due within so many days.
	DueWithin int `json:"due_within,omitempty"`
	// IDs, when given, keeps only these of the processes the filters match (a selection).
	IDs    []string `json:"ids,omitempty" limit:"10000"`
	Action string   `json:"action"` // remind, extend_deadline or reassign
	// From and To: reassign moves the open tasks of account From to account To.
	From   int64  `json:"from,omitempty"`
	To     int64  `json:"to,omitempty"`
	Days   int    `json:"days,omitempty"`
	Reason string `json:"reason"`
}

// batchOver reminds, or extends the step deadline of, every running process the filters
// match in the orgs the caller administers (app.Service.BatchOver).
func (h *Handler) batchOver(c *gin.Context) {
	var req BatchOverRequest
	if key, ok := h.batchRequest(c, &req); ok {
		f := postgres.ProcessFilter{Holder: strings.TrimSpace(req.Holder), Kind: req.Kind, Step: req.Step, Overdue: req.Overdue, DueWithinDays: req.DueWithin}
		b, err := h.ops.BatchOver(c.Request.Context(), edge.Caller(c), edge.Actor(c), app.BatchOverInput{Filter: f, Selected: req.IDs,
			Action: req.Action, Days: req.Days, From: req.From, To: req.To, Reason: req.Reason}, key)
		if err == nil && b.Background != "" {
			c.JSON(http.StatusAccepted, BatchStarted{BatchID: b.Background, Total: len(b.IDs), Status: "/api/v1/batches/" + b.Background})
			return
		}
		h.batchAnswer(c, b, err)
	}
}

// batchRequest decodes a batch request and its Idempotency-Key.
func (h *Handler) batchRequest(c *gin.Context, req any) (string, bool) {
	if !h.bind(c, req) {
		return "", false
	}
	key, err := headerKey(c)
	if err != nil {
		h.fail(c, err)
		return "", false
	}
	return key, true
}

// batchResult translates each failure of b in the caller's language.
func (h *Handler) batchResult(c *gin.Context, b app.Batch) BatchResult {
	res := BatchResult{Failed: []BatchFailure{}}
	for i, err := range b.Errs {
		if err == nil {
			res.Done++
			continue
		}
		code, _, msg := edge.Problem(c, h.log, err)
		res.Failed = append(res.Failed, BatchFailure{ProcessID: b.IDs[i], Code: code, Message: msg})
	}
	return res
}

// batchAnswer answers a batch with {"done","failed"}, or its refusal.
func (h *Handler) batchAnswer(c *gin.Context, b app.Batch, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.batchResult(c, b))
}
