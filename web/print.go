package web

// The printable forms (A6): a term's goal plan (目标责任书) and an appraisal's registration
// form (年度考核登记表), as A4 pages to print from the browser and as PDF printed by the
// server's Chromium from the same template, its style sheet inlined.

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/archive"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/pdf"
)

// printCSS is the forms' style sheet, inlined in the documents printed to PDF.
//
//go:embed static/print.css
var printCSS string

// printPlanData is the printable plan.
type printPlanData struct {
	Term      *termgoal.Term
	PostTitle string
	Plan      *termgoal.PlanVersion
	Years     []int
	Signers   []string
	Back, PDF string
}

// printFormData is the printable registration form.
type printFormData struct {
	*app.AppraisalView
	Term      *termgoal.Term
	PostTitle string
	Items     []termgoal.PlanItem
	Signers   []string
	Back, PDF string
}

// PlanPDFs prints each plan version of term t as the PDF of its printable plan, in Chinese
// (the record's language), for the term's archive bundle (app.ArchiveForms).
func (h *Handler) PlanPDFs(ctx context.Context, t *termgoal.Term, plans []termgoal.PlanVersion) ([]archive.Entry, error) {
	title, err := h.postTitle(ctx, t)
	if err != nil {
		return nil, err
	}
	out := make([]archive.Entry, 0, len(plans))
	for i := range plans {
		p := recordPage()
		p.Title = t.OrgName + " · " + p.T("web.print_plan_heading")
		p.Data = printPlanData{Term: t, PostTitle: title, Plan: &plans[i], Years: t.Years(),
			Signers: []string{p.T("web.sign_holder"), p.T("web.sign_superior"), p.T("web.sign_organization")}}
		e, err := printEntry(ctx, "print_plan", p, fmt.Sprintf("plans/v%d.pdf", plans[i].Version))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// AppraisalPDFs prints the registration form of each appraisal of term t, in Chinese, for the
// term's archive bundle (app.ArchiveForms): appraisals/ID.pdf.
func (h *Handler) AppraisalPDFs(ctx context.Context, t *termgoal.Term, appraisals []termgoal.AppraisalRecord) ([]archive.Entry, error) {
	title, err := h.postTitle(ctx, t)
	if err != nil {
		return nil, err
	}
	out := make([]archive.Entry, 0, len(appraisals))
	for i := range appraisals {
		a := &appraisals[i]
		proc, err := h.store.Process(ctx, a.ProcessID)
		if err != nil {
			return nil, err
		}
		items, err := h.planOf(ctx, t.ID, proc.Version)
		if err != nil {
			return nil, err
		}
		p := recordPage()
		p.Title = a.Holder + " · " + p.T("web.print_form_title")
		p.Data = printFormData{AppraisalView: &app.AppraisalView{Appraisal: a, Process: proc}, Term: t, PostTitle: title, Items: items,
			Signers: []string{p.T("web.sign_self"), p.T("web.sign_leader"), p.T("web.sign_organization")}}
		e, err := printEntry(ctx, "print_form", p, "appraisals/"+a.ProcessID+".pdf")
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// recordPage is a printable page of the record: in Chinese, its style sheet inlined.
func recordPage() *webPage {
	return &webPage{Lang: catalog.LangZH, PrintCSS: template.CSS(printCSS)} // #nosec G203 -- our own embedded style sheet
}

// printEntry prints page p of template name as the bundle's file called file.
func printEntry(ctx context.Context, name string, p *webPage, file string) (archive.Entry, error) {
	var b strings.Builder
	if err := webTemplates[name].ExecuteTemplate(&b, "print", p); err != nil {
		return archive.Entry{}, fmt.Errorf("render %s: %w", name, err)
	}
	out, err := pdf.Print(ctx, b.String())
	return archive.Entry{Name: file, Data: out}, err
}

// webPrintPlan shows term :id's plan (?version=, or the one in force) as a printable page, or
// with asPDF as a PDF file.
func (h *Handler) webPrintPlan(asPDF bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		p := h.newPage(c, "web.print_plan_heading")
		t, _, err := h.pageTerm(c)
		if err != nil {
			h.Fail(c, err)
			return
		}
		version, err := app.QueryNumber(c.Request.URL.Query(), "version")
		if err != nil {
			h.Fail(c, err)
			return
		}
		d := printPlanData{Term: t, Years: t.Years(), Back: fmt.Sprintf("/terms/%d", t.ID),
			Signers: []string{p.T("web.sign_holder"), p.T("web.sign_superior"), p.T("web.sign_organization")}}
		if d.Plan, err = h.ops.PlanOf(ctx, t.ID, int(version)); err != nil {
			h.Fail(c, err)
			return
		}
		if d.PostTitle, err = h.postTitle(ctx, t); err != nil {
			h.Fail(c, err)
			return
		}
		d.PDF = fmt.Sprintf("/terms/%d/plan.pdf?version=%d", t.ID, d.Plan.Version)
		p.Title = t.OrgName + " · " + p.Title
		p.Data = d
		h.sendPrint(c, "print_plan", p, asPDF, fmt.Sprintf("plan-term-%d-v%d.pdf", t.ID, d.Plan.Version))
	}
}

// webPrintForm shows appraisal :id's registration form as a printable page, or as a PDF file.
func (h *Handler) webPrintForm(asPDF bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		p := h.newPage(c, "web.print_form_title")
		v, err := h.ops.AppraisalView(ctx, edge.Caller(c), c.Param("id"))
		if err != nil {
			h.Fail(c, err)
			return
		}
		d := printFormData{AppraisalView: v, Back: "/appraisals/" + url.PathEscape(v.Appraisal.ProcessID),
			PDF:     "/appraisals/" + url.PathEscape(v.Appraisal.ProcessID) + "/form.pdf",
			Signers: []string{p.T("web.sign_self"), p.T("web.sign_leader"), p.T("web.sign_organization")}}
		if d.Term, d.Items, err = h.appraisedPlan(ctx, v); err != nil {
			h.Fail(c, err)
			return
		}
		if d.PostTitle, err = h.postTitle(ctx, d.Term); err != nil {
			h.Fail(c, err)
			return
		}
		p.Title = v.Appraisal.Holder + " · " + p.Title
		p.Data = d
		h.sendPrint(c, "print_form", p, asPDF, "appraisal-"+v.Appraisal.ProcessID+".pdf")
	}
}

// sendPrint answers the printable page name, or with asPDF the PDF Chromium prints of it (the
// style sheet inlined, since the document is handed over without an address to fetch it
// from), named file. Without Chromium the answer says how to install it and how to print
// from the browser instead.
func (h *Handler) sendPrint(c *gin.Context, name string, p *webPage, asPDF bool, file string) {
	if asPDF {
		p.PrintCSS = template.CSS(printCSS) // #nosec G203 -- our own embedded style sheet
	}
	var b strings.Builder
	if err := webTemplates[name].ExecuteTemplate(&b, "print", p); err != nil {
		h.Fail(c, fmt.Errorf("render %s: %w", name, err))
		return
	}
	if !asPDF {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(b.String()))
		return
	}
	out, err := pdf.Print(c.Request.Context(), b.String())
	if errors.Is(err, pdf.ErrNoChromium) {
		err = termgoal.Errorf(termgoal.EUNAVAILABLE, "export.no_chromium", err.Error())
	}
	if err != nil {
		h.Fail(c, err)
		return
	}
	if err := edge.SendFile(c, file, "application/pdf", bytes.NewReader(out)); err != nil {
		h.log.Warn("PDF not delivered", "form", name, "err", err)
	}
}
