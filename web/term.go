package web

// The term page (P1, P3): the term's facts, the plan in force today with its yearly targets,
// every plan version with the period it was in force, and the term's processes (its goal
// setting and its amendments). Reading it takes what reading the term through the API takes.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
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

	// Following the term (term_follow.go): the progress reports with their lagging items
	// (titled from Items, the plan in force or the latest), and the administrator's forms.
	Progress       []termgoal.ProgressReport
	Items          []termgoal.PlanItem
	Admin          bool
	CanHandover    bool // a person's term
	AppraisalKinds []string
	Cycle          string // the kind of the template's period appraisals, if it has a cycle
	// Editable: an administrator may still change the term (it is registered), with these
	// templates and ways of appointment to choose from.
	Editable     bool
	Templates    []termgoal.Template
	Appointments []termgoal.Appointment
	// Archives are the term's bundles, for its administrators, when this server keeps them.
	Archives   []app.ArchiveInfo
	ArchivesOn bool
}

// pageTerm loads term :id for a page, with the checks of readableTerm.
func (h *Handler) pageTerm(c *gin.Context) (*termgoal.Term, string, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, "", edge.ErrNotFound()
	}
	return h.ops.TermAccess(c.Request.Context(), edge.Caller(c), id)
}

// webTerm shows term :id.
func (h *Handler) webTerm(c *gin.Context) {
	h.renderTerm(c, http.StatusOK, h.newPage(c, "web.term_title"))
}

// renderTerm shows term :id on page p with status.
func (h *Handler) renderTerm(c *gin.Context, status int, p *webPage) {
	ctx := c.Request.Context()
	t, path, err := h.pageTerm(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	today := h.ops.Today()
	d := termPageData{Term: t, Today: today.Format(time.DateOnly), Years: t.Years()}
	if t.PersonID != nil {
		d.PersonID = *t.PersonID
	}
	if d.PostTitle, err = h.postTitle(ctx, t); err != nil {
		h.Fail(c, err)
		return
	}
	d.InForce, err = h.store.PlanInForce(ctx, t.ID, app.EndOfDay(today))
	if err != nil && !isNotFound(err) {
		h.Fail(c, err)
		return
	}
	if d.Versions, err = h.store.PlanVersions(ctx, t.ID); err != nil {
		h.Fail(c, err)
		return
	}
	if d.Processes, err = h.store.ProcessesOfTerm(ctx, t.ID); err != nil {
		h.Fail(c, err)
		return
	}
	d.MayAmend = t.Status == "goals_in_force" && app.MayAmend(edge.Caller(c), t, path)
	if d.Progress, err = h.store.ProgressReports(ctx, t.ID); err != nil {
		h.Fail(c, err)
		return
	}
	switch {
	case d.InForce != nil:
		d.Items = d.InForce.Items
	case len(d.Versions) > 0:
		d.Items = d.Versions[0].Items
	}
	d.Admin = app.IsAdmin(edge.Caller(c), path)
	if d.Admin {
		d.Archives, err = h.ops.TermArchives(ctx, edge.Caller(c), t.ID)
		if d.ArchivesOn = err == nil; err != nil && termgoal.ErrorCode(err) != termgoal.EUNAVAILABLE {
			h.Fail(c, err)
			return
		}
	}
	d.CanHandover = d.Admin && t.HolderKind == termgoal.HolderPerson
	if d.Editable = d.Admin && t.Status == "registered" && t.ProcessID == ""; d.Editable {
		if d.Templates, err = h.store.Templates(ctx); err != nil {
			h.Fail(c, err)
			return
		}
		d.Appointments = []termgoal.Appointment{termgoal.Elected, termgoal.Appointed, termgoal.Contracted}
	}
	tpl, err := h.store.Template(ctx, t.TemplateID)
	if err != nil {
		h.Fail(c, err)
		return
	}
	d.AppraisalKinds = app.AppraisalKinds(tpl)
	d.Cycle = tpl.AppraisalConfig().CycleKind()
	p.Title = t.HolderName + " · " + p.Title
	p.Data = d
	h.render(c, status, "term", p)
}

// termForm runs an administrator's form of the term page: do applies it to the term; applied,
// the page again with msg; refused, the page again with the reason and what was sent.
func (h *Handler) termForm(c *gin.Context, do func(t *termgoal.Term, form url.Values) (string, error)) {
	t, path, err := h.pageTerm(c)
	if err == nil && !app.IsAdmin(edge.Caller(c), path) {
		err = app.ErrForbidden()
	}
	if err != nil {
		h.Fail(c, err)
		return
	}
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	msg, err := do(t, form)
	if err != nil {
		h.refuseForm(c, form, err, "web.term_title", func(status int, p *webPage) { h.renderTerm(c, status, p) })
		return
	}
	h.flash(c, msg)
	c.Redirect(http.StatusSeeOther, "/terms/"+strconv.FormatInt(t.ID, 10))
}

// webFollowTerm starts the term's workflow from the term page.
func (h *Handler) webFollowTerm(c *gin.Context) {
	h.termForm(c, func(t *termgoal.Term, _ url.Values) (string, error) {
		_, err := h.ops.FollowTerm(c.Request.Context(), edge.Caller(c), edge.Actor(c), t)
		return edge.T(c, "web.term_followed", nil), err
	})
}

// webHandover hands the term over from the term page.
func (h *Handler) webHandover(c *gin.Context) {
	h.termForm(c, func(t *termgoal.Term, form url.Values) (string, error) {
		key, err := formKey(form)
		if err != nil {
			return "", err
		}
		to, err := h.ops.ResolvePerson(c.Request.Context(), form.Get("to_person"))
		if err != nil {
			return "", err
		}
		_, err = h.ops.Handover(c.Request.Context(), edge.Caller(c), edge.Actor(c), t, app.HandoverRequest{ToPersonID: to, On: form.Get("on"), Reason: form.Get("reason")}, key)
		return edge.T(c, "web.handed_over", nil), err
	})
}

// webStartAppraisal starts an appraisal from the term page.
func (h *Handler) webStartAppraisal(c *gin.Context) {
	h.termForm(c, func(t *termgoal.Term, form url.Values) (string, error) {
		year, _ := strconv.Atoi(strings.TrimSpace(form.Get("year")))
		_, err := h.ops.StartAppraisal(c.Request.Context(), edge.Caller(c), edge.Actor(c), app.AppraisalRequest{TermID: t.ID, Kind: form.Get("kind"), Year: year,
			Period: strings.TrimSpace(form.Get("period"))})
		return edge.T(c, "web.appraisal_started", nil), err
	})
}

// webAmend starts an amendment from the term page and opens its process.
func (h *Handler) webAmend(c *gin.Context) {
	ctx := c.Request.Context()
	t, _, err := h.pageTerm(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	pid, err := h.ops.StartAmendment(ctx, edge.Caller(c), edge.Actor(c), t, c.PostForm("reason"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	h.flash(c, edge.T(c, "web.amendment_started", nil))
	c.Redirect(http.StatusSeeOther, "/processes/"+pid)
}

// webEditTerm changes a registered term's appointment, dates and template (app.EditTerm).
func (h *Handler) webEditTerm(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	t, _, err := h.pageTerm(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	day := func(name string) time.Time {
		d, _ := time.Parse(time.DateOnly, strings.TrimSpace(form.Get(name)))
		return d
	}
	edited := *t
	edited.Appointment, edited.Start, edited.End = termgoal.Appointment(form.Get("appointment")), day("start"), day("end")
	if id, err := strconv.ParseInt(form.Get("template_id"), 10, 64); err == nil {
		edited.TemplateID = id
	}
	if err := h.ops.EditTerm(c.Request.Context(), edge.Caller(c), edge.Actor(c), &edited); err != nil {
		h.refuseForm(c, form, err, "web.term_title", func(status int, p *webPage) { h.renderTerm(c, status, p) })
		return
	}
	h.flash(c, edge.T(c, "web.term_updated", nil))
	c.Redirect(http.StatusSeeOther, "/terms/"+strconv.FormatInt(t.ID, 10))
}

// postTitle is the title of term t's post, "" for an org's term or one without a post.
func (h *Handler) postTitle(ctx context.Context, t *termgoal.Term) (string, error) {
	if t.PostID == nil {
		return "", nil
	}
	post, err := h.store.Post(ctx, *t.PostID)
	if err != nil {
		return "", err
	}
	return post.Title, nil
}
