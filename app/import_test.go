package app

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"termgoal"
	"termgoal/postgres"
)

// A CSV of people with Chinese headers reads into rows; its wrong cells are named by row and
// column, in the reader's language, and the rows with them are left out.
func TestReadImportCSV(t *testing.T) {
	csv := "\ufeff编码,姓名,性别,出生日期\nP1,王明,男,1975-03-02\nP2,李红,female,1980/7/1\nP3,,女,1980-13-01\nP1,重复,男,\n\n"
	data, errs, err := ReadImport(strings.NewReader(csv), "people.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(data.People) != 2 || data.People[0].Gender != "male" || data.People[1].BirthDate.Format("2006-01-02") != "1980-07-01" {
		t.Errorf("people %+v", data.People)
	}
	got := ImportProblems("zh-CN", errs)
	if len(got) != 3 || got[0].Row != 4 || got[0].Column != "姓名" || got[1].Column != "出生日期" ||
		!strings.Contains(got[1].Message, "1980-13-01") || got[2].Row != 5 || !strings.Contains(got[2].Message, "第 2 行") {
		t.Errorf("problems %+v", got)
	}
	if _, _, err := ReadImport(strings.NewReader("a,b\n1,2\n"), "x.csv"); err == nil {
		t.Error("a CSV of no kind was read")
	}
}

// The template workbook reads back as one row of each kind; a sheet without a required column
// is refused at its header.
func TestReadImportXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := ImportTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	data, errs, err := ReadImport(bytes.NewReader(buf.Bytes()), "template.xlsx")
	if err != nil || len(errs) != 0 {
		t.Fatalf("%v %+v", err, errs)
	}
	if len(data.Orgs) != 1 || len(data.People) != 1 || len(data.Posts) != 1 || len(data.Terms) != 1 ||
		!data.Posts[0].Principal || data.Terms[0].Start.Format("2006-01-02") != "2026-01-10" || data.Terms[0].Template != "1" {
		t.Errorf("read %+v", data)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue(postgres.SheetTerms, "F1", "something else"); err != nil { // the appointment column
		t.Fatal(err)
	}
	buf.Reset()
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, errs, err = ReadImport(bytes.NewReader(buf.Bytes()), "t.xlsx")
	if err != nil || len(errs) < 1 || errs[0].Sheet != "terms" || errs[0].Row != 1 || errs[0].Column != "appointment" {
		t.Errorf("a header without appointment: %v %+v", err, errs)
	}
}

// A sheet of more than MaxImportRows rows is refused, blank ones counted: a file may claim rows
// it does not have.
func TestReadImportRowLimit(t *testing.T) {
	csv := "编码,姓名,性别,出生日期\n" + strings.Repeat(",,,\n", MaxImportRows+1)
	_, _, err := ReadImport(strings.NewReader(csv), "people.csv")
	if e := (*termgoal.Error)(nil); !errors.As(err, &e) || e.Key != "import.too_many_rows" {
		t.Errorf("err %v", err)
	}
	if _, _, err := ReadImport(strings.NewReader("编码,姓名,性别,出生日期\n"+strings.Repeat(",,,\n", MaxImportRows-1)+"P1,王明,男,1975-03-02\n"), "people.csv"); err != nil {
		t.Errorf("%d rows: %v", MaxImportRows, err)
	}
}
