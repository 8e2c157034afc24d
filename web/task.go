package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/postgres"
	"termgoal/workflows"
)

// blankRows is how many empty rows the plan editor offers below the items.
const blankRows = 3

// maxRows bounds the rows a plan editor may send.
const maxRows = 200

// editorRow is one row of the plan editor.
type editorRow struct {
	N            int // 1-based, shown
	Index        int // 0-based, in field names
	Category     string
	Title        string
	Description  string
	Quantitative bool
	Unit         string
	Targets      []yearTarget
	Weight       string
	Owner        string
	Evidence     string
	Errors       map[string]string // a refusal beside the field it is about
}

// yearTarget is one year's target in an editor row.
type yearTarget struct {
	Year  int
	Value string
}

// taskData is the task page: the task, its process and what its forms need.
type taskData struct {
	Task         *termgoal.Task
	Form         string             // the form its kind shows (workflows.TaskKind)
	Rule         workflows.StepRule // its step's rules: who acts, the window
	Process      *termgoal.Process
	Term         *termgoal.Term
	Years        []int
	Categories   []string
	Plan         *termgoal.PlanVersion // the latest version
	Rows         []editorRow
	DraftSaved   time.Time // when the editor's rows were last kept on the server
	ToRevise     []int     // the adopted opinions no plan version has taken in yet (the answer task)
	Opinions     []termgoal.Opinion
	Objections   []termgoal.Objection // not yet resolved
	CanAct       bool                 // the caller is the assignee and the task is open
	Choices      []termgoal.Choice
	Dispositions []termgoal.Disposition
	Pledges      []string
	Ops          taskOpsData // the panel of operations beside the step's own form (T3)
	Context      decisionContext
	Appraisal    *appraisalTask // the forms of appraisals and reports
}

// decisionContext is what a decision needs to see (issue 25): what a goal setting's steps
// collected (app.Deliberation) with the committee's count, and the process's attachments.
type decisionContext struct {
	Process *termgoal.Process
	app.Deliberation
	Tally            *termgoal.Tally
	Attachments      []postgres.Attachment
	AttachmentsTotal int
}

// decisionContext loads the context of a decision on process p, whose current step's signers
// are signers.
func (h *Handler) decisionContext(ctx context.Context, p *termgoal.Process, signers []signerView) (decisionContext, error) {
	d := decisionContext{Process: p}
	var err error
	if d.Attachments, d.AttachmentsTotal, err = h.store.Attachments(ctx, p.ID, maxPageAttachments, 0); err != nil || termgoal.IsAppraisal(p.Kind) {
		return d, err
	}
	if d.Deliberation, err = h.ops.Deliberation(ctx, p.ID); err != nil {
		return d, err
	}
	d.Tally = tallyOf(p, d.Votes, signers)
	return d, nil
}

// loadTask loads a task the caller may see: their own, or any in an org they administer.
func (h *Handler) loadTask(c *gin.Context) (*termgoal.Task, bool) {
	t, err := h.ops.Task(c.Request.Context(), edge.Caller(c), c.Param("id"))
	if err != nil {
		h.Fail(c, err)
		return nil, false
	}
	return t, true
}

// webTask shows a task with the forms its step needs.
func (h *Handler) webTask(c *gin.Context) {
	t, ok := h.loadTask(c)
	if !ok {
		return
	}
	h.renderTask(c, http.StatusOK, t, h.newPage(c, "web.task_title"))
}

func (h *Handler) renderTask(c *gin.Context, status int, t *termgoal.Task, p *webPage) {
	ctx := c.Request.Context()
	d := taskData{Task: t, Form: workflows.TaskKindOf(t.Kind).FormName(), Rule: workflows.StepRuleOf(t.Step), CanAct: t.Status == termgoal.TaskOpen && t.AccountID == edge.Caller(c).ID,
		Choices:      []termgoal.Choice{termgoal.VoteFor, termgoal.VoteAgainst, termgoal.VoteAbstain, termgoal.VoteRecuse},
		Dispositions: []termgoal.Disposition{termgoal.Adopted, termgoal.PartlyAdopted, termgoal.NotAdopted},
		Pledges:      termgoal.Pledges}
	var err error
	if d.Process, err = h.store.Process(ctx, t.ProcessID); err != nil {
		h.Fail(c, err)
		return
	}
	if d.Term, err = h.store.Term(ctx, t.TermID); err != nil {
		h.Fail(c, err)
		return
	}
	d.Years = d.Term.Years()
	versions, err := h.store.PlanVersions(ctx, t.TermID)
	if err != nil {
		h.Fail(c, err)
		return
	}
	if len(versions) > 0 {
		d.Plan = &versions[0]
	}
	switch d.Form { // what the form needs
	case workflows.TaskDraft:
		if err := h.loadEditor(c, t, p, &d); err != nil {
			h.Fail(c, err)
			return
		}
	case workflows.TaskAnswer:
		if d.Opinions, err = h.store.Opinions(ctx, t.ProcessID); err != nil {
			h.Fail(c, err)
			return
		}
		// An adopted opinion waits for a revision: the editor starts from the latest version.
		if d.ToRevise = termgoal.ToRevise(d.Opinions); len(d.ToRevise) > 0 {
			if err := h.loadEditor(c, t, p, &d); err != nil {
				h.Fail(c, err)
				return
			}
		}
	case workflows.TaskResolve:
		objs, err := h.store.Objections(ctx, t.ProcessID)
		if err != nil {
			h.Fail(c, err)
			return
		}
		for _, o := range objs {
			if o.Resolution == "" {
				if o.Anonymous {
					o.AuthorName = ""
				}
				d.Objections = append(d.Objections, o)
			}
		}
	}
	if d.Ops, err = h.taskOps(ctx, edge.Caller(c), t, d.Process, d.Term); err != nil {
		h.Fail(c, err)
		return
	}
	if d.Context, err = h.decisionContext(ctx, d.Process, d.Ops.Signers); err != nil {
		h.Fail(c, err)
		return
	}
	switch d.Form { // their forms list these already
	case workflows.TaskAnswer:
		d.Context.Opinions = nil
	case workflows.TaskResolve:
		d.Context.Objections = nil
	}
	if d.Appraisal, err = h.appraisalTaskData(ctx, p.Lang, d.Form, t, d.Process, d.Term); err != nil {
		h.Fail(c, err)
		return
	}
	p.Title = p.T("web.task_title", "kind", p.TV("task_kinds.", t.Kind))
	p.Data = d
	h.render(c, status, "task", p)
}

// loadEditor fills the plan editor of task t: the categories, and the rows as the refused
// form sent them, else as saved, else the latest version's items with blank rows below.
func (h *Handler) loadEditor(c *gin.Context, t *termgoal.Task, p *webPage, d *taskData) error {
	ctx := c.Request.Context()
	tpl, err := h.store.Template(ctx, d.Term.TemplateID)
	if err != nil {
		return err
	}
	d.Categories = tpl.Categories
	saved, at, err := h.store.Draft(ctx, t.ID, edge.Caller(c).ID)
	switch {
	case err != nil && termgoal.ErrorCode(err) != termgoal.ENOTFOUND:
		return err
	case err == nil:
		d.DraftSaved = at
		if p.Form.Get("rows") == "" { // not the editor's own form sent back
			p.Form = saved
		}
	}
	if p.Form.Get("rows") != "" {
		d.Rows = rowsFromForm(p.Form, d.Years)
		if e := asError(p.Err); e != nil {
			markError(d.Rows, e, p.Error)
		}
		return nil
	}
	var items []termgoal.PlanItem
	if d.Plan != nil {
		items = d.Plan.Items
	}
	d.Rows = rowsFromItems(items, d.Years, blankRows)
	return nil
}

// rowsFromItems builds the editor rows of a plan, with extra blank rows below.
func rowsFromItems(items []termgoal.PlanItem, years []int, blank int) []editorRow {
	rows := make([]editorRow, 0, len(items)+blank)
	for i, it := range items {
		r := editorRow{N: i + 1, Index: i, Category: it.Category, Title: it.Title, Description: it.Description,
			Quantitative: it.Quantitative, Unit: it.Unit, Weight: fmt.Sprintf("%g", it.Weight), Owner: it.Owner, Evidence: it.Evidence}
		for _, y := range years {
			r.Targets = append(r.Targets, yearTarget{Year: y, Value: it.Targets[strconv.Itoa(y)]})
		}
		rows = append(rows, r)
	}
	for i := len(items); i < len(items)+blank; i++ {
		r := editorRow{N: i + 1, Index: i}
		for _, y := range years {
			r.Targets = append(r.Targets, yearTarget{Year: y})
		}
		rows = append(rows, r)
	}
	return rows
}

// rowsFromForm reads the plan editor's rows as sent, blank ones included.
func rowsFromForm(form url.Values, years []int) []editorRow {
	n, _ := strconv.Atoi(form.Get("rows"))
	n = min(max(n, 0), maxRows)
	rows := make([]editorRow, n)
	for i := range n {
		f := func(name string) string { return strings.TrimSpace(form.Get(fmt.Sprintf("%s_%d", name, i))) }
		r := editorRow{N: i + 1, Index: i, Category: f("category"), Title: f("title"), Description: f("description"),
			Quantitative: f("quantitative") != "", Unit: f("unit"), Weight: f("weight"), Owner: f("owner"), Evidence: f("evidence")}
		for _, y := range years {
			r.Targets = append(r.Targets, yearTarget{Year: y, Value: f(fmt.Sprintf("target_%d", y))})
		}
		rows[i] = r
	}
	return rows
}

// blank reports whether the user left a row empty (the category select always has a value).
func (r editorRow) blank() bool {
	if r.Title != "" || r.Description != "" || r.Unit != "" || r.Weight != "" || r.Owner != "" || r.Evidence != "" {
		return false
	}
	for _, t := range r.Targets {
		if t.Value != "" {
			return false
		}
	}
	return true
}

// itemsFromRows turns the filled rows into plan items; the validator checks the rest.
func itemsFromRows(rows []editorRow) ([]termgoal.PlanItem, error) {
	var items []termgoal.PlanItem
	for _, r := range rows {
		if r.blank() {
			continue
		}
		n := len(items) + 1
		var w float64
		if r.Weight != "" {
			var err error
			if w, err = strconv.ParseFloat(r.Weight, 64); err != nil {
				return nil, termgoal.Errorf(termgoal.EINVALID, "web.bad_weight", fmt.Sprintf("the weight of item %d is not a number", n), "n", n)
			}
		}
		it := termgoal.PlanItem{Category: r.Category, Title: r.Title, Description: r.Description, Quantitative: r.Quantitative,
			Weight: w, Owner: r.Owner, Evidence: r.Evidence, Targets: map[string]string{}}
		if r.Quantitative {
			it.Unit = r.Unit
		}
		for _, t := range r.Targets {
			if t.Value != "" {
				it.Targets[strconv.Itoa(t.Year)] = t.Value
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// webTaskAct applies the action a task page's form sends, under the form's idempotency key.
// Applied: back to the inbox with a message; refused: the page again with the reason.
func (h *Handler) webTaskAct(c *gin.Context) {
	t, ok := h.loadTask(c)
	if !ok {
		return
	}
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	action := form.Get("action")
	editor := action == workflows.UpdateSubmitDraft || action == workflows.UpdateRevisePlan // the plan editor's forms
	if editor && form.Get("edit") != "" {
		if err := h.draftOwner(c, t); err != nil {
			h.Fail(c, err)
			return
		}
		h.editDraft(c, t, form)
		return
	}
	var err error
	switch {
	case !taskAllows(t, action):
		err = termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action")
	case t.AccountID != edge.Caller(c).ID:
		err = app.ErrForbidden()
	}
	var in workflows.ActionInput
	if err == nil {
		in, err = h.actionFromForm(c, t, action, form)
	}
	var key string
	if err == nil {
		key, err = formKey(form)
	}
	if err == nil {
		_, err = h.ops.Act(c.Request.Context(), edge.Actor(c), t.ProcessID, action, key, in)
	}
	if err != nil {
		code, status, _ := edge.Problem(c, h.log, err)
		if code == termgoal.EINTERNAL || code == termgoal.EFORBIDDEN {
			h.Fail(c, err)
			return
		}
		p := h.newPage(c, "web.task_title")
		h.formError(c, p, form, err)
		// The step may have moved on: show the task as it is now.
		if fresh, ferr := h.store.Task(c.Request.Context(), t.ID); ferr == nil {
			t = fresh
		}
		h.renderTask(c, status, t, p)
		return
	}
	if editor {
		if err := h.store.DeleteDraft(c.Request.Context(), t.ID); err != nil {
			h.log.Warn("the submitted draft's saved rows stay", "task", t.ID, "error", err)
		}
	}
	h.flash(c, catalog.TL(edge.Lang(c), "web.flash_done", map[string]any{"action": catalog.TL(edge.Lang(c), "actions."+action, nil)}))
	// Back to the task while it is still the caller's to do (an opinion answered, a comment,
	// a signer added after), else to the inbox.
	if fresh, ferr := h.store.Task(c.Request.Context(), t.ID); ferr == nil && fresh.Status == termgoal.TaskOpen && fresh.AccountID == edge.Caller(c).ID {
		c.Redirect(http.StatusSeeOther, "/tasks/"+url.PathEscape(t.ID))
		return
	}
	c.Redirect(http.StatusSeeOther, "/inbox")
}

// actionFromForm builds the input of action from the form fields.
func (h *Handler) actionFromForm(c *gin.Context, t *termgoal.Task, action string, form url.Values) (workflows.ActionInput, error) {
	get := func(name string) string { return strings.TrimSpace(form.Get(name)) }
	seq := func() (int, error) {
		n, err := strconv.Atoi(get("seq"))
		if err != nil {
			return 0, termgoal.Errorf(termgoal.EMALFORMED, "error.malformed", "seq must be a number", "detail", "seq")
		}
		return n, nil
	}
	switch action {
	case workflows.UpdateSubmitDraft, workflows.UpdateRevisePlan:
		term, err := h.store.Term(c.Request.Context(), t.TermID)
		if err != nil {
			return nil, err
		}
		items, err := itemsFromRows(rowsFromForm(form, term.Years()))
		if err != nil {
			return nil, err
		}
		if action == workflows.UpdateRevisePlan {
			return &workflows.RevisePlanInput{Items: items, Note: get("note")}, nil
		}
		return &workflows.SubmitDraftInput{Items: items, Note: get("note")}, nil
	case workflows.UpdateGiveOpinion:
		return &workflows.GiveOpinionInput{Content: get("content")}, nil
	case workflows.UpdateAnswerOpinion:
		n, err := seq()
		if err != nil {
			return nil, err
		}
		return &workflows.AnswerOpinionInput{Seq: n, Disposition: termgoal.Disposition(get("disposition")), Reason: get("reason")}, nil
	case workflows.UpdateCompleteConsultation:
		return &workflows.CompleteConsultationInput{}, nil
	case workflows.UpdateReview:
		return &workflows.ReviewInput{Feasible: get("feasible") == "yes", Comment: get("comment")}, nil
	case workflows.UpdateVote:
		return &workflows.VoteInput{Choice: termgoal.Choice(get("choice"))}, nil
	case workflows.UpdateApprove:
		return &workflows.DecisionInput{Comment: get("comment")}, nil
	case workflows.UpdateReturn:
		return &workflows.DecisionInput{Comment: get("comment"), ToStep: termgoal.Step(get("to_step"))}, nil
	case workflows.UpdateResolveObjection:
		n, err := seq()
		if err != nil {
			return nil, err
		}
		return &workflows.ResolveObjectionInput{Seq: n, Upheld: get("resolution") == "upheld", Reason: get("reason")}, nil
	case workflows.UpdateFile:
		return &workflows.FileInput{DocNumber: get("doc_number")}, nil
	case workflows.UpdateSignPledges:
		return &workflows.SignPledgesInput{Pledges: form["pledge"]}, nil
	}
	if in, ok, err := h.appraisalFromForm(c.Request.Context(), t, action, form); ok {
		return in, err
	}
	if in, ok, err := h.opFromForm(c.Request.Context(), action, form); ok {
		return in, err
	}
	return nil, termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action")
}
