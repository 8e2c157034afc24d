// Package termgoal holds the domain vocabulary of termgoal and its pure rules: organizations,
// terms, goal plans, the goal-setting steps, votes and error codes. It imports only the
// standard library, so every other package can share it.
package termgoal

import (
	"errors"
	"fmt"
)

// Error codes. The API maps each to one HTTP status (api/errors.go); workflows use them as the
// type of the Temporal application errors their update validators return.
const (
	EMALFORMED    = "malformed"    // 400: the body is not valid JSON or has the wrong shape
	EUNAUTHORIZED = "unauthorized" // 401: not signed in
	EFORBIDDEN    = "forbidden"    // 403: signed in, not allowed
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // 409: the action no longer fits the state
	EINVALID      = "invalid"      // 422: well-formed but invalid
	EUNAVAILABLE  = "unavailable"  // 503: the outcome is unknown; retry with the same key
	EINTERNAL     = "internal"     // 500
	// ETOOMANY refuses after too many attempts (sign-in brute force, ballot codes, objections
	// from one address): 429.
	ETOOMANY = "too_many_requests"
	// ECODEREQUIRED asks a sign-in for the code of the account's second factor: 401.
	ECODEREQUIRED = "code_required"
)

// IsCode reports whether code is one of the codes above.
func IsCode(code string) bool {
	switch code {
	case EMALFORMED, EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT, EINVALID, EUNAVAILABLE, EINTERNAL, ETOOMANY, ECODEREQUIRED:
		return true
	}
	return false
}

// Error is a domain error. Key names a message in the catalogs of edge/i18n; Args fill its
// placeholders, so the message reaches each user in their own language. Message is the English
// text, for logs and for callers without a catalog.
type Error struct {
	Code    string
	Key     string
	Args    map[string]any
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with an English message built from format and args. The key names
// the translated message; kv are its placeholder values as name, value pairs.
func Errorf(code, key, message string, kv ...any) *Error {
	args := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return &Error{Code: code, Key: key, Args: args, Message: message}
}

// ErrorCode returns the code of err, or EINTERNAL when err is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}
