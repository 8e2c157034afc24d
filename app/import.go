package app

// Importing orgs, people, posts and terms from the spreadsheets a department keeps (A7): an
// XLSX workbook with a sheet of each kind, or a CSV file of one kind. ReadImport checks every
// cell and names each wrong one (sheet, row, column, reason in the reader's language); Import
// writes the rows in one transaction (postgres.Store.Import), or, as a dry run, answers what it
// would do. The page, the API and `termgoal import` all go through here.

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"termgoal"
	"termgoal/catalog"
	"termgoal/postgres"
)

// importColumn is a column of an import sheet: its name, its Chinese name and whether a row
// needs it.
type importColumn struct {
	Name, Chinese string
	Required      bool
}

// ImportColumns are the columns of each kind of sheet, in the order of the template file.
var ImportColumns = map[string][]importColumn{
	postgres.SheetOrgs: {{"key", "编码", true}, {"name", "名称", true}, {"type", "类型", true}, {"parent_key", "上级编码", false}},
	postgres.SheetPeople: {{"key", "编码", true}, {"name", "姓名", true}, {"gender", "性别", false}, {"birth_date", "出生日期", false},
		{"non_party", "党外干部", false}},
	postgres.SheetPosts: {{"key", "编码", true}, {"org_key", "组织编码", true}, {"title", "职务名称", true}, {"rank", "级别", false},
		{"principal", "主要负责人", false}, {"specialist", "专业性较强岗位", false}, {"congress", "人大政协岗位", false}},
	postgres.SheetTerms: {{"key", "编码", true}, {"org_key", "组织编码", true}, {"holder_kind", "任期主体", true}, {"person_key", "人员编码", false},
		{"post_key", "职务编码", false}, {"appointment", "任用方式", true}, {"start", "开始日期", true}, {"end", "结束日期", true},
		{"template", "模板", true}, {"probation_start", "试用期开始", false}},
}

// ImportSheets are the kinds in the order they are written.
var ImportSheets = []string{postgres.SheetOrgs, postgres.SheetPeople, postgres.SheetPosts, postgres.SheetTerms}

// importValues are the words a cell may hold for a coded value, in English or Chinese.
var importValues = map[string]map[string]string{
	"type": {"village_community": "village_community", "agency": "agency", "enterprise": "enterprise", "other": "other",
		"township": "township", "university": "university",
		"村（社区）": "village_community", "村": "village_community", "社区": "village_community", "机关": "agency", "企业": "enterprise", "其他": "other",
		"乡镇": "township", "乡": "township", "镇": "township", "高校": "university"},
	"gender":      {"male": "male", "female": "female", "男": "male", "女": "female"},
	"principal":   importYesNo,
	"non_party":   importYesNo,
	"specialist":  importYesNo,
	"congress":    importYesNo,
	"holder_kind": {"org": "org", "person": "person", "组织": "org", "个人": "person"},
	"appointment": {"elected": "elected", "appointed": "appointed", "contracted": "contracted", "选任": "elected", "选任制": "elected",
		"委任": "appointed", "委任制": "appointed", "聘任": "contracted", "聘任制": "contracted"},
}

// importYesNo are the words of a yes-or-no column.
var importYesNo = map[string]string{"yes": "true", "no": "false", "true": "true", "false": "false", "1": "true", "0": "false", "是": "true", "否": "false"}

// MaxImportRows bounds the rows of one sheet (blank ones too: a workbook may say its one row
// is row 1,048,576); maxImportUnzipped bounds what a workbook unpacks to.
const (
	MaxImportRows     = 100_000
	maxImportUnzipped = 256 << 20
)

// ReadImport reads an import file: XLSX (by its name) with sheets named orgs, people, posts and
// terms (or 组织, 人员, 职务, 任期), or CSV of one kind, which its header tells. Each wrong
// cell is an ImportErrors entry; the error is for a file that cannot be read at all.
func ReadImport(r io.Reader, filename string) (*postgres.ImportData, postgres.ImportErrors, error) {
	rd := &importReader{data: &postgres.ImportData{}, keys: map[string]map[string]int{}}
	if strings.EqualFold(filepath.Ext(filename), ".xlsx") {
		// A workbook is a zip: its parts may unpack to far more than it weighs.
		f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxImportUnzipped, UnzipXMLSizeLimit: maxImportUnzipped / 4})
		if err != nil {
			return nil, nil, termgoal.Errorf(termgoal.EINVALID, "import.unreadable", "the file is not an XLSX workbook")
		}
		defer f.Close()
		known := 0
		for _, sheet := range f.GetSheetList() {
			kind := importKind(sheet)
			if kind == "" {
				continue
			}
			known++
			rows, err := f.Rows(sheet)
			if err != nil {
				return nil, nil, err
			}
			if err := rd.sheet(kind, func() ([]string, error) {
				if !rows.Next() {
					return nil, io.EOF
				}
				return rows.Columns(excelize.Options{RawCellValue: true})
			}); err != nil {
				_ = rows.Close() // the sheet's error is the one to report
				return nil, nil, err
			}
			if err := rows.Close(); err != nil {
				return nil, nil, err
			}
		}
		if known == 0 {
			return nil, nil, termgoal.Errorf(termgoal.EINVALID, "import.no_sheets", "the workbook has no sheet named orgs, people, posts or terms")
		}
	} else {
		c := csv.NewReader(r)
		c.FieldsPerRecord = -1
		header, err := c.Read()
		if err != nil {
			return nil, nil, termgoal.Errorf(termgoal.EINVALID, "import.unreadable", "the file is not a CSV file with a header row")
		}
		kind := csvKind(header)
		if kind == "" {
			return nil, nil, termgoal.Errorf(termgoal.EINVALID, "import.csv_kind", "the header names no kind of sheet: orgs need parent_key, people gender, posts title, terms holder_kind")
		}
		first := true
		if err := rd.sheet(kind, func() ([]string, error) {
			if first {
				first = false
				return header, nil
			}
			return c.Read()
		}); err != nil {
			var refusal *termgoal.Error
			if errors.As(err, &refusal) {
				return nil, nil, err
			}
			return nil, nil, termgoal.Errorf(termgoal.EINVALID, "import.unreadable", "the CSV file cannot be read: "+err.Error())
		}
	}
	if rd.data.Rows() == 0 && len(rd.errs) == 0 {
		return nil, nil, termgoal.Errorf(termgoal.EINVALID, "import.empty", "the file has no rows to import")
	}
	return rd.data, rd.errs, nil
}

// importKind names the kind of a sheet from its name in English or Chinese, "" when unknown.
func importKind(sheet string) string {
	switch strings.ToLower(strings.TrimSpace(sheet)) {
	case postgres.SheetOrgs, "组织", "组织机构":
		return postgres.SheetOrgs
	case postgres.SheetPeople, "人员":
		return postgres.SheetPeople
	case postgres.SheetPosts, "职务", "岗位":
		return postgres.SheetPosts
	case postgres.SheetTerms, "任期":
		return postgres.SheetTerms
	}
	return ""
}

// csvKind tells the kind of a CSV file from its header: the column only that kind has.
func csvKind(header []string) string {
	has := func(name string) bool {
		return slices.ContainsFunc(header, func(h string) bool { return columnName(h) == name })
	}
	switch {
	case has("holder_kind"):
		return postgres.SheetTerms
	case has("parent_key") || has("type"):
		return postgres.SheetOrgs
	case has("title"):
		return postgres.SheetPosts
	case has("gender") || has("birth_date"):
		return postgres.SheetPeople
	}
	return ""
}

// columnName is the column a header cell names, in English or Chinese ("" when unknown).
func columnName(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	for _, cols := range ImportColumns {
		for _, c := range cols {
			if h == c.Name || h == c.Chinese {
				return c.Name
			}
		}
	}
	return ""
}

// importReader turns rows into ImportData, noting each wrong cell.
type importReader struct {
	data *postgres.ImportData
	errs postgres.ImportErrors
	keys map[string]map[string]int // the rows of each kind's keys, for duplicates
}

func (rd *importReader) refuse(kind string, row int, column, key, msg string, kv ...any) {
	args := map[string]any{"column": column}
	for i := 0; i+1 < len(kv); i += 2 {
		args[fmt.Sprint(kv[i])] = kv[i+1]
	}
	rd.errs = append(rd.errs, postgres.RowError{Sheet: kind, Row: row, Column: column, Key: key, Args: args, Message: msg})
}

// sheet reads one sheet of kind, row by row from next (the header first; io.EOF ends it).
func (rd *importReader) sheet(kind string, next func() ([]string, error)) error {
	header, err := next()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	at := map[string]int{}
	for i, h := range header {
		if name := columnName(h); name != "" {
			at[name] = i
		}
	}
	for _, c := range ImportColumns[kind] {
		if _, ok := at[c.Name]; !ok && c.Required {
			rd.refuse(kind, 1, c.Name, "import.column_missing", "the header lacks the column "+c.Name)
		}
	}
	if rd.keys[kind] == nil {
		rd.keys[kind] = map[string]int{}
	}
	for row := 2; ; row++ {
		cells, err := next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if row > MaxImportRows+1 {
			return termgoal.Errorf(termgoal.EINVALID, "import.too_many_rows", "a sheet may have at most 100,000 rows; split the file", "max", MaxImportRows)
		}
		if !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue // a blank row
		}
		rd.row(kind, row, func(name string) string {
			if i, ok := at[name]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		})
	}
}

// row checks one row and adds it to the data.
func (rd *importReader) row(kind string, row int, get func(string) string) {
	before := len(rd.errs)
	for _, c := range ImportColumns[kind] {
		if c.Required && get(c.Name) == "" {
			rd.refuse(kind, row, c.Name, "import.required", "the column "+c.Name+" is empty")
		}
	}
	code := func(column string) string {
		v := get(column)
		if v == "" {
			return ""
		}
		if got, ok := importValues[column][strings.ToLower(v)]; ok {
			return got
		}
		rd.refuse(kind, row, column, "import.bad_value", "not one of the allowed values: "+v, "value", v)
		return ""
	}
	date := func(column string) *time.Time {
		v := get(column)
		if v == "" {
			return nil
		}
		if d, err := time.Parse("2006-1-2", strings.ReplaceAll(v, "/", "-")); err == nil {
			return &d
		}
		if serial, err := strconv.ParseFloat(v, 64); err == nil && serial > 1 && serial < 100000 {
			if d, err := excelize.ExcelDateToTime(serial, false); err == nil {
				d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
				return &d
			}
		}
		rd.refuse(kind, row, column, "import.bad_date", "not a date (YYYY-MM-DD): "+v, "value", v)
		return nil
	}
	key := get("key")
	if first, ok := rd.keys[kind][key]; ok && key != "" {
		rd.refuse(kind, row, "key", "import.duplicate_key", "the key "+key+" is also on row "+strconv.Itoa(first), "key", key, "first", first)
	}
	rd.keys[kind][key] = row
	var add func()
	switch kind {
	case postgres.SheetOrgs:
		o := postgres.ImportOrg{Row: row, Key: key, ParentKey: get("parent_key"), Name: get("name"), Type: termgoal.OrgType(code("type"))}
		add = func() { rd.data.Orgs = append(rd.data.Orgs, o) }
	case postgres.SheetPeople:
		p := postgres.ImportPerson{Row: row, Key: key, Name: get("name"), Gender: code("gender"), BirthDate: date("birth_date"),
			NonParty: code("non_party") == "true"}
		add = func() { rd.data.People = append(rd.data.People, p) }
	case postgres.SheetPosts:
		p := postgres.ImportPost{Row: row, Key: key, OrgKey: get("org_key"), Title: get("title"), Rank: get("rank"), Principal: code("principal") == "true",
			Specialist: code("specialist") == "true", Congress: code("congress") == "true"}
		add = func() { rd.data.Posts = append(rd.data.Posts, p) }
	case postgres.SheetTerms:
		t := postgres.ImportTerm{Row: row, Key: key, OrgKey: get("org_key"), PersonKey: get("person_key"), PostKey: get("post_key"),
			HolderKind: termgoal.HolderKind(code("holder_kind")), Appointment: termgoal.Appointment(code("appointment")),
			Template: get("template"), ProbationStart: date("probation_start")}
		if d := date("start"); d != nil {
			t.Start = *d
		}
		if d := date("end"); d != nil {
			t.End = *d
		}
		if t.HolderKind == termgoal.HolderPerson && t.PersonKey == "" {
			rd.refuse(kind, row, "person_key", "import.required", "a person's term names the person")
		}
		add = func() { rd.data.Terms = append(rd.data.Terms, t) }
	}
	if len(rd.errs) == before {
		add()
	}
}

// ImportFile reads an import file (ReadImport) and writes its rows in one transaction, or with
// dryRun answers what it would do and writes nothing. Wrong cells and rows are the
// ImportErrors (nothing is written); the error is for a file that cannot be read or a refusal.
// Only an administrator of a root org may import, as an import creates orgs anywhere. A real
// import is audited with its counts. progress, when set, hears how many of total rows are done.
func (s *Service) ImportFile(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, r io.Reader, filename string, dryRun bool,
	progress func(done, total int)) (postgres.ImportResult, postgres.ImportErrors, error) {
	var res postgres.ImportResult
	if !IsRootAdmin(acc) {
		return res, nil, ErrForbidden()
	}
	data, errs, err := ReadImport(r, filename)
	if err != nil || len(errs) > 0 {
		return res, errs, err
	}
	var tick func(int)
	if progress != nil {
		tick = func(done int) { progress(done, data.Rows()) }
	}
	res, err = s.Store.Import(ctx, data, dryRun, tick)
	if errors.As(err, &errs) {
		return res, errs, nil
	}
	if err != nil || dryRun {
		return res, nil, err
	}
	return res, nil, s.Audit(ctx, actor, termgoal.Audit{Action: "imported", Detail: map[string]any{"file": filename, "orgs": res.Orgs,
		"people": res.People, "posts": res.Posts, "terms": res.Terms}})
}

// ImportProblem is a wrong cell in the reader's language.
type ImportProblem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportProblems translates errs into lang, columns named as that language's header names them.
func ImportProblems(lang string, errs postgres.ImportErrors) []ImportProblem {
	out := make([]ImportProblem, len(errs))
	for i, e := range errs {
		column := e.Column
		if catalog.Norm(lang) == catalog.LangZH {
			for _, c := range ImportColumns[e.Sheet] {
				if c.Name == e.Column {
					column = c.Chinese
				}
			}
		}
		args := maps.Clone(e.Args)
		if args == nil {
			args = map[string]any{}
		}
		args["column"] = column
		msg := e.Message
		if catalog.HasKey(lang, e.Key) {
			msg = catalog.TL(lang, e.Key, args)
		}
		out[i] = ImportProblem{Sheet: e.Sheet, Row: e.Row, Column: column, Message: msg}
	}
	return out
}

// ImportTemplate writes the XLSX template of an import: a sheet of each kind with its header
// (English names, as the reader also takes the Chinese ones) and an example row.
func ImportTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	examples := map[string][]any{
		postgres.SheetOrgs:   {"QS", "青山县", "agency", ""},
		postgres.SheetPeople: {"P001", "王明", "male", "1975-03-02", "no"},
		postgres.SheetPosts:  {"QS-01", "QS", "县长", "正处级", "yes", "no", "no"},
		postgres.SheetTerms:  {"T2026-QS", "QS", "person", "P001", "QS-01", "elected", "2026-01-10", "2031-01-09", "1", ""},
	}
	for i, kind := range ImportSheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", kind); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(kind); err != nil {
			return err
		}
		var header []any
		for _, c := range ImportColumns[kind] {
			header = append(header, c.Name)
		}
		if err := f.SetSheetRow(kind, "A1", &header); err != nil {
			return err
		}
		ex := examples[kind]
		if err := f.SetSheetRow(kind, "A2", &ex); err != nil {
			return err
		}
	}
	return f.Write(w)
}
