package api

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"termgoal"
	"testing"

	"github.com/xuri/excelize/v2"

	"termgoal/app"
	"termgoal/postgres"
)

// importWorkbook is the import template with its example rows naming template.
func importWorkbook(t *testing.T, template string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := app.ImportTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue(postgres.SheetTerms, "I2", template); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type importAnswer struct {
	DryRun bool                  `json:"dry_run"`
	Result postgres.ImportResult `json:"result"`
	Rows   []app.ImportProblem   `json:"rows"`
}

// POST /api/v1/imports: a root administrator only; a dry run says what it would do and writes
// nothing; the import creates, and the same file again changes nothing; a file with a wrong
// cell answers 422 with the row and writes nothing; the template downloads.
func TestImportOverTheAPI(t *testing.T) {
	f := newFixture(t)
	book := importWorkbook(t, f.tmpl.Name)
	f.upload("/api/v1/imports", f.aTok, "people.xlsx", book, nil, 403, nil)

	var a importAnswer
	f.upload("/api/v1/imports?dry_run=true", f.rootTok, "people.xlsx", book, nil, 200, &a)
	if !a.DryRun || a.Result.Orgs.Created != 1 || a.Result.Terms.Created != 1 {
		t.Errorf("dry run %+v", a)
	}
	if audit, _, err := f.store.Audit(t.Context(), postgres.AuditFilter{Action: "imported"}); err != nil || len(audit) != 0 {
		t.Fatalf("a dry run audited %v, %v", audit, err)
	}
	f.upload("/api/v1/imports", f.rootTok, "people.xlsx", book, nil, 200, &a)
	if a.DryRun || a.Result.Orgs.Created != 1 || a.Result.People.Created != 1 || a.Result.Posts.Created != 1 || a.Result.Terms.Created != 1 {
		t.Errorf("import %+v", a)
	}
	f.upload("/api/v1/imports", f.rootTok, "people.xlsx", book, nil, 200, &a)
	if a.Result.Orgs.Unchanged != 1 || a.Result.Terms.Unchanged != 1 || a.Result.Orgs.Created+a.Result.Terms.Created != 0 {
		t.Errorf("the same file again %+v", a)
	}
	if audit, _, err := f.store.Audit(t.Context(), postgres.AuditFilter{Action: "imported"}); err != nil || len(audit) != 2 {
		t.Errorf("audited %v, %v", audit, err)
	}

	csv := "key,name,gender,birth_date\nP7,赵六,男,1970-01-01\nP8,孙七,unknown,1970-01-01\n"
	f.upload("/api/v1/imports", f.rootTok, "people.csv", []byte(csv), nil, 422, &a)
	if len(a.Rows) != 1 || a.Rows[0].Row != 3 || a.Rows[0].Column != "性别" {
		t.Errorf("a wrong cell: %+v", a.Rows)
	}
	if people, n, err := f.store.People(t.Context(), 100, 0); err != nil || slices.ContainsFunc(people, func(p termgoal.Person) bool { return p.Name == "赵六" }) {
		t.Errorf("a refused file wrote people: %d %v", n, err)
	}

	// The term rules' facts: a township, a non-party cadre, a specialist and a congress post.
	facts := map[string]string{
		"orgs.csv":   "编码,名称,类型,上级编码\nTS,青石镇,乡镇,\n",
		"people.csv": "编码,姓名,性别,党外干部\nNP1,党外甲,男,是\nNP2,党员乙,女,否\n",
		"posts.csv":  "编码,组织编码,职务名称,专业性较强岗位,人大政协岗位\nTS-1,TS,人大主席,否,是\nTS-2,TS,总工程师,yes,no\n",
	}
	for _, name := range []string{"orgs.csv", "people.csv", "posts.csv"} {
		f.upload("/api/v1/imports", f.rootTok, name, []byte(facts[name]), nil, 200, &a)
	}
	people, _, err := f.store.People(t.Context(), 100, 0)
	if err != nil || !slices.ContainsFunc(people, func(p termgoal.Person) bool { return p.Name == "党外甲" && p.NonParty }) ||
		!slices.ContainsFunc(people, func(p termgoal.Person) bool { return p.Name == "党员乙" && !p.NonParty }) {
		t.Errorf("non-party cadres imported: %+v %v", people, err)
	}
	var ts termgoal.Org
	orgs, err := f.store.Orgs(t.Context(), "/")
	for _, o := range orgs {
		if o.Name == "青石镇" {
			ts = o
		}
	}
	posts, _ := f.store.Posts(t.Context(), ts.ID)
	if err != nil || ts.Type != termgoal.OrgTownship || len(posts) != 2 || !posts[0].Congress || posts[0].Specialist || !posts[1].Specialist {
		t.Errorf("a township %+v and its posts %+v imported, %v", ts, posts, err)
	}

	body, _ := f.page("GET", "/api/v1/imports/template.xlsx", f.a1Tok, 200)
	if !strings.HasPrefix(body, "PK") {
		t.Errorf("the template is no XLSX: %q", body[:min(20, len(body))])
	}
}

// 10,000 people import in one request, in one transaction.
func TestImportTenThousandRows(t *testing.T) {
	f := newFixture(t)
	var csv strings.Builder
	csv.WriteString("编码,姓名,性别,出生日期\n")
	for i := range 10000 {
		fmt.Fprintf(&csv, "N%05d,人员%d,女,1980-01-%02d\n", i, i, i%28+1)
	}
	var a importAnswer
	f.upload("/api/v1/imports", f.rootTok, "people.csv", []byte(csv.String()), nil, 200, &a)
	if a.Result.People.Created != 10000 {
		t.Errorf("imported %+v", a.Result)
	}
	if _, n, err := f.store.People(t.Context(), 1, 0); err != nil || n < 10000 {
		t.Errorf("%d people, %v", n, err)
	}
}

// The import page: the form and the template link for a root administrator; a check lists what
// the import would do; a wrong file lists its cells in the reader's language; an import goes
// back to the page.
func TestWebImport(t *testing.T) {
	f := newFixture(t)
	body, _ := f.page("GET", "/import", f.rootTok, 200)
	for _, want := range []string{`id="import-form"`, `formaction="/import?dry_run=1"`, `href="/api/v1/imports/template.xlsx"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the import page lacks %q:\n%s", want, body)
		}
	}
	f.page("GET", "/import", f.aTok, 403)
	book := importWorkbook(t, f.tmpl.Name)
	rec := f.uploadRaw("/import?dry_run=1", f.rootTok, "roster.xlsx", book, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="import-result"`) || !strings.Contains(rec.Body.String(), "roster.xlsx 检查无误") {
		t.Errorf("a check: %d\n%s", rec.Code, rec.Body.String())
	}
	rec = f.uploadRaw("/import", f.rootTok, "people.csv", []byte("编码,姓名,性别\nP1,,男\n"), nil)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), `data-row="2"`) || !strings.Contains(rec.Body.String(), "“姓名”为空") {
		t.Errorf("a wrong file: %d\n%s", rec.Code, rec.Body.String())
	}
	rec = f.uploadRaw("/import", f.rootTok, "roster.xlsx", book, nil)
	if rec.Code != 303 || rec.Header().Get("Location") != "/import" {
		t.Errorf("an import: %d %v", rec.Code, rec.Header())
	}
}
