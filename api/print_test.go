package api

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"termgoal"
)

// pdfText is the text pdftotext reads from a PDF (`make browser` installs it).
func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	if !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("not a PDF: %.200q", pdf)
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = strings.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestPrintableForms: a term's goal plan and an appraisal's registration form as A4 pages and
// as PDF printed by Chromium, for whoever may read them; without Chromium the PDF link says
// how to get one and how to print from the browser meanwhile.
func TestPrintableForms(t *testing.T) {
	f := newFixture(t)
	inA, inB := f.appraisalTerm(f.a1, f.tmpl, 0), f.appraisalTerm(f.b, f.tmpl, 0)
	f.planInForce(inA)
	f.planInForce(inB)
	decided := time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)
	f.seedAppraisal("appr-print", inA, 1, termgoal.StepArchived, "completed", termgoal.AppraisalRecord{Year: 2025, Holder: "a1 村委会", Status: "archived",
		Self:   &termgoal.SelfAssessment{Summary: "全年集体经济收入十二万元。", Items: []termgoal.ItemActual{{No: 1, Actual: "12"}}},
		Result: &termgoal.AppraisalResult{Score: 93.5, Computed: "excellent", Grade: "excellent", Comment: "成绩突出", DecidedAt: decided}})

	page, _ := f.page("GET", fmt.Sprintf("/terms/%d/plan/print", inA.ID), f.a1Tok, 200)
	for _, want := range []string{"任期目标责任书", "发展村集体经济", "党员培训全覆盖", "责任人（签字）", "组织部门（盖章）",
		`href="/static/print.css"`, fmt.Sprintf(`href="/terms/%d/plan.pdf?version=1"`, inA.ID)} {
		if !strings.Contains(page, want) {
			t.Errorf("the printable plan lacks %s", want)
		}
	}
	if n := strings.Count(page, `class="print-item"`); n != 2 {
		t.Errorf("the printable plan has %d items", n)
	}
	if css, _ := f.page("GET", "/static/print.css", "", 200); !strings.Contains(css, "size: A4") || !strings.Contains(css, "page-break-inside: avoid") {
		t.Error("the forms' style sheet does not set A4 and page breaks")
	}
	if term, _ := f.page("GET", fmt.Sprintf("/terms/%d", inA.ID), f.a1Tok, 200); !strings.Contains(term, `id="print-plan-link"`) || !strings.Contains(term, `id="plan-pdf-link"`) {
		t.Error("the term page links to neither the printable plan nor its PDF")
	}
	f.page("GET", fmt.Sprintf("/terms/%d/plan/print", inB.ID), f.aTok, 403)
	f.page("GET", fmt.Sprintf("/terms/%d/plan/print?version=7", inA.ID), f.aTok, 404)

	pdf, _ := f.page("GET", fmt.Sprintf("/terms/%d/plan.pdf", inA.ID), f.aTok, 200)
	text := pdfText(t, pdf)
	for _, want := range []string{"任期目标责任书", "发展村集体经济", "党员培训全覆盖", "培训率100%"} {
		if !strings.Contains(strings.ReplaceAll(text, " ", ""), want) {
			t.Errorf("the plan's PDF lacks %s:\n%s", want, text)
		}
	}

	form, _ := f.page("GET", "/appraisals/appr-print/form?lang=en", f.aTok, 200)
	for _, want := range []string{"Appraisal registration form, 2025", "a1 村委会", "全年集体经济收入十二万元。", "成绩突出", "Excellent", "Appraised (signature)"} {
		if !strings.Contains(form, want) {
			t.Errorf("the registration form lacks %s", want)
		}
	}
	if ap, _ := f.page("GET", "/appraisals/appr-print", f.aTok, 200); !strings.Contains(ap, `href="/appraisals/appr-print/form"`) {
		t.Error("the appraisal page does not link to its registration form")
	}
	f.page("GET", "/appraisals/appr-print/form", f.no, 404)
	pdf, _ = f.page("GET", "/appraisals/appr-print/form.pdf", f.aTok, 200)
	if text := strings.ReplaceAll(pdfText(t, pdf), " ", ""); !strings.Contains(text, "年度考核登记表") || !strings.Contains(text, "优秀") || !strings.Contains(text, "成绩突出") {
		t.Errorf("the form's PDF:\n%s", text)
	}

	t.Setenv("CHROMIUM", "")
	t.Setenv("PATH", t.TempDir())
	body, _ := f.page("GET", fmt.Sprintf("/terms/%d/plan.pdf?lang=en", inA.ID), f.aTok, 503)
	if !strings.Contains(body, "apt-get install chromium fonts-noto-cjk") || !strings.Contains(body, "Save as PDF") {
		t.Errorf("without Chromium: %s", body)
	}
}
