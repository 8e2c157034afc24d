package app

import (
	"context"
	"time"

	"termgoal"
	"termgoal/notify"
	"termgoal/postgres"
)

// NoticeView is a public notice with the plan it publishes, or for an appraisal the result
// it publishes (with the plan it was appraised on), or for a mid-year self-check the report.
type NoticeView struct {
	Notice     *termgoal.Notice         `json:"notice"`
	Items      []termgoal.PlanItem      `json:"items"`
	Objections []termgoal.Objection     `json:"objections"`
	Result     *NoticeResult            `json:"result,omitempty"`
	Report     *termgoal.ProgressReport `json:"report,omitempty"` // a mid-year self-check made public
	Plan       *termgoal.PlanVersion    `json:"-"`
}

// NoticeResult is what an appraisal's notice makes public: the period, the score and the
// grade, and why the grade differs from the computed one. Sheets, ballots and the
// self-assessment stay inside.
type NoticeResult struct {
	Kind       string    `json:"kind"`
	Year       int       `json:"year"`
	PeriodFrom time.Time `json:"period_from"`
	PeriodTo   time.Time `json:"period_to"`
	Score      float64   `json:"score"`
	Grade      string    `json:"grade"`
	Reason     string    `json:"override_reason,omitempty"`
}

// NoticeView loads the latest notice of a process for the public: anyone may read it, and it
// names no one who objected anonymously.
func (s *Service) NoticeView(ctx context.Context, processID string) (*NoticeView, error) {
	n, err := s.Store.Notice(ctx, processID)
	if err != nil {
		return nil, err
	}
	plan, err := s.Store.PlanVersion(ctx, n.TermID, n.Version)
	if err != nil {
		return nil, err
	}
	objs, err := s.Store.Objections(ctx, processID)
	if err != nil {
		return nil, err
	}
	for i := range objs {
		objs[i].AuthorID = 0
		if objs[i].Anonymous {
			objs[i].AuthorName = ""
		}
	}
	if objs == nil {
		objs = []termgoal.Objection{}
	}
	v := &NoticeView{Notice: n, Items: plan.Items, Objections: objs, Plan: plan}
	if n.Kind == termgoal.ProgressMidYear {
		r, err := s.Store.ProgressReport(ctx, processID)
		switch {
		case err == nil:
			v.Report = r
		case termgoal.ErrorCode(err) != termgoal.ENOTFOUND:
			return nil, err
		}
	}
	if termgoal.IsAppraisal(n.Kind) {
		rec, err := s.Store.Appraisal(ctx, processID)
		if err != nil {
			return nil, err
		}
		if r := rec.Result; r != nil {
			v.Result = &NoticeResult{Kind: rec.Kind, Year: rec.Year, PeriodFrom: rec.PeriodFrom, PeriodTo: rec.PeriodTo, Score: r.Score, Grade: r.Grade, Reason: r.Reason}
		}
	}
	return v, nil
}

// AppraisalView is one appraisal: its record, its process and the named raters' sheets.
// Anonymous ballots keep no sheet, so nothing here names who cast them.
type AppraisalView struct {
	Appraisal *termgoal.AppraisalRecord `json:"appraisal"`
	Process   *termgoal.Process         `json:"process"`
	Sheets    []termgoal.ScoreSheet     `json:"sheets"`
}

// AppraisalView loads appraisal id after checking that acc may read its process.
func (s *Service) AppraisalView(ctx context.Context, acc *termgoal.Account, id string) (*AppraisalView, error) {
	a, err := s.Store.Appraisal(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := s.VisibleProcess(ctx, acc, id)
	if err != nil {
		return nil, err
	}
	v := &AppraisalView{Appraisal: a, Process: p}
	if v.Sheets, err = s.Store.ScoreSheets(ctx, id); err != nil {
		return nil, err
	}
	if v.Sheets == nil {
		v.Sheets = []termgoal.ScoreSheet{}
	}
	return v, nil
}

// NotificationView is an in-app notification with its text in the caller's language and the
// app path it points to.
type NotificationView struct {
	postgres.Notification
	Subject string `json:"subject"`
	Text    string `json:"text"`
	Link    string `json:"link,omitempty"`
}

// NotificationViews composes the notifications' texts in lang, with the app path each points
// to (the JSON list and the notifications page).
func NotificationViews(lang string, ns []postgres.Notification) []NotificationView {
	views := make([]NotificationView, len(ns))
	for i, n := range ns {
		link := notify.LinkPath(n.Kind, n.ProcessID, n.TaskID)
		m := notify.Compose(lang, n.Kind, n.Params, link)
		views[i] = NotificationView{Notification: n, Subject: m.Subject, Text: m.Text, Link: link}
	}
	return views
}
