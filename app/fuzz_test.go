package app

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadImport: no file, CSV or XLSX, makes the import reader panic; what it reads it
// answers as rows or as errors.
func FuzzReadImport(f *testing.F) {
	var tmpl bytes.Buffer
	if err := ImportTemplate(&tmpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes(), true)
	f.Add([]byte("\ufeff编码,姓名,性别,出生日期\nP1,王明,男,1975-03-02\nP2,李红,female,1980/7/1\n"), false)
	f.Add([]byte("名称,上级,类型\n村,,village\n\"a\"\"b\",x,\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "import.csv"
		if xlsx {
			name = "import.xlsx"
		}
		_, _, _ = ReadImport(bytes.NewReader(data), name)
	})
}

// FuzzBallotCode: a code is read as people type it, the same however it is typed.
func FuzzBallotCode(f *testing.F) {
	for _, s := range []string{"ABCD-EFGH-JK", " abcd efgh jk ", "\t", "码码", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		n := normalizeCode(code)
		if normalizeCode(n) != n || CodeHash(code) != CodeHash(n) || normalizeCode(strings.ToLower(code)) != normalizeCode(strings.ToUpper(code)) && isASCII(code) {
			t.Errorf("%q reads as %q, then as %q", code, n, normalizeCode(n))
		}
		if strings.ContainsAny(n, " -\t") {
			t.Errorf("%q keeps a separator: %q", code, n)
		}
	})
}

func isASCII(s string) bool { return !strings.ContainsFunc(s, func(r rune) bool { return r > 0x7f }) }

// FuzzNewPassword: the password rules answer every string without panicking, and never accept
// one shorter than the minimum.
func FuzzNewPassword(f *testing.F) {
	for _, s := range []string{"correct horse battery", "Password123", "短", "\xff\xfe"} {
		f.Add(s, "liu")
	}
	f.Fuzz(func(t *testing.T, pw, user string) {
		if CheckNewPassword(pw, user) == nil && len([]rune(pw)) < MinPasswordLength {
			t.Errorf("%q accepted", pw)
		}
	})
}
