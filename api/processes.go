package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/postgres"
)

// listProcesses answers the processes in the caller's scope, or under ?org_id=.
func (h *Handler) listProcesses(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	roots, ok := h.listScope(c)
	if !ok {
		return
	}
	items, total, err := pagedAcross(roots, limit, offset, func(root string, l, o int) ([]termgoal.Process, int, error) {
		return h.store.Processes(c.Request.Context(), root, l, o)
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// ProcessView is everything the process page shows (A2).
type ProcessView struct {
	Process      *termgoal.Process      `json:"process"`
	Term         *termgoal.Term         `json:"term"`
	PlanVersions []termgoal.PlanVersion `json:"plan_versions"`
	Steps        []termgoal.StepRecord  `json:"steps"`
	Opinions     []termgoal.Opinion     `json:"opinions"`
	Reviews      []termgoal.Review      `json:"reviews"`
	Votes        []termgoal.Vote        `json:"votes"`
	Notice       *termgoal.Notice       `json:"notice,omitempty"`
	Objections   []termgoal.Objection   `json:"objections"`
	OpenTasks    []termgoal.Task        `json:"open_tasks"`
	Attachments  []postgres.Attachment  `json:"attachments"` // without their bytes
	TemporalURL  string                 `json:"temporal_url,omitempty"`
}

func (h *Handler) getProcess(c *gin.Context) {
	ctx, acc := c.Request.Context(), Caller(c)
	p, err := h.store.Process(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if ok, err := h.canSeeProcess(ctx, acc, p); err != nil || !ok {
		h.fail(c, cmpErr(err, errForbidden()))
		return
	}
	v, err := h.ProcessView(ctx, p)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// ProcessView loads the read model of process p for its page. The caller has checked access.
func (h *Handler) ProcessView(ctx context.Context, p *termgoal.Process) (*ProcessView, error) {
	v := &ProcessView{Process: p}
	var err error
	if v.Term, err = h.store.Term(ctx, p.TermID); err != nil {
		return nil, err
	}
	if v.PlanVersions, err = h.store.PlanVersions(ctx, p.TermID); err != nil {
		return nil, err
	}
	if v.Steps, err = h.store.StepRecords(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.Opinions, err = h.store.Opinions(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.Reviews, err = h.store.Reviews(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.Votes, err = h.store.Votes(ctx, p.ID); err != nil {
		return nil, err
	}
	n, err := h.store.Notice(ctx, p.ID)
	switch termgoal.ErrorCode(err) {
	case "":
		v.Notice = n
	case termgoal.ENOTFOUND:
	default:
		return nil, err
	}
	if v.Objections, err = h.store.Objections(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.OpenTasks, err = h.store.OpenTasks(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.Attachments, _, err = h.store.Attachments(ctx, p.ID, 0, 0); err != nil {
		return nil, err
	}
	if h.cfg.TemporalUIURL != "" {
		v.TemporalURL = strings.TrimRight(h.cfg.TemporalUIURL, "/") + "/namespaces/default/workflows/" + p.ID
	}
	return v, nil
}

// cmpErr returns err when it is set, else fallback.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
