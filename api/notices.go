package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
)

// Notices are public (P9): anyone may read an open notice and the plan it publishes, and file
// an objection (actions.go). Objections are shown without their authors' ids, and anonymous
// ones without a name.

func (h *Handler) listNotices(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	ns, total, err := h.store.Notices(c.Request.Context(), "open", limit, offset)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, ns, total)
}

// NoticeView is a public notice with the plan it publishes, or for an appraisal the result
// it publishes (with the plan it was appraised on), or for a mid-year self-check the report.
type NoticeView struct {
	Notice     *termgoal.Notice         `json:"notice"`
	Items      []termgoal.PlanItem      `json:"items"`
	Objections []termgoal.Objection     `json:"objections"`
	Result     *NoticeResult            `json:"result,omitempty"`
	Report     *termgoal.ProgressReport `json:"report,omitempty"` // a mid-year self-check made public
	Plan       *termgoal.PlanVersion    `json:"-"`
}

// NoticeResult is what an appraisal's notice makes public: the period, the score and the
// grade, and why the grade differs from the computed one. Sheets, ballots and the
// self-assessment stay inside.
type NoticeResult struct {
	Kind       string    `json:"kind"`
	Year       int       `json:"year"`
	PeriodFrom time.Time `json:"period_from"`
	PeriodTo   time.Time `json:"period_to"`
	Score      float64   `json:"score"`
	Grade      string    `json:"grade"`
	Reason     string    `json:"override_reason,omitempty"`
}

func (h *Handler) getNotice(c *gin.Context) {
	v, err := h.NoticeView(c, c.Param("process_id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// NoticeView loads the latest notice of a process for the public.
func (h *Handler) NoticeView(c *gin.Context, processID string) (*NoticeView, error) {
	ctx := c.Request.Context()
	n, err := h.store.Notice(ctx, processID)
	if err != nil {
		return nil, err
	}
	plan, err := h.store.PlanVersion(ctx, n.TermID, n.Version)
	if err != nil {
		return nil, err
	}
	objs, err := h.store.Objections(ctx, processID)
	if err != nil {
		return nil, err
	}
	for i := range objs {
		objs[i].AuthorID = 0
		if objs[i].Anonymous {
			objs[i].AuthorName = ""
		}
	}
	if objs == nil {
		objs = []termgoal.Objection{}
	}
	v := &NoticeView{Notice: n, Items: plan.Items, Objections: objs, Plan: plan}
	if n.Kind == termgoal.ProgressMidYear {
		r, err := h.store.ProgressReport(ctx, processID)
		switch {
		case err == nil:
			v.Report = r
		case !isNotFound(err):
			return nil, err
		}
	}
	if termgoal.IsAppraisal(n.Kind) {
		rec, err := h.store.Appraisal(ctx, processID)
		if err != nil {
			return nil, err
		}
		if r := rec.Result; r != nil {
			v.Result = &NoticeResult{Kind: rec.Kind, Year: rec.Year, PeriodFrom: rec.PeriodFrom, PeriodTo: rec.PeriodTo, Score: r.Score, Grade: r.Grade, Reason: r.Reason}
		}
	}
	return v, nil
}
