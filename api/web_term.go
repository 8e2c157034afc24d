package api

// The term page (P1, P3): the term's facts, the plan in force today with its yearly targets,
// every plan version with the period it was in force, and the term's processes (its goal
// setting and its amendments). Reading it takes what reading the term through the API takes.

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
)

// termPageData is the term page.
type termPageData struct {
	Term      *termgoal.Term
	PersonID  int64  // the holder, for a person's term
	PostTitle string // empty when the term names no post
	Today     string
	Years     []int
	InForce   *termgoal.PlanVersion // nil before the goals came into force
	Versions  []termgoal.PlanVersion
	Processes []termgoal.Process
	MayAmend  bool // the goals are in force and the caller may ask to amend them
}

// pageTerm loads term :id for a page, with the checks of readableTerm.
func (h *Handler) pageTerm(c *gin.Context) (*termgoal.Term, string, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, "", errNotFound()
	}
	return h.termAccess(c.Request.Context(), Caller(c), id)
}

// webTerm shows term :id.
func (h *Handler) webTerm(c *gin.Context) {
	ctx := c.Request.Context()
	t, path, err := h.pageTerm(c)
	if err != nil {
		h.webFail(c, err)
		return
	}
	today := h.Today()
	d := termPageData{Term: t, Today: today.Format(time.DateOnly), Years: t.Years()}
	if t.PersonID != nil {
		d.PersonID = *t.PersonID
	}
	if t.PostID != nil {
		posts, err := h.store.Posts(ctx, t.OrgID)
		if err != nil {
			h.webFail(c, err)
			return
		}
		for _, p := range posts {
			if p.ID == *t.PostID {
				d.PostTitle = p.Title
			}
		}
	}
	d.InForce, err = h.store.PlanInForce(ctx, t.ID, endOfDay(today))
	if err != nil && !isNotFound(err) {
		h.webFail(c, err)
		return
	}
	if d.Versions, err = h.store.PlanVersions(ctx, t.ID); err != nil {
		h.webFail(c, err)
		return
	}
	if d.Processes, err = h.store.ProcessesOfTerm(ctx, t.ID); err != nil {
		h.webFail(c, err)
		return
	}
	d.MayAmend = t.Status == "goals_in_force" && h.mayAmend(Caller(c), t, path)
	p := h.newPage(c, "web.term_title")
	p.Title = t.HolderName + " · " + p.Title
	p.Data = d
	h.render(c, http.StatusOK, "term", p)
}

// webAmend starts an amendment from the term page and opens its process.
func (h *Handler) webAmend(c *gin.Context) {
	ctx := c.Request.Context()
	t, path, err := h.pageTerm(c)
	if err != nil {
		h.webFail(c, err)
		return
	}
	reason := c.PostForm("reason")
	pid, err := h.StartAmendment(ctx, Caller(c), Actor(c), t, path, reason)
	if err != nil {
		h.webFail(c, err)
		return
	}
	if err := h.appendAudit(c, termgoal.Audit{Action: "amendment_started", TermID: t.ID, ProcessID: pid, Detail: map[string]any{"reason": reason}}); err != nil {
		h.webFail(c, err)
		return
	}
	h.flash(c, T(c, "web.amendment_started", nil))
	c.Redirect(http.StatusSeeOther, "/processes/"+pid)
}
