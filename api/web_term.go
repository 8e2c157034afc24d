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
}

// termOf loads term :id and checks the caller may read it: the checks of readableTerm, with
// the refusal returned for a page to show.
func (h *Handler) termOf(c *gin.Context) (*termgoal.Term, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, errNotFound()
	}
	t, _, err := h.termAccess(c.Request.Context(), Caller(c), id)
	return t, err
}

// webTerm shows term :id.
func (h *Handler) webTerm(c *gin.Context) {
	t, err := h.termOf(c)
	if err != nil {
		h.webFail(c, err)
		return
	}
	ctx := c.Request.Context()
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
	p := h.newPage(c, "web.term_title")
	p.Title = t.HolderName + " · " + p.Title
	p.Data = d
	h.render(c, http.StatusOK, "term", p)
}
