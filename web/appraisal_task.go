package web

// The task forms of appraisals and reports (P4, P5, P6, P8): the self-assessment, a rater's
// scoring sheet, the result determination, the holder's feedback or appeal, the appeal review
// and a progress report. The superior's check of a report is the decision form of goal
// setting. Each form posts to POST /tasks/:id/act like every other task form.

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"termgoal"
	"termgoal/app"
	"termgoal/workflows"
)

// adjustmentRows is how many bonus or penalty rows the result form offers.
const adjustmentRows = 3

// appraisalTask is what the appraisal and report forms need.
type appraisalTask struct {
	Kind          string              // the process kind
	Items         []termgoal.PlanItem // the appraised (or reported) plan's items, numbered from 1
	Year          int                 // the year appraised or reported, for the items' targets
	Scale         termgoal.Scale
	NeedSelfScore bool // the template has a self rater group
	Record        *termgoal.AppraisalRecord
	Sheets        []termgoal.ScoreSheet // for the result determination
	RaterScore    *float64
	Computed      string // the grade the rater score earns before adjustments and vetoes
	VetoItems     []string
	Sales         bool // the result takes the holder's monthly sales figures
	Outcomes      []termgoal.Outcome
	TermEnd       bool
	Annual        []workflows.AnnualResult // the term's annual results (end of term)
	Warnings      []app.TermWarning        // the holder's term rules (end of term)
	AdjRows       []int
	AppealOpen    bool // the holder may still appeal
	Progress      bool // a progress report item by item, not a follow-up in words
	Report        *termgoal.ProgressReport
	Scoring       *app.ScoringStatus // the scoring and the result: who is awaited, how the score is made
}

// appraisalForms are the task forms of appraisals and reports (workflows.TaskKind.Form).
var appraisalForms = []string{workflows.TaskSelfAssess, workflows.TaskScore, workflows.TaskDetermine, workflows.TaskFeedback,
	workflows.TaskAppealReview, workflows.TaskReport}

// planOf returns the items of plan version v of a term (the latest when v is 0 or gone).
func (h *Handler) planOf(ctx context.Context, termID int64, v int) ([]termgoal.PlanItem, error) {
	versions, err := h.store.PlanVersions(ctx, termID)
	if err != nil || len(versions) == 0 {
		return nil, err
	}
	for _, pv := range versions {
		if pv.Version == v {
			return pv.Items, nil
		}
	}
	return versions[0].Items, nil
}

// appraisalTaskData loads what form, the form of task t, needs, or nil for the goal-setting kinds (and
// for a check of a report, which shows the report above the decision form).
func (h *Handler) appraisalTaskData(ctx context.Context, lang, form string, t *termgoal.Task, p *termgoal.Process, term *termgoal.Term) (*appraisalTask, error) {
	own := slices.Contains(appraisalForms, form)
	check := t.Step == termgoal.StepCheck
	if !own && !check {
		return nil, nil
	}
	d := &appraisalTask{Kind: p.Kind, TermEnd: p.Kind == termgoal.AppraisalTermEnd}
	var err error
	if d.Items, err = h.planOf(ctx, term.ID, p.Version); err != nil {
		return nil, err
	}
	cfg, err := h.ops.AppraisalConfig(ctx, p)
	if err != nil {
		return nil, err
	}
	d.Scale, d.VetoItems, d.Sales = cfg.Scale, cfg.VetoItems, cfg.Sales
	d.NeedSelfScore = slices.ContainsFunc(cfg.Groups, func(g termgoal.RaterConfig) bool { return g.Key == termgoal.RaterSelf })
	if termgoal.IsAppraisal(p.Kind) {
		if err := h.loadAppraisalState(ctx, lang, d, p); err != nil {
			return nil, err
		}
		if form == workflows.TaskScore || form == workflows.TaskDetermine {
			if d.Scoring, err = h.ops.ScoringStatus(ctx, p); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
	if r := p.State.Report; r != nil {
		d.Year = r.Year
	}
	d.Progress = termgoal.IsProgress(p.Kind)
	if check {
		r, err := h.store.ProgressReport(ctx, p.ID)
		switch {
		case err == nil:
			d.Report = r
		case !isNotFound(err):
			return nil, err
		}
	}
	return d, nil
}

// loadAppraisalState fills the appraisal's record, score and feedback window into d.
func (h *Handler) loadAppraisalState(ctx context.Context, lang string, d *appraisalTask, p *termgoal.Process) error {
	rec, err := h.store.Appraisal(ctx, p.ID)
	switch {
	case err == nil:
		d.Record = rec
		d.Year = rec.Year
	case !isNotFound(err):
		return err
	}
	st := p.State.Appraisal
	if st == nil {
		st = &termgoal.AppraisalView{}
	}
	d.Year = max(d.Year, st.Year)
	d.RaterScore = st.RaterScore
	d.Annual, d.Warnings = st.Annual, app.TermWarnings(lang, st.Warnings)
	if d.RaterScore != nil {
		d.Computed = d.Scale.GradeOf(*d.RaterScore).Code
	}
	if p.Step == termgoal.StepResult {
		if d.Sheets, err = h.store.ScoreSheets(ctx, p.ID); err != nil {
			return err
		}
	}
	for i := range adjustmentRows {
		d.AdjRows = append(d.AdjRows, i)
	}
	if d.TermEnd {
		d.Outcomes = []termgoal.Outcome{termgoal.OutcomeReappoint, termgoal.OutcomePromote, termgoal.OutcomeRotate,
			termgoal.OutcomeNonLeading, termgoal.OutcomeRetireEarly, termgoal.OutcomeRemove}
	}
	d.AppealOpen = p.Step == termgoal.StepFeedback && (d.Record == nil || d.Record.Appeal == nil) &&
		!p.State.WindowOver
	return nil
}

// formNumber reads an optional number field; blank is nil. A value that is not a number is
// refused with key and the item's number.
func formNumber(form url.Values, name, key string, no int) (*float64, error) {
	s := strings.TrimSpace(form.Get(name))
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, termgoal.Errorf(termgoal.EINVALID, key, fmt.Sprintf("item %d: %q is not a number", no, s), "no", no)
	}
	return &v, nil
}

// appraisalFromForm builds the input of an appraisal or report action from its form; ok is
// false for any other action.
func (h *Handler) appraisalFromForm(ctx context.Context, t *termgoal.Task, action string, form url.Values) (in workflows.ActionInput, ok bool, err error) {
	get := func(name string) string { return strings.TrimSpace(form.Get(name)) }
	if !slices.Contains([]string{workflows.UpdateSelfAssess, workflows.UpdateScore, workflows.UpdateDetermine, workflows.UpdateAcknowledge,
		workflows.UpdateAppeal, workflows.UpdateDecideAppeal, workflows.UpdateReport}, action) {
		return nil, false, nil
	}
	p, err := h.store.Process(ctx, t.ProcessID)
	if err != nil {
		return nil, true, err
	}
	items, err := h.planOf(ctx, t.TermID, p.Version)
	if err != nil {
		return nil, true, err
	}
	switch action {
	case workflows.UpdateSelfAssess:
		in := &workflows.SelfAssessInput{SelfAssessment: termgoal.SelfAssessment{Summary: get("summary"), Proposed: get("proposed_grade")}}
		for no := 1; no <= len(items); no++ {
			in.Items = append(in.Items, termgoal.ItemActual{No: no, Actual: get(fmt.Sprint("actual_", no)), Evidence: get(fmt.Sprint("evidence_", no))})
		}
		if in.Score, err = formNumber(form, "self_score", "web.bad_score", 0); err != nil {
			return nil, true, err
		}
		return in, true, nil
	case workflows.UpdateScore:
		in := &workflows.ScoreInput{Comment: get("comment")}
		for no := 1; no <= len(items); no++ {
			v, err := formNumber(form, fmt.Sprint("score_", no), "web.bad_item_score", no)
			if err != nil {
				return nil, true, err
			}
			if v != nil {
				in.Scores = append(in.Scores, termgoal.ItemScore{No: no, Score: *v})
			}
		}
		return in, true, nil
	case workflows.UpdateDetermine:
		return determineFromForm(form)
	case workflows.UpdateAcknowledge:
		return &workflows.ReasonInput{Reason: get("reason")}, true, nil
	case workflows.UpdateAppeal:
		return &workflows.AppealInput{Reason: get("reason")}, true, nil
	case workflows.UpdateDecideAppeal:
		return &workflows.DecideAppealInput{Grade: get("grade"), Answer: get("answer")}, true, nil
	}
	in = &workflows.ReportActionInput{Summary: get("summary")}
	if termgoal.IsProgress(p.Kind) {
		r := in.(*workflows.ReportActionInput)
		for no := 1; no <= len(items); no++ {
			v, err := formNumber(form, fmt.Sprint("value_", no), "web.bad_value", no)
			if err != nil {
				return nil, true, err
			}
			if v != nil {
				r.Entries = append(r.Entries, termgoal.ProgressEntry{No: no, Value: *v, Note: get(fmt.Sprint("note_", no))})
			}
		}
	}
	return in, true, nil
}

// determineFromForm reads the result form: the filled adjustment rows, the ticked veto items
// with their reasons, the grade override with its reason, the outcome and a comment.
func determineFromForm(form url.Values) (workflows.ActionInput, bool, error) {
	get := func(name string) string { return strings.TrimSpace(form.Get(name)) }
	in := &workflows.DetermineInput{Grade: get("grade"), Reason: get("reason"), Comment: get("comment"), Outcome: termgoal.Outcome(get("outcome"))}
	for i := range adjustmentRows {
		v, err := formNumber(form, fmt.Sprint("adj_points_", i), "web.bad_points", i+1)
		if err != nil {
			return nil, true, err
		}
		reason := get(fmt.Sprint("adj_reason_", i))
		if v == nil && reason == "" {
			continue
		}
		if v == nil {
			return nil, true, termgoal.Errorf(termgoal.EINVALID, "appraisal.adjustment_points", "the adjustment needs a number of points", "n", i+1)
		}
		in.Adjustments = append(in.Adjustments, termgoal.Adjustment{Points: *v, Reason: reason})
	}
	for _, item := range form["veto"] {
		in.Vetoes = append(in.Vetoes, termgoal.Veto{Item: item, Reason: get("veto_reason_" + item)})
	}
	sales, err := salesFromText(form.Get("sales"))
	in.Sales = sales
	return in, true, err
}

// salesFromText reads the sales figures typed one month a line: the month (YYYY-MM), the
// target, the minimum and the sum achieved, separated by spaces, tabs or commas (as copied
// from a spreadsheet). The workflow checks the figures themselves.
func salesFromText(text string) ([]termgoal.SalesMonth, error) {
	var out []termgoal.SalesMonth
	n := 0
	for line := range strings.Lines(text) {
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '，' || unicode.IsSpace(r) })
		if len(fields) == 0 {
			continue
		}
		n++
		bad := termgoal.Errorf(termgoal.EINVALID, "web.bad_sales_line", fmt.Sprintf("sales line %d is not: month target minimum achieved", n), "n", n)
		if len(fields) != 4 {
			return nil, bad
		}
		var v [3]float64
		for i, f := range fields[1:] {
			x, err := strconv.ParseFloat(strings.ReplaceAll(f, "_", ""), 64)
			if err != nil {
				return nil, bad
			}
			v[i] = x
		}
		out = append(out, termgoal.SalesMonth{Month: fields[0], Target: v[0], Minimum: v[1], Achieved: v[2]})
	}
	return out, nil
}
