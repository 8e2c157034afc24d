package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"termgoal"
)

// TestAuditLogPage: an administrator's audit log, as a page and over the API. adminA reads
// the lines of terms and processes under A, never B's; the filters narrow it; someone who
// administers nothing is refused; a malformed date is refused in the caller's language.
func TestAuditLogPage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inA, inB := f.appraisalTerm(f.a1, f.tmpl, 0), f.appraisalTerm(f.b, f.tmpl, 0)
	for _, a := range []termgoal.Audit{
		{ActorID: f.accounts["adminA"].ID, ActorName: "王管理员", Action: "term_followed", TermID: inA.ID},
		{ActorID: f.accounts["root"].ID, ActorName: "总管理员", Action: "term_followed", TermID: inB.ID},
		{ActorID: f.accounts["adminA"].ID, ActorName: "王管理员", Action: "handover", TermID: inA.ID, Detail: map[string]any{"reason": "调任"}},
	} {
		if err := f.store.AppendAudit(ctx, a); err != nil {
			t.Fatal(err)
		}
	}

	body, _ := f.page("GET", "/audit", f.aTok, 200)
	if n := strings.Count(body, `class="audit-line"`); n != 2 || !strings.Contains(body, "调任") || strings.Contains(body, "总管理员") {
		t.Errorf("adminA's audit page shows %d lines: %s", n, body)
	}
	if i, j := strings.Index(body, `data-action="handover"`), strings.Index(body, `data-action="term_followed"`); i < 0 || j < i {
		t.Error("the newest line is not first")
	}
	if !strings.Contains(body, `id="nav-audit"`) || !strings.Contains(body, fmt.Sprintf(`href="/terms/%d"`, inA.ID)) {
		t.Error("no link to the audit page or to the term")
	}
	body, _ = f.page("GET", "/audit?action=handover", f.aTok, 200)
	if n := strings.Count(body, `class="audit-line"`); n != 1 || !strings.Contains(body, `<option value="handover" selected>`) {
		t.Errorf("filtered by action: %d lines", n)
	}
	body, _ = f.page("GET", "/audit?actor=总", f.rootTok, 200)
	if n := strings.Count(body, `class="audit-line"`); n != 1 {
		t.Errorf("root filtered by actor: %d lines", n)
	}
	body, _ = f.page("GET", "/audit?from=2000-01-01&to=2000-12-31", f.rootTok, 200)
	if !strings.Contains(body, `id="no-audit"`) {
		t.Error("lines outside the dates are shown")
	}
	f.page("GET", "/audit", f.a1Tok, 403)
	if body, _ := f.page("GET", "/audit?from=yesterday&lang=en", f.aTok, 422); !strings.Contains(body, "YYYY-MM-DD") {
		t.Errorf("a malformed date: %s", body)
	}

	var audit List[termgoal.Audit]
	f.do("GET", fmt.Sprintf("/api/v1/audit?order=newest&actor_id=%d", f.accounts["adminA"].ID), f.aTok, nil, 200, &audit)
	if audit.Total != 2 || audit.Items[0].Action != "handover" {
		t.Errorf("adminA's lines newest first: %+v", audit.Items)
	}
	f.do("GET", fmt.Sprintf("/api/v1/audit?term_id=%d", inB.ID), f.rootTok, nil, 200, &audit)
	if audit.Total != 1 {
		t.Errorf("B's term: %+v", audit.Items)
	}
	f.errCode("GET", fmt.Sprintf("/api/v1/audit?term_id=%d", inB.ID), f.aTok, nil, 403)
	f.errCode("GET", "/api/v1/audit?to=2026-13-01", f.aTok, nil, 422)
	f.errCode("GET", "/api/v1/audit?actor_id=x", f.aTok, nil, 400)
}
