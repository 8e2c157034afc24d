package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/workflows"
)

// The plan editor (issue 25, P2): any number of items, added, removed and moved by buttons
// that work without JavaScript (the page comes back with the rows changed); what is typed is
// kept on the server (a button, and plan-editor.js as one types) until the draft is submitted;
// a refused draft marks the field at fault.

// editorField reports whether a form field belongs to the plan editor's rows or note: what a
// saved draft keeps.
func editorField(name string) bool {
	if name == "rows" || name == "note" {
		return true
	}
	field, n, ok := strings.Cut(name, "_")
	if field == "target" { // target_<year>_<row>
		_, n, ok = strings.Cut(n, "_")
	}
	_, err := strconv.Atoi(n)
	return ok && err == nil && slices.Contains([]string{"category", "title", "description", "quantitative", "unit", "target", "weight", "owner", "evidence"}, field)
}

// draftFields keeps the editor's fields of a form.
func draftFields(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		if editorField(k) {
			out[k] = v
		}
	}
	return out
}

// editRows applies an editor button to the rows: "add" a blank row below, "remove_<i>",
// "up_<i>", "down_<i>" the row at index i.
func editRows(rows []editorRow, years []int, op string) []editorRow {
	verb, arg, _ := strings.Cut(op, "_")
	i, err := strconv.Atoi(arg)
	if verb != "add" && (err != nil || i < 0 || i >= len(rows)) {
		return rows
	}
	switch verb {
	case "add":
		if len(rows) < maxRows {
			r := editorRow{}
			for _, y := range years {
				r.Targets = append(r.Targets, yearTarget{Year: y})
			}
			rows = append(rows, r)
		}
	case "remove":
		rows = slices.Delete(rows, i, i+1)
	case "up":
		if i > 0 {
			rows[i-1], rows[i] = rows[i], rows[i-1]
		}
	case "down":
		if i+1 < len(rows) {
			rows[i], rows[i+1] = rows[i+1], rows[i]
		}
	}
	for k := range rows {
		rows[k].N, rows[k].Index = k+1, k
	}
	return rows
}

// rowsForm is the editor's fields for rows and note, as rowsFromForm reads them.
func rowsForm(rows []editorRow, note string) url.Values {
	f := url.Values{"rows": {strconv.Itoa(len(rows))}, "note": {note}}
	for i, r := range rows {
		set := func(name, v string) { f.Set(fmt.Sprintf("%s_%d", name, i), v) }
		set("category", r.Category)
		set("title", r.Title)
		set("description", r.Description)
		set("unit", r.Unit)
		set("weight", r.Weight)
		set("owner", r.Owner)
		set("evidence", r.Evidence)
		if r.Quantitative {
			set("quantitative", "1")
		}
		for _, t := range r.Targets {
			set(fmt.Sprintf("target_%d", t.Year), t.Value)
		}
	}
	return f
}

// fieldOfError names the editor field a refusal of a plan is about ("title", "target_2027").
func fieldOfError(e *termgoal.Error) string {
	switch e.Key {
	case "plan.item_title":
		return "title"
	case "plan.item_category", "plan.item_category_unknown":
		return "category"
	case "plan.item_owner":
		return "owner"
	case "plan.item_unit":
		return "unit"
	case "plan.item_weight", "web.bad_weight":
		return "weight"
	case "plan.item_target", "plan.item_target_year":
		return fmt.Sprintf("target_%v", e.Args["year"])
	}
	return ""
}

// markError puts a refusal of the plan beside the field at fault: item n is the n-th row
// that is not blank.
func markError(rows []editorRow, err *termgoal.Error, msg string) {
	field := fieldOfError(err)
	n, _ := strconv.Atoi(fmt.Sprint(err.Args["n"]))
	if field == "" || n < 1 {
		return
	}
	for i := range rows {
		if rows[i].blank() {
			continue
		}
		if n--; n == 0 {
			rows[i].Errors = map[string]string{field: msg}
			return
		}
	}
}

// editDraft answers an editor button of task t's draft form: the rows changed, saved, and the
// page again.
func (h *Handler) editDraft(c *gin.Context, t *termgoal.Task, form url.Values) {
	ctx := c.Request.Context()
	term, err := h.store.Term(ctx, t.TermID)
	if err != nil {
		h.Fail(c, err)
		return
	}
	years := term.Years()
	fields := rowsForm(editRows(rowsFromForm(form, years), years, form.Get("edit")), strings.TrimSpace(form.Get("note")))
	if err := h.store.SaveDraft(ctx, t.ID, edge.Caller(c).ID, fields, h.ops.Now()); err != nil {
		h.Fail(c, err)
		return
	}
	p := h.newPage(c, "web.task_title")
	p.Form = fields
	h.renderTask(c, http.StatusOK, t, p)
}

// webSaveDraft keeps what the drafter typed (plan-editor.js, as one types): 204.
func (h *Handler) webSaveDraft(c *gin.Context) {
	t, ok := h.loadTask(c)
	if !ok {
		return
	}
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	if err := h.draftOwner(c, t); err != nil {
		h.Fail(c, err)
		return
	}
	if err := h.store.SaveDraft(c.Request.Context(), t.ID, edge.Caller(c).ID, draftFields(form), h.ops.Now()); err != nil {
		h.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// editorForms are the task forms that hold the plan editor.
var editorForms = []string{workflows.TaskDraft, workflows.TaskAnswer}

// draftOwner refuses a draft's edits by anyone but the assignee of the open draft task.
func (h *Handler) draftOwner(c *gin.Context, t *termgoal.Task) error {
	switch {
	case t.AccountID != edge.Caller(c).ID:
		return app.ErrForbidden()
	case !slices.Contains(editorForms, workflows.TaskKindOf(t.Kind).FormName()) || t.Status != termgoal.TaskOpen:
		return termgoal.Errorf(termgoal.ECONFLICT, "draft.closed", "this draft has been submitted or has moved on")
	}
	return nil
}

// asError is err as a domain error, or nil.
func asError(err error) *termgoal.Error {
	var e *termgoal.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
