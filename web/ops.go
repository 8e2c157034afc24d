package web

// The operations of the web pages (T3, A3): the panel of operations on a task page beside the
// step's own form, and the signers and the administrators' panel on the process page. Every
// form posts an action with a hidden idempotency key, through POST /tasks/:id/act or POST
// /processes/:id/act; h.Act sets whether the actor administers the process's org and resolves
// the accounts an operation names, and the workflow decides.

import (
	"context"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/postgres"
	"termgoal/workflows"
)

// ownOps may be sent from one's own task whatever its status: taking a delegation back (the
// delegated task is closed meanwhile) and withdrawing a submitted plan (the draft task is done).
var ownOps = []string{workflows.UpdateRecallDelegation, workflows.UpdateWithdraw}

// processOps are the actions the process page sends. The administrative ones need an
// administrator of the process's org; urge the holder or an administrator; withdraw the holder;
// take back the assignee who delegated. The workflow checks each.
var processOps = []string{
	workflows.UpdateReassign, workflows.UpdateExtend, workflows.UpdateMoveTo, workflows.UpdateCancel, workflows.UpdateRemind,
	workflows.UpdateUrge, workflows.UpdateWithdraw, workflows.UpdateRecallDelegation, workflows.UpdateCloseScoring,
}

// taskAllows reports whether a task page may send action for task t.
func taskAllows(t *termgoal.Task, action string) bool {
	actions, ops := workflows.TaskKindOf(t.Kind).Offers()
	return slices.Contains(actions, action) || slices.Contains(ops, action) || slices.Contains(ownOps, action)
}

// accountChoices lists the accounts a picker on a page of the org at orgPath preloads: those
// granted in, above or below it, with their roles and orgs; except is left out. Any other
// account is found by typing (picker.js, the /pick page).
func (h *Handler) accountChoices(ctx context.Context, orgPath string, except int64) ([]postgres.AccountMatch, error) {
	all, err := h.store.SearchAccounts(ctx, "", "", []string{orgPath}, maxChoices)
	return slices.DeleteFunc(all, func(a postgres.AccountMatch) bool { return a.ID == except }), err
}

// maxChoices bounds the accounts a picker preloads.
const maxChoices = 300

// formTarget reads the account a form names (app.ResolveAccount).
func (h *Handler) formTarget(ctx context.Context, v string) (termgoal.Actor, error) {
	a, err := h.ops.ResolveAccount(ctx, v)
	a.Name = "" // the workflow names the account as the store has it
	return a, err
}

// opFromForm builds the input of an operation (T3, A3) from a form; ok is false for an action
// that is not an operation.
func (h *Handler) opFromForm(ctx context.Context, action string, form url.Values) (in workflows.ActionInput, ok bool, err error) {
	get := func(name string) string { return strings.TrimSpace(form.Get(name)) }
	confirmed := func() error {
		if get("confirm") == "" {
			return termgoal.Errorf(termgoal.EINVALID, "web.confirm_required", "tick the box to confirm")
		}
		return nil
	}
	switch action {
	case workflows.UpdateReject:
		if err := confirmed(); err != nil {
			return nil, true, err
		}
		return &workflows.DecisionInput{Comment: get("comment")}, true, nil
	case workflows.UpdateComment:
		return &workflows.CommentInput{Text: get("text")}, true, nil
	case workflows.UpdateTransfer, workflows.UpdateDelegate, workflows.UpdateAddSigner, workflows.UpdateRemoveSigner:
		to, err := h.formTarget(ctx, get("to"))
		if err != nil {
			return nil, true, err
		}
		return &workflows.TargetInput{To: to, Before: get("position") == "before", Reason: get("reason")}, true, nil
	case workflows.UpdateCopy:
		in := &workflows.CopyInput{Note: get("note")}
		for _, v := range form["to"] {
			if strings.TrimSpace(v) == "" {
				continue
			}
			to, err := h.formTarget(ctx, v)
			if err != nil {
				return nil, true, err
			}
			in.To = append(in.To, to)
		}
		return in, true, nil
	case workflows.UpdateAnswerDelegation, workflows.UpdateRecallDelegation, workflows.UpdateWithdraw,
		workflows.UpdateUrge, workflows.UpdateRemind, workflows.UpdateCloseScoring:
		return &workflows.ReasonInput{Reason: get("reason")}, true, nil
	case workflows.UpdateCancel:
		if err := confirmed(); err != nil {
			return nil, true, err
		}
		return &workflows.ReasonInput{Reason: get("reason")}, true, nil
	case workflows.UpdateReassign:
		from, _ := strconv.ParseInt(get("from"), 10, 64)
		to, err := h.formTarget(ctx, get("to"))
		if err != nil {
			return nil, true, err
		}
		return &workflows.ReassignInput{From: from, To: to, Reason: get("reason")}, true, nil
	case workflows.UpdateExtend:
		days, err := strconv.Atoi(get("days"))
		if err != nil {
			return nil, true, termgoal.Errorf(termgoal.EINVALID, "extend.days", "a deadline is extended by 1 to 60 working days")
		}
		return &workflows.ExtendInput{Days: days, Reason: get("reason")}, true, nil
	case workflows.UpdateMoveTo:
		return &workflows.MoveInput{Step: termgoal.Step(get("step")), Reason: get("reason")}, true, nil
	}
	return nil, false, nil
}

// signerView is a signer of the current step as the pages show it.
type signerView struct {
	workflows.Signer
	AddedByName    string // who added them (加签)
	DelegateOfName string // whose task a delegate answers for (委派)
}

// signersOf reads the signers of the current step from a process's state. A delegation that
// has ended is left out (the timeline tells it); who added a signer or delegated is named from
// the signers, else from their account (a seat since transferred).
func (h *Handler) signersOf(ctx context.Context, p *termgoal.Process) []signerView {
	raw := p.State.Signers
	name := func(id int64) string {
		for _, g := range raw {
			if g.Actor.AccountID == id {
				return g.Actor.Name
			}
		}
		if acc, err := h.store.Account(ctx, id); err == nil {
			return acc.DisplayName
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	var out []signerView
	for _, g := range raw {
		if g.DelegateOf != 0 && g.Status != "open" {
			continue
		}
		v := signerView{Signer: g}
		if g.AddedBy != 0 {
			v.AddedByName = name(g.AddedBy)
		}
		if g.DelegateOf != 0 {
			v.DelegateOfName = name(g.DelegateOf)
		}
		out = append(out, v)
	}
	return out
}

// openDelegation returns the open delegate entry of acc's delegation, or nil.
func openDelegation(signers []signerView, acc int64) *signerView {
	for i := range signers {
		if g := &signers[i]; g.DelegateOf == acc && g.Status == "open" {
			return g
		}
	}
	return nil
}

// stepsBefore lists the steps of the process's template before step.
func stepsBefore(p *termgoal.Process, step termgoal.Step) []termgoal.Step {
	steps := p.State.Steps
	if i := slices.Index(steps, step); i >= 0 {
		return steps[:i]
	}
	return nil
}

// taskOpsData is what a task page's panel of operations needs.
type taskOpsData struct {
	Can         map[string]bool         // the operations offered
	Earlier     []termgoal.Step         // steps a return may go to
	Accounts    []postgres.AccountMatch // for the account pickers
	Removable   []signerView            // signers the caller added who have yet to act (减签)
	Delegation  *signerView             // the caller's open delegation on this step, to take back
	DelegatedBy string                  // on a delegated task: whose task it is
	Signers     []signerView            // the signers of the current step
	WithdrawH   int                     // the template's withdrawal window in hours
}

// taskOps works out the operations a task page offers its viewer.
func (h *Handler) taskOps(ctx context.Context, acc *termgoal.Account, t *termgoal.Task, p *termgoal.Process, term *termgoal.Term) (taskOpsData, error) {
	d := taskOpsData{Can: map[string]bool{}, Signers: h.signersOf(ctx, p)}
	own := t.AccountID == acc.ID
	if !own || p.Status != "running" {
		return d, nil
	}
	if t.Status == termgoal.TaskOpen {
		_, ops := workflows.TaskKindOf(t.Kind).Offers()
		for _, op := range ops {
			d.Can[op] = true
		}
		d.Earlier = stepsBefore(p, t.Step)
		for _, g := range d.Signers {
			if g.AddedBy == acc.ID && (g.Status == "open" || g.Status == "waiting") {
				d.Removable = append(d.Removable, g)
			}
		}
		if len(d.Removable) == 0 {
			delete(d.Can, workflows.UpdateRemoveSigner)
		}
		for _, g := range d.Signers {
			if g.Actor.AccountID == acc.ID && g.DelegateOf != 0 && g.Status == "open" {
				d.DelegatedBy = g.DelegateOfName
			}
		}
	}
	if d.Delegation = openDelegation(d.Signers, acc.ID); d.Delegation != nil && t.Step == p.Step {
		d.Can[workflows.UpdateRecallDelegation] = true
	}
	if t.Kind == workflows.TaskDraft && t.Status == termgoal.TaskDone && p.Step != termgoal.StepDraft {
		tpl, err := h.store.Template(ctx, term.TemplateID)
		if err != nil {
			return d, err
		}
		if tpl.WithdrawHours > 0 {
			d.Can[workflows.UpdateWithdraw] = true
			d.WithdrawH = tpl.WithdrawHours
		}
	}
	if d.Can[workflows.UpdateTransfer] || d.Can[workflows.UpdateCopy] {
		path, err := h.ops.OrgPath(ctx, p.OrgID)
		if err != nil {
			return d, err
		}
		if d.Accounts, err = h.accountChoices(ctx, path, acc.ID); err != nil {
			return d, err
		}
	}
	return d, nil
}

// processData is the process page (A2).
type processData struct {
	*app.ProcessView
	Years     []int
	Latest    *termgoal.PlanVersion
	Compare   *planCompare // two versions side by side, when there are two
	Tally     *termgoal.Tally
	Timeline  []termgoal.Audit
	Assignees []termgoal.Actor // who may act on the current step now
	DocNumber string           // the filing's document number, once filed
	// Undelivered are the notifications of the process a channel still fails to take (for its
	// administrators: Temporal keeps retrying them).
	Undelivered []postgres.Delivery
	Ops         processPageOps

	Attachments      []postgres.Attachment // without their bytes, oldest first
	AttachmentsTotal int
	CanUpload        bool // the process runs: whoever sees it may add a file
}

// webProcess shows a process to whoever may read it through the JSON API.
func (h *Handler) webProcess(c *gin.Context) {
	h.renderProcess(c, http.StatusOK, h.newPage(c, "web.process_title"))
}

// renderProcess shows the process of the request's :id on page p with status.
func (h *Handler) renderProcess(c *gin.Context, status int, p *webPage) {
	ctx, acc := c.Request.Context(), edge.Caller(c)
	proc, err := h.processOf(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	v, err := h.ops.ProcessView(ctx, edge.Caller(c), proc)
	if err != nil {
		h.Fail(c, err)
		return
	}
	d := processData{ProcessView: v, Years: v.Term.Years()}
	if len(v.PlanVersions) > 0 {
		d.Latest = &v.PlanVersions[0]
	}
	d.Compare = comparePlans(v.PlanVersions, c.Query("from"), c.Query("to"))
	if d.Ops, err = h.processOpsFor(ctx, acc, proc, v.Term); err != nil {
		h.Fail(c, err)
		return
	}
	for _, g := range d.Ops.Signers {
		if g.Status == "open" {
			d.Assignees = append(d.Assignees, g.Actor)
		}
	}
	d.Tally = tallyOf(proc, v.Votes, d.Ops.Signers)
	d.DocNumber = proc.State.DocNumber
	if d.Ops.OrgAdmin {
		all, err := h.store.Deliveries(ctx, proc.ID+"/")
		if err != nil {
			h.Fail(c, err)
			return
		}
		d.Undelivered = slices.DeleteFunc(all, func(x postgres.Delivery) bool { return x.Status != postgres.DeliveryFailed })
	}
	if d.Timeline, _, err = h.store.Audit(ctx, postgres.AuditFilter{ProcessID: proc.ID, Limit: 500}); err != nil {
		h.Fail(c, err)
		return
	}
	if d.Attachments, d.AttachmentsTotal, err = h.store.Attachments(ctx, proc.ID, maxPageAttachments, 0); err != nil {
		h.Fail(c, err)
		return
	}
	d.CanUpload = proc.Status == "running"
	p.Data = d
	h.render(c, status, "process", p)
}

// tallyOf is the committee's last count: as the workflow recorded it, else counted from the
// votes of the last round over the members' seats.
func tallyOf(proc *termgoal.Process, votes []termgoal.Vote, signers []signerView) *termgoal.Tally {
	if t := proc.State.LastTally; t != nil || len(votes) == 0 {
		return t
	}
	seats, round := 0, 0
	for _, g := range signers {
		if g.AddedBy == 0 && g.DelegateOf == 0 && g.Status != "removed" {
			seats++
		}
	}
	for _, vt := range votes {
		round = max(round, vt.Round)
	}
	var choices []termgoal.Choice
	for _, vt := range votes {
		if vt.Round == round {
			choices = append(choices, vt.Choice)
		}
	}
	t := termgoal.CountVotes(max(seats, len(choices)), choices)
	return &t
}

// processPageOps is what the process page's operations need.
type processPageOps struct {
	Signers     []signerView
	OrgAdmin    bool            // the viewer administers the process's org
	IsAdmin     bool            // the same, on a running process: the admin panel
	Running     bool            // the process is running
	CanUrge     bool            // the holder or an administrator
	CanWithdraw bool            // the holder, when the template allows withdrawing
	WithdrawH   int             // the withdrawal window in hours
	Delegation  *signerView     // the viewer's open delegation, to take back
	OpenSigners []signerView    // who may be reassigned
	Steps       []termgoal.Step // where the process may be moved
	Accounts    []postgres.AccountMatch
	Halted      string // why the process's workflow stopped (terminated, failed, …), "" when it did not
	CanRestart  bool   // the viewer may restart the halted process
}

// processOpsFor works out the operations the process page offers acc.
func (h *Handler) processOpsFor(ctx context.Context, acc *termgoal.Account, p *termgoal.Process, term *termgoal.Term) (processPageOps, error) {
	d := processPageOps{Signers: h.signersOf(ctx, p), Running: p.Status == "running"}
	path, err := h.ops.OrgPath(ctx, p.OrgID)
	if err != nil {
		return d, err
	}
	d.OrgAdmin = app.IsAdmin(acc, path)
	if p.Status == postgres.StatusHalted {
		if h := p.State.Halted; h != nil {
			d.Halted = h.Status
		}
		d.CanRestart = d.OrgAdmin
		return d, nil
	}
	if !d.Running {
		return d, nil
	}
	d.IsAdmin = d.OrgAdmin
	holder := acc.Can(termgoal.RoleHolder, path)
	if term.HolderKind == termgoal.HolderPerson && term.PersonID != nil {
		holder = acc.PersonID != nil && *acc.PersonID == *term.PersonID
	}
	d.CanUrge = d.IsAdmin || holder
	if holder && p.Step != termgoal.StepDraft && p.Version > 0 {
		tpl, err := h.store.Template(ctx, term.TemplateID)
		if err != nil {
			return d, err
		}
		d.CanWithdraw, d.WithdrawH = tpl.WithdrawHours > 0, tpl.WithdrawHours
	}
	d.Delegation = openDelegation(d.Signers, acc.ID)
	if d.IsAdmin {
		for _, g := range d.Signers {
			if g.Status == "open" {
				d.OpenSigners = append(d.OpenSigners, g)
			}
		}
		for _, s := range p.State.Steps {
			if s != p.Step {
				d.Steps = append(d.Steps, s)
			}
		}
		if d.Accounts, err = h.accountChoices(ctx, path, 0); err != nil {
			return d, err
		}
	}
	return d, nil
}

// webProcessAct applies an operation the process page sends (A3: reassign, extend, move,
// cancel, remind; urge, withdraw, take back a delegation) under the form's idempotency key.
// Applied: back to the process page with a message; refused: the page again with the reason.
func (h *Handler) webProcessAct(c *gin.Context) {
	ctx := c.Request.Context()
	proc, err := h.processOf(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	action := form.Get("action")
	var in workflows.ActionInput
	if !slices.Contains(processOps, action) {
		err = termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action")
	} else {
		in, _, err = h.opFromForm(ctx, action, form)
	}
	var key string
	if err == nil {
		key, err = formKey(form)
	}
	if err == nil {
		_, err = h.ops.Act(ctx, edge.Actor(c), proc.ID, action, key, in)
	}
	if err != nil {
		h.refuseForm(c, form, err, "web.process_title", func(status int, p *webPage) { h.renderProcess(c, status, p) })
		return
	}
	h.flash(c, catalog.TL(edge.Lang(c), "web.flash_done", map[string]any{"action": catalog.TL(edge.Lang(c), "actions."+action, nil)}))
	c.Redirect(http.StatusSeeOther, "/processes/"+url.PathEscape(proc.ID))
}

// Rule says what a company rule did to a result, in the page's language: the figures it read
// and its effect (percentages as people write them).
func (p *webPage) Rule(r termgoal.AppliedRule) string {
	args := maps.Clone(r.Params)
	for from, to := range map[string]string{"ratio": "ratio_pct", "pay_share": "pay_pct"} {
		if v, ok := r.Params[from].(float64); ok {
			args[to] = math.Round(v * 100)
		}
	}
	if v, ok := r.Params["consequences"]; ok { // the year's company consequences
		cs, _ := v.([]any)
		effects := make([]string, len(cs))
		for i, c := range cs {
			effects[i] = p.TV("consequences.", c)
		}
		args["effect"] = strings.Join(effects, catalog.TL(p.Lang, "web.list_separator", nil))
		if len(cs) == 0 {
			args["effect"] = catalog.TL(p.Lang, "web.no_consequence", nil)
		}
	}
	return catalog.TL(p.Lang, "sales_rules."+r.Rule, args)
}

// Note summarizes an audit entry's detail for the timeline (app.AuditNote).
func (p *webPage) Note(detail map[string]any) string { return app.AuditNote(p.Lang, detail) }

// VFor returns a field the user sent with action, for that form shown again after a refusal;
// the other forms on the page stay empty.
func (p *webPage) VFor(action, name string) string {
	if p.V("action") != action {
		return ""
	}
	return p.V(name)
}

// webRestart restarts a halted process from its page (an administrator, with a reason).
func (h *Handler) webRestart(c *gin.Context) {
	proc, err := h.processOf(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	if _, err := h.ops.Restart(c.Request.Context(), edge.Actor(c), edge.Caller(c), proc, form.Get("reason")); err != nil {
		h.refuseForm(c, form, err, "web.process_title", func(status int, p *webPage) { h.renderProcess(c, status, p) })
		return
	}
	h.flash(c, catalog.TL(edge.Lang(c), "web.restarted", nil))
	c.Redirect(http.StatusSeeOther, "/processes/"+url.PathEscape(proc.ID))
}

// planCompare is two versions of the plan side by side, with the changes marked (A2).
type planCompare struct {
	From, To *termgoal.PlanVersion
	Versions []int // what the form offers
	Changes  []termgoal.ItemChange
}

// comparePlans compares versions from and to of the plan (the numbers asked for; by default
// the one before the latest and the latest), or answers nil when there are fewer than two.
func comparePlans(versions []termgoal.PlanVersion, from, to string) *planCompare {
	if len(versions) < 2 {
		return nil
	}
	find := func(s string, def *termgoal.PlanVersion) *termgoal.PlanVersion {
		for i := range versions {
			if strconv.Itoa(versions[i].Version) == s {
				return &versions[i]
			}
		}
		return def
	}
	cmp := &planCompare{From: find(from, &versions[1]), To: find(to, &versions[0])}
	for _, v := range versions {
		cmp.Versions = append(cmp.Versions, v.Version)
	}
	cmp.Changes = termgoal.ComparePlans(cmp.From.Items, cmp.To.Items)
	return cmp
}
