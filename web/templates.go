package web

// The templates pages (A5): the list, and one template with its settings, the form that saves
// them as a new version (an administrator of a root org), every saved version, and what
// differs between two of them. They go through app/templates.go. The form edits a copy of the
// current version: settings it does not show (decision modes, the appraisal's own step days)
// keep their values.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// templateExtraRows is how many empty rows the form adds to the rater groups and to the
// weights by category, for a new one without JavaScript.
const templateExtraRows = 2

// templatesData is the list page.
type templatesData struct {
	Items   []termgoal.Template
	CanEdit bool
}

// templateData is one template's page.
type templateData struct {
	Template termgoal.Template
	// Appraisal is the template's appraisal settings, the default when it sets none.
	Appraisal termgoal.AppraisalConfig
	Groups    []termgoal.RaterConfig // the rater groups and empty rows
	Parts     []termgoal.Component   // the weights by category and empty rows
	Versions  []postgres.TemplateVersion
	Compare   *app.TemplateComparison
	CanEdit   bool
	New       bool
	// The choices of the form.
	OrgTypes []termgoal.OrgType
	Steps    []termgoal.Step
	Scales   []termgoal.Scale
	Roles    []termgoal.Role
	Actions  []string
	Cycles   []string
}

func (h *Handler) webTemplates(c *gin.Context) {
	ts, err := h.store.Templates(c.Request.Context())
	if err != nil {
		h.Fail(c, err)
		return
	}
	p := h.newPage(c, "web.templates_title")
	p.Data = templatesData{Items: ts, CanEdit: app.IsRootAdmin(edge.Caller(c))}
	h.render(c, http.StatusOK, "templates", p)
}

// webTemplate shows template :id ("new": an empty one to create) with ?from=&to= versions
// compared (by default the current one against the one before).
func (h *Handler) webTemplate(c *gin.Context) {
	t, err := h.templateOf(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	h.renderTemplate(c, http.StatusOK, h.newPage(c, "web.template_title"), t)
}

// templateOf loads template :id, or for "new" an empty one with the usual notice and deadline.
func (h *Handler) templateOf(c *gin.Context) (*termgoal.Template, error) {
	if c.Param("id") == "new" {
		return &termgoal.Template{NoticeDays: 5, DeadlineMonths: 2}, nil
	}
	id, err := edge.ParseID(c.Param("id"))
	if err != nil {
		return nil, err
	}
	return h.store.Template(c.Request.Context(), id)
}

func (h *Handler) renderTemplate(c *gin.Context, status int, p *webPage, t *termgoal.Template) {
	ctx := c.Request.Context()
	d := templateData{Template: *t, Appraisal: t.AppraisalConfig(), CanEdit: app.IsRootAdmin(edge.Caller(c)), New: t.ID == 0,
		OrgTypes: termgoal.OrgTypes, Steps: termgoal.GoalSteps, Scales: templateScales,
		Roles: termgoal.Roles, Actions: []string{"", "approve", "reject", "return"}, Cycles: termgoal.Cycles}
	d.Groups = append(append(d.Groups, d.Appraisal.Groups...), make([]termgoal.RaterConfig, templateExtraRows)...)
	d.Parts = append(append(d.Parts, d.Appraisal.Components...), make([]termgoal.Component, templateExtraRows)...)
	if !d.New {
		var err error
		if d.Versions, err = h.ops.TemplateVersions(ctx, t.ID); err != nil {
			h.Fail(c, err)
			return
		}
		from, _ := strconv.Atoi(c.Query("from"))
		to, _ := strconv.Atoi(c.Query("to"))
		if len(d.Versions) > 1 || from != 0 {
			if d.Compare, err = h.ops.CompareTemplateVersions(ctx, t.ID, from, to); err != nil {
				h.Fail(c, err)
				return
			}
		}
	}
	p.Data = d
	h.render(c, status, "template", p)
}

// webSaveTemplate saves the form as a new version of template :id, or creates one ("new").
func (h *Handler) webSaveTemplate(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	t, err := h.templateOf(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	edited, err := templateFromForm(*t, form)
	if err == nil {
		err = h.ops.SaveTemplate(c.Request.Context(), edge.Caller(c), edge.Actor(c), &edited)
	}
	if err != nil {
		// The form comes back with what was typed.
		h.refuseForm(c, form, err, "web.template_title", func(status int, p *webPage) { h.renderTemplate(c, status, p, &edited) })
		return
	}
	h.flash(c, edge.T(c, "web.template_saved", map[string]any{"version": edited.Version}))
	c.Redirect(http.StatusSeeOther, "/templates/"+strconv.FormatInt(edited.ID, 10))
}

// templateFromForm is t with the settings of the template form.
func templateFromForm(t termgoal.Template, form url.Values) (termgoal.Template, error) {
	var bad error
	num := func(name string) float64 {
		v := strings.TrimSpace(form.Get(name))
		if v == "" {
			return 0
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil && bad == nil {
			bad = termgoal.Errorf(termgoal.EINVALID, "template.number", "not a number: "+v, "field", name, "value", v)
		}
		return f
	}
	whole := func(name string) int { return int(num(name)) }
	lines := func(name string) []string {
		var out []string
		for _, l := range strings.Split(form.Get(name), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	on := func(name string) bool { return form.Get(name) == "on" }

	t.Name = strings.TrimSpace(form.Get("name"))
	t.OrgType = termgoal.OrgType(form.Get("org_type"))
	t.Consultation, t.ExpertReview, t.Congress = on("consultation"), on("expert_review"), on("congress")
	t.NoticeDays, t.DeadlineMonths, t.WithdrawHours = whole("notice_days"), whole("deadline_months"), whole("withdraw_hours")
	t.StepDays = map[termgoal.Step]int{}
	for _, s := range termgoal.GoalSteps {
		if d := whole("step_days." + string(s)); d != 0 {
			t.StepDays[s] = d
		}
	}
	t.Categories = lines("categories")
	t.Reminders = termgoal.ReminderPolicy{BeforeDays: whole("before_days"), AtDue: on("at_due"), RepeatDays: whole("repeat_days"),
		EscalateDays: whole("escalate_days"), TimeoutDays: whole("timeout_days"), TimeoutAction: form.Get("timeout_action")}

	a := t.AppraisalConfig()
	for _, s := range templateScales {
		if s.ID == form.Get("scale") {
			a.Scale = s
		}
	}
	a.Groups = nil
	for i, key := range form["group_key"] {
		if key = strings.TrimSpace(key); key == "" {
			continue
		}
		n := strconv.Itoa(i)
		a.Groups = append(a.Groups, termgoal.RaterConfig{Key: key, Weight: num("group_weight." + n),
			Role: termgoal.Role(form.Get("group_role." + n)), Above: on("group_above." + n), Ballots: on("group_ballots." + n)})
	}
	a.Components = nil
	for i, key := range form["part_key"] {
		if key = strings.TrimSpace(key); key != "" {
			a.Components = append(a.Components, termgoal.Component{Key: key, Weight: num("part_weight." + strconv.Itoa(i))})
		}
	}
	a.TopQuota, a.AdjustLimit = num("top_quota")/100, num("adjust_limit")
	a.VetoItems = lines("veto_items")
	a.NoticeDays, a.AppealDays = whole("appraisal_notice_days"), whole("appeal_days")
	a.StartMonth, a.TermEndMonths = whole("start_month"), whole("term_end_months") // empty: the org type's (app.SaveTemplate)
	a.ImproveMonths, a.RectifyDays = whole("improve_months"), whole("rectify_days")
	a.Cycle, a.Sales = form.Get("cycle"), on("sales")
	t.Appraisal = &a
	return t, bad
}
