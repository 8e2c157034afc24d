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
	"termgoal/edge"
)

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
	f, _, err := app.AppraisalQuery(c.Request.URL.Query())
	if err != nil {
		h.fail(c, err)
		return
	}
	listScoped(h, c, func(ctx context.Context, root string, limit, offset int) ([]termgoal.AppraisalRecord, int, error) {
		f.OrgPath, f.Limit, f.Offset = root, limit, offset
		return h.store.Appraisals(ctx, f)
	})
}

// getAppraisal answers appraisal :process_id to whoever may read its process.
func (h *Handler) getAppraisal(c *gin.Context) {
	v, err := h.ops.AppraisalView(c.Request.Context(), edge.Caller(c), c.Param("process_id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// listResults answers the archived results in use (?use=), of ?year= under the caller's scope
// or ?org_id=.
func (h *Handler) listResults(c *gin.Context) {
	use := c.Query("use")
	if !slices.Contains(app.ResultUses, use) {
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
	var req app.AppraisalRequest
	if !h.bind(c, &req) {
		return
	}
	id, err := h.ops.StartAppraisal(c.Request.Context(), edge.Caller(c), edge.Actor(c), req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"process_id": id})
}
