package edge

import (
	"strings"
	"testing"
)

func TestSanitizeFilename(t *testing.T) {
	long := strings.Repeat("目", 100) + ".pdf" // 304 bytes
	for in, want := range map[string]string{
		"plan.pdf":               "plan.pdf",
		"../../etc/passwd":       "passwd",
		`C:\Users\li\报告.docx`:    "报告.docx",
		"a\x00b\r\n\tc.txt":      "ab c.txt",
		`"quoted"; x=<y>.txt`:    "quoted x=y.txt",
		"  ..hidden.png.. ":      "hidden.png",
		"\u202etxt.exe":          "txt.exe",
		"":                       "attachment",
		"...":                    "attachment",
		long:                     strings.Repeat("目", 65) + ".pdf",
		"a   lot   of  space.md": "a lot of space.md",
	} {
		if got := sanitizeFilename(in); got != want {
			t.Errorf("sanitizeFilename(%q) = %q, want %q", in, got, want)
		}
	}
}
