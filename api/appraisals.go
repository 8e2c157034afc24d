package api

// Appraisals (P5, P6, P8): the list and the record of each appraisal with its named scoring
// sheets, the results in use, and starting one appraisal by hand. The appraisal workflow
// writes the records; an administrator starts one under its deterministic ID, the same one a
// campaign or the term's workflow would use, so it never runs twice.

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/postgres"
	"termgoal/start"
	"termgoal/workflows"
)

// AppraisalKinds are the appraisals an administrator starts by hand; a handover's appraisal
// starts with the handover.
var AppraisalKinds = []string{termgoal.AppraisalAnnual, termgoal.AppraisalTermEnd}

// ResultUses are the uses of archived results GET /results filters on, as the store names them.
var ResultUses = []string{"advanced", "promotion", "improve", "rectify", "measure"}

// AppraisalView is one appraisal: its record, its process and the named raters' sheets.
// Anonymous ballots keep no sheet, so nothing here names who cast them.
type AppraisalView struct {
	Appraisal *termgoal.AppraisalRecord `json:"appraisal"`
	Process   *termgoal.Process         `json:"process"`
	Sheets    []termgoal.ScoreSheet     `json:"sheets"`
}

// AppraisalRequest starts one appraisal of a term by hand.
type AppraisalRequest struct {
	TermID int64  `json:"term_id"`
	Kind   string `json:"kind"`
	Year   int    `json:"year"`
}

// intQuery reads an optional numeric query parameter (0 when absent); anything else is malformed.
func (h *Handler) intQuery(c *gin.Context, name string) (int, bool) {
	s := c.Query(name)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		h.fail(c, termgoal.Errorf(termgoal.EMALFORMED, "paging.not_number", name+" must be a number", "name", name))
		return 0, false
	}
	return n, true
}

// listAppraisals answers the appraisals in the caller's scope (or under ?org_id=), filtered by
// year, kind, grade and status, newest first.
func (h *Handler) listAppraisals(c *gin.Context) {
	year, ok := h.intQuery(c, "year")
	if !ok {
		return
	}
	f := postgres.AppraisalFilter{Year: year, Kind: c.Query("kind"), Grade: c.Query("grade"), Status: c.Query("status")}
	listScoped(h, c, func(ctx context.Context, root string, limit, offset int) ([]termgoal.AppraisalRecord, int, error) {
		f.OrgPath, f.Limit, f.Offset = root, limit, offset
		return h.store.Appraisals(ctx, f)
	})
}

// getAppraisal answers appraisal :process_id to whoever may read its process.
func (h *Handler) getAppraisal(c *gin.Context) {
	v, err := h.AppraisalView(c, c.Param("process_id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// AppraisalView loads appraisal id after checking the caller may read its process.
func (h *Handler) AppraisalView(c *gin.Context, id string) (*AppraisalView, error) {
	ctx := c.Request.Context()
	a, err := h.store.Appraisal(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := h.store.Process(ctx, id)
	if err != nil {
		return nil, err
	}
	if ok, err := h.canSeeProcess(ctx, Caller(c), p); err != nil || !ok {
		return nil, cmpErr(err, app.ErrForbidden())
	}
	v := &AppraisalView{Appraisal: a, Process: p}
	if v.Sheets, err = h.store.ScoreSheets(ctx, id); err != nil {
		return nil, err
	}
	if v.Sheets == nil {
		v.Sheets = []termgoal.ScoreSheet{}
	}
	return v, nil
}

// listResults answers the archived results in use (?use=), of ?year= under the caller's scope
// or ?org_id=.
func (h *Handler) listResults(c *gin.Context) {
	use := c.Query("use")
	if !slices.Contains(ResultUses, use) {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "appraisal.use", "use must be one of advanced, promotion, improve, rectify, measure", "use", use))
		return
	}
	year, ok := h.intQuery(c, "year")
	if !ok {
		return
	}
	listScoped(h, c, func(ctx context.Context, root string, limit, offset int) ([]termgoal.AppraisalRecord, int, error) {
		return h.store.ResultsInUse(ctx, root, year, use, limit, offset)
	})
}

// createAppraisal starts one appraisal of a term by hand (an administrator of the term's org).
func (h *Handler) createAppraisal(c *gin.Context) {
	var req AppraisalRequest
	if !h.bind(c, &req) {
		return
	}
	id, err := h.StartAppraisal(c, req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"process_id": id})
}

// StartAppraisal checks req and the caller's grant, starts the appraisal under its
// deterministic ID and audits it. An appraisal that exists already (started by hand, by a
// campaign or by the term's workflow) is a conflict.
func (h *Handler) StartAppraisal(c *gin.Context, req AppraisalRequest) (string, error) {
	ctx := c.Request.Context()
	t, err := h.store.Term(ctx, req.TermID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		err = termgoal.Errorf(termgoal.EINVALID, "appraisal.term_unknown", "the term does not exist")
	}
	if err != nil {
		return "", err
	}
	path, err := h.orgPath(ctx, t.OrgID)
	if err != nil {
		return "", err
	}
	if !isAdmin(Caller(c), path) {
		return "", app.ErrForbidden()
	}
	var id string
	switch req.Kind {
	case termgoal.AppraisalAnnual:
		if req.Year < t.Start.Year() || req.Year > t.End.Year() {
			return "", termgoal.Errorf(termgoal.EINVALID, "appraisal.year", "the year must fall within the term",
				"from", t.Start.Year(), "to", t.End.Year())
		}
		id = workflows.AppraisalID(t.ID, req.Year)
	case termgoal.AppraisalTermEnd:
		req.Year = t.End.Year()
		id = workflows.TermEndID(t.ID)
	default:
		return "", termgoal.Errorf(termgoal.EINVALID, "appraisal.kind", "kind must be annual_appraisal or term_end_appraisal", "kind", req.Kind)
	}
	if err := h.needPlanInForce(ctx, t.ID); err != nil {
		return "", err
	}
	in := workflows.AppraisalInput{TermID: t.ID, Kind: req.Kind, Year: req.Year, Initiator: Actor(c)}
	run := start.Run{ID: id, Queue: workflows.TaskQueue, Workflow: workflows.AppraisalWorkflowName, Input: in}
	if _, err := h.ops.Start(ctx, run, errAppraisalExists); err != nil {
		return "", err
	}
	return id, h.appendAudit(c, termgoal.Audit{Action: "appraisal_started", TermID: t.ID, ProcessID: id,
		Detail: map[string]any{"kind": req.Kind, "year": req.Year}})
}

// needPlanInForce refuses an appraisal of a term whose goals never came into force: the
// workflow would have nothing to appraise.
func (h *Handler) needPlanInForce(ctx context.Context, termID int64) error {
	versions, err := h.store.PlanVersions(ctx, termID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(versions, func(v termgoal.PlanVersion) bool { return v.InForceFrom != nil }) {
		return termgoal.Errorf(termgoal.ECONFLICT, "appraisal.no_plan", "the term has no plan in force to appraise")
	}
	return nil
}

func errAppraisalExists() error {
	return termgoal.Errorf(termgoal.ECONFLICT, "appraisal.already_started", "this appraisal has already been started")
}
