package api

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"termgoal"
)

// workbook is an export as read back by excelize: its one sheet's name, the cells as shown
// (with their number formats) and as stored.
type workbook struct {
	sheet      string
	shown, raw [][]string
}

func readExport(t *testing.T, body string) workbook {
	t.Helper()
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer x.Close()
	w := workbook{sheet: x.GetSheetName(0)}
	if w.shown, err = x.GetRows(w.sheet); err != nil {
		t.Fatal(err)
	}
	if w.raw, err = x.GetRows(w.sheet, excelize.Options{RawCellValue: true}); err != nil {
		t.Fatal(err)
	}
	return w
}

// col answers the shown and stored value of row's cell under the header title.
func (w workbook) col(t *testing.T, row int, title string) (shown, raw string) {
	t.Helper()
	i := slices.Index(w.shown[0], title)
	if i < 0 {
		t.Fatalf("no column %q in %q", title, w.shown[0])
	}
	if i >= len(w.shown[row]) {
		return "", ""
	}
	return w.shown[row][i], w.raw[row][i]
}

func number(t *testing.T, raw string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%q is not a number cell", raw)
	}
	return v
}

// TestExports takes each export as a page link and over the API: the header in the caller's
// language, numbers and dates as such, the caller's scope (another org's rows absent), the
// page's filter, and a refusal to whoever may not read the list.
func TestExports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inA, inB := f.appraisalTerm(f.a1, f.tmpl, 0), f.appraisalTerm(f.b, f.tmpl, 0)
	f.planInForce(inA)
	f.planInForce(inB)

	t.Run("audit", func(t *testing.T) {
		body, _ := f.page("GET", "/exports/audit.xlsx", f.aTok, 200)
		w := readExport(t, body)
		var lines List[termgoal.Audit]
		f.do("GET", "/api/v1/audit", f.aTok, nil, 200, &lines)
		if w.sheet != "审计日志" || w.shown[0][0] != "时间" || len(w.shown)-1 != lines.Total || lines.Total == 0 {
			t.Fatalf("adminA's audit export: sheet %q, %d rows for %d lines: %q", w.sheet, len(w.shown)-1, lines.Total, w.shown)
		}
		for _, r := range w.shown[1:] {
			if slices.Contains(r, fmt.Sprintf("gs-%d", inB.ID)) || strings.Contains(strings.Join(r, " "), "seed-plan") {
				t.Errorf("a line of b in adminA's export: %q", r)
			}
		}
		shown, raw := w.col(t, 1, "时间")
		if number(t, raw) < 45000 || shown != "2025-02-01 08:00:00" {
			t.Errorf("the time cell shows %q (stored %q), want 2025-02-01 08:00:00, China time, as a date", shown, raw)
		}
		body = string(f.do("GET", "/api/v1/exports/audit.xlsx?lang=en&action=nothing_like_this", f.rootTok, nil, 200, nil))
		if w := readExport(t, body); w.sheet != "Audit log" || len(w.shown) != 1 || w.shown[0][0] != "When" {
			t.Errorf("root's export filtered to nothing, in English: %q %q", w.sheet, w.shown)
		}
		if page, _ := f.page("GET", "/audit?action=handover", f.aTok, 200); !strings.Contains(page, `href="/exports/audit.xlsx?action=handover" id="export-audit"`) {
			t.Error("the audit page offers no export of what it filters")
		}
		f.page("GET", "/exports/audit.xlsx", f.a1Tok, 403)
		f.errCode("GET", "/api/v1/exports/audit.xlsx?from=someday", f.aTok, nil, 422)
	})

	t.Run("appraisals", func(t *testing.T) {
		decided := time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)
		score := 92.0
		f.seedAppraisal("appr-a", inA, 1, termgoal.StepArchived, "completed", termgoal.AppraisalRecord{Year: 2025, Holder: "a1", Status: "archived",
			Consequences: []termgoal.Consequence{termgoal.ConsequenceAdvancedEligible},
			Self:         &termgoal.SelfAssessment{Score: &score},
			Result:       &termgoal.AppraisalResult{RaterScore: 88.5, Score: 90.25, Computed: "good", Grade: "excellent", PayShare: 1.2, Reason: "突出贡献", DecidedAt: decided},
			Appeal:       &termgoal.Appeal{Reason: "不服", Upheld: true, OldGrade: "good", NewGrade: "excellent", AnsweredAt: decided}})
		f.seedAppraisal("appr-b", inB, 2, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2025, Holder: "b", Status: "running"})

		body, _ := f.page("GET", "/exports/appraisals.xlsx?year=2025&lang=en", f.aTok, 200)
		w := readExport(t, body)
		if len(w.shown) != 2 || w.shown[1][0] != "a1" {
			t.Fatalf("adminA's results: %q", w.shown)
		}
		for title, want := range map[string]string{"Grade": "Excellent", "Computed grade": "Good", "Reason for a different grade": "突出贡献",
			"Process": "appr-a", "Organization": "a1", "Appeal": "Upheld: Good → Excellent"} {
			if got, _ := w.col(t, 1, title); got != want {
				t.Errorf("%s = %q, want %q", title, got, want)
			}
		}
		for title, want := range map[string]float64{"Pay share": 1.2, "Score": 90.25, "Raters' score": 88.5, "Self score": 92, "Year": 2025} {
			if _, raw := w.col(t, 1, title); number(t, raw) != want {
				t.Errorf("%s = %q, want the number %v", title, raw, want)
			}
		}
		var all List[termgoal.AppraisalRecord]
		f.do("GET", "/api/v1/appraisals", f.rootTok, nil, 200, &all)
		body = string(f.do("GET", "/api/v1/exports/appraisals.xlsx", f.rootTok, nil, 200, nil))
		if w := readExport(t, body); len(w.shown)-1 != all.Total || all.Total != 2 || w.shown[0][0] != "考核对象" {
			t.Errorf("root exports %d of %d appraisals: %q", len(w.shown)-1, all.Total, w.shown)
		}
		body = string(f.do("GET", fmt.Sprintf("/api/v1/exports/appraisals.xlsx?status=running&org_id=%d", f.b.ID), f.rootTok, nil, 200, nil))
		if w := readExport(t, body); len(w.shown) != 2 || w.shown[1][0] != "b" {
			t.Errorf("root's running appraisals of b: %q", w.shown)
		}
		for use, want := range map[string]int{"advanced": 1, "rectify": 0} {
			body = string(f.do("GET", "/api/v1/exports/appraisals.xlsx?use="+use, f.rootTok, nil, 200, nil))
			if w := readExport(t, body); len(w.shown)-1 != want {
				t.Errorf("the results in use %s: %q", use, w.shown)
			}
		}
		if page, _ := f.page("GET", "/results?use=advanced&year=2025", f.aTok, 200); !strings.Contains(page, `href="/exports/appraisals.xlsx?use=advanced&amp;year=2025"`) {
			t.Error("the results page offers no export of what it lists")
		}
		f.errCode("GET", "/api/v1/exports/appraisals.xlsx?use=everything", f.rootTok, nil, 422)
		f.errCode("GET", fmt.Sprintf("/api/v1/exports/appraisals.xlsx?org_id=%d", f.b.ID), f.aTok, nil, 403)
		f.errCode("GET", "/api/v1/exports/appraisals.xlsx?year=last", f.aTok, nil, 400)
	})

	t.Run("plan", func(t *testing.T) {
		body, _ := f.page("GET", fmt.Sprintf("/terms/%d/plan.xlsx", inA.ID), f.a1Tok, 200)
		w := readExport(t, body)
		if w.sheet != "目标责任书" || len(w.shown) != 3 || !slices.Contains(w.shown[0], "2027 年目标") {
			t.Fatalf("the plan of a1: %q %q", w.sheet, w.shown)
		}
		if got, _ := w.col(t, 1, "目标"); got != "发展村集体经济" {
			t.Errorf("first item %q", got)
		}
		if _, raw := w.col(t, 1, "2026 年目标"); number(t, raw) != 20 {
			t.Errorf("a numeric target is %q", raw)
		}
		if got, _ := w.col(t, 2, "2025 年目标"); got != "培训率100%" {
			t.Errorf("a written target is %q", got)
		}
		if _, raw := w.col(t, 2, "权重"); number(t, raw) != 40 {
			t.Errorf("a weight is %q", raw)
		}
		if page, _ := f.page("GET", fmt.Sprintf("/terms/%d", inA.ID), f.a1Tok, 200); !strings.Contains(page, fmt.Sprintf(`href="/terms/%d/plan.xlsx?version=1"`, inA.ID)) {
			t.Error("the term page offers no export of its plan")
		}
		f.do("GET", fmt.Sprintf("/api/v1/terms/%d/plan.xlsx?version=1", inA.ID), f.aTok, nil, 200, nil)
		f.errCode("GET", fmt.Sprintf("/api/v1/terms/%d/plan.xlsx", inB.ID), f.aTok, nil, 403)
		f.errCode("GET", fmt.Sprintf("/api/v1/terms/%d/plan.xlsx?version=9", inA.ID), f.aTok, nil, 404)
	})

	t.Run("plans", func(t *testing.T) {
		body, _ := f.page("GET", "/exports/plans.xlsx", f.aTok, 200)
		w := readExport(t, body)
		if w.sheet != "现行目标" || len(w.shown) != 3 || !slices.Contains(w.shown[0], "2027 年目标") {
			t.Fatalf("adminA's plans in force: %q %q", w.sheet, w.shown)
		}
		for row := 1; row <= 2; row++ {
			if org, _ := w.col(t, row, "单位"); org != "a1" {
				t.Errorf("row %d is of %q", row, org)
			}
		}
		if shown, raw := w.col(t, 1, "任期起"); shown != "2025-01-01" || number(t, raw) < 45000 {
			t.Errorf("a term's start is %q (%q)", shown, raw)
		}
		if _, raw := w.col(t, 1, "2027 年目标"); number(t, raw) != 30 {
			t.Errorf("a numeric target is %q", raw)
		}
		var plans int
		body = string(f.do("GET", "/api/v1/exports/plans.xlsx", f.rootTok, nil, 200, nil))
		for _, r := range readExport(t, body).shown[1:] {
			if r[0] == "b" {
				plans++
			}
		}
		if plans != 2 {
			t.Errorf("root's export has %d items of b", plans)
		}
		if page, _ := f.page("GET", fmt.Sprintf("/orgs/%d", f.a.ID), f.aTok, 200); !strings.Contains(page, fmt.Sprintf(`href="/exports/plans.xlsx?org_id=%d"`, f.a.ID)) {
			t.Error("the org page offers no export of its plans")
		}
		f.errCode("GET", fmt.Sprintf("/api/v1/exports/plans.xlsx?org_id=%d", f.b.ID), f.aTok, nil, 403)
	})

	t.Run("campaign", func(t *testing.T) {
		camp := termgoal.Campaign{Name: "换届", Kind: "goal_setting", OrgID: f.a.ID, Status: "done", CreatedBy: "adminA"}
		if err := f.store.CreateCampaign(ctx, &camp); err != nil {
			t.Fatal(err)
		}
		body, _ := f.page("GET", fmt.Sprintf("/campaigns/%d/progress.xlsx?lang=en", camp.ID), f.aTok, 200)
		w := readExport(t, body)
		if len(w.shown) != 2 || w.shown[1][0] != "a1" {
			t.Fatalf("the campaign's units: %q", w.shown)
		}
		for title, want := range map[string]float64{"Terms": 1, "Started": 1, "Completed": 1, "Not started": 0} {
			if _, raw := w.col(t, 1, title); number(t, raw) != want {
				t.Errorf("%s = %q, want %v", title, raw, want)
			}
		}
		if page, _ := f.page("GET", fmt.Sprintf("/campaigns/%d", camp.ID), f.aTok, 200); !strings.Contains(page, fmt.Sprintf(`href="/campaigns/%d/progress.xlsx"`, camp.ID)) {
			t.Error("the campaign page offers no export of its progress")
		}
		f.page("GET", fmt.Sprintf("/campaigns/%d/progress.xlsx", camp.ID), f.a1Tok, 403)
	})

	t.Run("term rules", func(t *testing.T) {
		newTermRulesWorld(f)
		body, _ := f.page("GET", fmt.Sprintf("/exports/term-rules.xlsx?org_id=%d&as_of=%s", f.root.ID, termRulesDay), f.rootTok, 200)
		w := readExport(t, body)
		var people []string
		for _, r := range w.shown[1:] {
			people = append(people, r[0])
		}
		if !slices.Contains(people, "老王") || !slices.Contains(people, "张三") || slices.Contains(people, "小李") {
			t.Errorf("the people with warnings: %q", w.shown)
		}
		items, _, err := f.h.ops.TermRulesReport(ctx, "zh-CN", f.root.Path, mustDay(termRulesDay), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range items {
			n += len(it.Warnings)
		}
		if len(people) != n {
			t.Errorf("%d rows for %d warnings", len(people), n)
		}
		f.page("GET", fmt.Sprintf("/exports/term-rules.xlsx?org_id=%d", f.b.ID), f.aTok, 403)
		f.errCode("GET", fmt.Sprintf("/api/v1/exports/term-rules.xlsx?org_id=%d&as_of=soon", f.a.ID), f.aTok, nil, 400)
	})
}
