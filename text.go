package termgoal

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what people write (issue 16): text reaches workflow histories, the read model and
// public pages, so every string and list that comes in is bounded and free of control
// characters before anything is written.
const (
	// MaxText bounds a free text in characters: an opinion, objection, comment, reason,
	// self-assessment or plan item description.
	MaxText = 2000
	// MaxLine bounds a one-line field: a title, a name, a number, a username, a query value.
	MaxLine = 200
	// MaxList bounds a list or a map in a request unless its field names a lower limit (a
	// plan's items: 100).
	MaxList = 500
)

// Clip cuts s to at most n characters (whole runes), for what is kept of a value that may be
// any length: a username tried at sign-in, a browser's name, a refused path.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// CheckText refuses a value that holds a string with a control character or longer than its
// limit, or a list longer than its limit, with EINVALID naming the field. v is a struct, a
// pointer to one, or any value the JSON decoder fills. Struct tags set a field's limits:
// `text:"line"` makes a string one line of at most MaxLine characters (no newline or tab);
// `limit:"N"` bounds a string to N characters or a list or map to N entries. Other strings may
// hold newlines and tabs and are bounded by MaxText; other lists and maps by MaxList.
func CheckText(v any) error {
	return checkValue(reflect.ValueOf(v), "", fieldRule{})
}

// CheckString checks one string under the rules of a free text (multi) or a line, with at most
// limit characters (0: MaxText or MaxLine).
func CheckString(field, s string, multi bool, limit int) error {
	return checkString(field, s, fieldRule{line: !multi, limit: limit})
}

type fieldRule struct {
	line  bool
	limit int
}

func checkValue(v reflect.Value, path string, r fieldRule) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkValue(v.Elem(), path, r)
	case reflect.String:
		return checkString(path, v.String(), r)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fr, err := ruleOf(f)
			if err != nil {
				return err
			}
			if err := checkValue(v.Field(i), join(path, jsonName(f)), fr); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // raw bytes (json.RawMessage) are checked where they are decoded
		}
		if err := checkCount(path, v.Len(), r); err != nil {
			return err
		}
		for i := range v.Len() {
			if err := checkValue(v.Index(i), path+"["+strconv.Itoa(i)+"]", fieldRule{}); err != nil {
				return err
			}
		}
	case reflect.Map:
		if err := checkCount(path, v.Len(), r); err != nil {
			return err
		}
		// In the keys' order, so the same value is always refused for the same reason.
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		for _, k := range keys {
			if k.Kind() == reflect.String {
				if err := checkString(path+"{key}", k.String(), fieldRule{line: true}); err != nil {
					return err
				}
			}
			if err := checkValue(v.MapIndex(k), join(path, fmt.Sprint(k)), fieldRule{}); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkCount(path string, n int, r fieldRule) error {
	limit := r.limit
	if limit == 0 {
		limit = MaxList
	}
	if n > limit {
		return Errorf(EINVALID, "text.too_many", fmt.Sprintf("%s has %d entries; at most %d are allowed", path, n, limit),
			"field", path, "max", limit)
	}
	return nil
}

func checkString(path, s string, r fieldRule) error {
	limit := r.limit
	if limit == 0 {
		limit = MaxText
		if r.line {
			limit = MaxLine
		}
	}
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "text.encoding", path+" is not valid UTF-8", "field", path)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return Errorf(EINVALID, "text.too_long", fmt.Sprintf("%s has %d characters; at most %d are allowed", path, n, limit),
			"field", path, "max", limit)
	}
	for _, c := range s {
		if forbidden(c, r.line) {
			return Errorf(EINVALID, "text.control", path+" holds a control character", "field", path)
		}
	}
	return nil
}

// forbidden reports whether c may not appear in a text: control characters (NUL first among
// them, which PostgreSQL refuses in text), except newline, carriage return and tab in a
// multi-line text; and the Unicode non-characters.
func forbidden(c rune, line bool) bool {
	switch {
	case c == '\n' || c == '\r' || c == '\t':
		return line
	case unicode.IsControl(c), c == 0xFFFE, c == 0xFFFF:
		return true
	}
	return false
}

func ruleOf(f reflect.StructField) (fieldRule, error) {
	var r fieldRule
	r.line = f.Tag.Get("text") == "line"
	if s := f.Tag.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return r, fmt.Errorf("termgoal: bad limit tag on %s: %w", f.Name, err)
		}
		r.limit = n
	}
	return r, nil
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return f.Name
	case "":
		if f.Anonymous {
			return ""
		}
		return f.Name
	}
	return name
}

func join(path, name string) string {
	switch {
	case path == "":
		return name
	case name == "":
		return path
	}
	return path + "." + name
}
