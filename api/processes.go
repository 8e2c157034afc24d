package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/postgres"
)

// listProcesses answers the processes in the caller's scope, or under ?org_id=.
func (h *Handler) listProcesses(c *gin.Context) { listScoped(h, c, h.store.Processes) }

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

// processOf loads the process of the path's :id and checks the caller may see it.
func (h *Handler) processOf(c *gin.Context) (*termgoal.Process, error) {
	ctx := c.Request.Context()
	p, err := h.store.Process(ctx, c.Param("id"))
	if err != nil {
		return nil, err
	}
	if ok, err := h.canSeeProcess(ctx, Caller(c), p); err != nil || !ok {
		return nil, cmpErr(err, app.ErrForbidden())
	}
	return p, nil
}

// visibleProcess is processOf for the JSON API: a refusal is answered.
func (h *Handler) visibleProcess(c *gin.Context) (*termgoal.Process, bool) {
	p, err := h.processOf(c)
	if err != nil {
		h.fail(c, err)
	}
	return p, err == nil
}

func (h *Handler) getProcess(c *gin.Context) {
	p, ok := h.visibleProcess(c)
	if !ok {
		return
	}
	v, err := h.ProcessView(c.Request.Context(), p)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// ProcessView loads the read model of process p for its page. The caller has checked access.
func (h *Handler) ProcessView(ctx context.Context, p *termgoal.Process) (*ProcessView, error) {
	v := &ProcessView{Process: p}
	err := h.ops.CheckHalted(ctx, p)
	if err != nil {
		return nil, err
	}
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
