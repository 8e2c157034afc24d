package termgoal

import (
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	type inner struct {
		Title string `json:"title" text:"line"`
		Body  string `json:"body"`
	}
	type input struct {
		Actor  Actor             `json:"actor"`
		Note   string            `json:"note"`
		Items  []inner           `json:"items" limit:"3"`
		Tags   map[string]string `json:"tags"`
		Short  string            `json:"short" limit:"5"`
		Nested *inner            `json:"nested,omitempty"`
	}
	ok := input{Note: "第一行\n\t第二行\r\n", Items: []inner{{Title: "标题", Body: "a\nb"}}, Tags: map[string]string{"2026": "x"},
		Short: "五个字符呀", Actor: Actor{Name: "王"}}
	if err := CheckText(&ok); err != nil {
		t.Fatalf("a valid input is refused: %v", err)
	}
	for name, tc := range map[string]struct {
		in         input
		key, field string
	}{
		"NUL":               {input{Note: "异议\x00x"}, "text.control", "note"},
		"escape":            {input{Note: "a\x1b[2Jb"}, "text.control", "note"},
		"C1 control":        {input{Note: "a\u0085b"}, "text.control", "note"},
		"newline in a line": {input{Items: []inner{{Title: "a\nb"}}}, "text.control", "items[0].title"},
		"tab in a line":     {input{Nested: &inner{Title: "a\tb"}}, "text.control", "nested.title"},
		"too long":          {input{Note: strings.Repeat("异", MaxText+1)}, "text.too_long", "note"},
		"line too long":     {input{Items: []inner{{Title: strings.Repeat("a", MaxLine+1)}}}, "text.too_long", "items[0].title"},
		"own limit":         {input{Short: "六个字符呀呀"}, "text.too_long", "short"},
		"too many":          {input{Items: make([]inner, 4)}, "text.too_many", "items"},
		"invalid UTF-8":     {input{Note: "a\xffb"}, "text.encoding", "note"},
		"map value":         {input{Tags: map[string]string{"k": "\x00"}}, "text.control", "tags.k"},
		"map key":           {input{Tags: map[string]string{"k\x00": ""}}, "text.control", "tags{key}"},
		"actor name":        {input{Actor: Actor{Name: "a\x00"}}, "text.control", "actor.name"},
	} {
		err := CheckText(&tc.in)
		e, isErr := err.(*Error)
		if !isErr || e.Code != EINVALID || e.Key != tc.key || e.Args["field"] != tc.field {
			t.Errorf("%s: %v (%+v), want %s on %s", name, err, e, tc.key, tc.field)
		}
	}
	if err := CheckText(strings.Repeat("a", MaxText)); err != nil {
		t.Errorf("a string at the limit: %v", err)
	}
	if err := CheckString("q", strings.Repeat("a", 300), false, 500); err != nil {
		t.Errorf("a line under its own limit: %v", err)
	}
}
