package edge

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// A malformed body is described in the words of JSON: no Go type, struct or package name
// reaches the caller (issue 30).
func TestMalformedSaysNoGoNames(t *testing.T) {
	type item struct {
		Title string    `json:"title"`
		Due   time.Time `json:"due"`
	}
	var in struct {
		Items  []item `json:"items"`
		Weight int    `json:"weight"`
	}
	strict := func(body string) error {
		d := json.NewDecoder(strings.NewReader(body))
		d.DisallowUnknownFields()
		return d.Decode(&in)
	}
	for body, want := range map[string]string{
		`{"weight":"heavy"}`:         "weight must be a whole number",
		`{"items":{}}`:               "items must be a list",
		`{"items":[{"title":1}]}`:    "items.title must be a string",
		`{"items":[{"due":true}]}`:   "a date or time must be a string",
		`{"items":[{"due":"soon"}]}`: "a date or time must look like",
		`{"weight":1,}`:              "invalid JSON at byte",
		`{"colour":"red"}`:           `unknown field "colour"`,
		`{"weight":`:                 "the body ends too early",
		`[1]`:                        "the body must be an object",
	} {
		err := ErrMalformed(strict(body))
		msg := err.Error()
		if !strings.Contains(msg, want) {
			t.Errorf("%s: %q, want it to say %q", body, msg, want)
		}
		for _, goName := range []string{"Go ", "struct", "json:", "int", "edge.", "time.Time", "Time.", "UnmarshalJSON", "[]"} {
			if strings.Contains(strings.TrimPrefix(msg, "the request body is not valid JSON of the expected shape: "), goName) {
				t.Errorf("%s: %q names %q", body, msg, goName)
			}
		}
	}
	if got := ErrMalformed(errors.New("data after the JSON value")).Error(); !strings.Contains(got, "data after the JSON value") {
		t.Errorf("a plain reason is kept: %q", got)
	}
}
