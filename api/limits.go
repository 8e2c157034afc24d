package api

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
)

// Limits at the edge (issue 16): nothing a request carries reaches the store or a workflow
// before it has been checked here or by termgoal.CheckText. JSON bodies are checked as they
// are decoded (decodeBody), every action input once more before its update (update), and the
// path, the query and a form's fields by refuseHostile.

// defaultBodyTimeout is how long a request's body may take to arrive.
const defaultBodyTimeout = 30 * time.Second

// bodyDeadline gives each request's body a read deadline, so a body sent a byte at a time
// cannot hold a connection: the read fails and the handler answers 408 (bodyError).
func bodyDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		}
		next.ServeHTTP(w, r)
	})
}

// refuseHostile refuses a request whose path, query or form fields hold a control character,
// invalid UTF-8 or an overlong value, before any handler sees it.
func (h *Handler) refuseHostile(c *gin.Context) {
	if err := checkRequest(c); err != nil {
		if isAPI(c.Request) {
			h.fail(c, err)
		} else {
			h.pages.Fail(c, err)
		}
		return
	}
	c.Next()
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func checkRequest(c *gin.Context) error {
	r := c.Request
	if err := termgoal.CheckString("path", r.URL.Path, false, termgoal.MaxText); err != nil {
		return err
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return termgoal.Errorf(termgoal.EMALFORMED, "error.bad_query", "the query string is malformed")
	}
	if err := checkValues(q, false); err != nil {
		return err
	}
	// The pages' forms. The API reads every body as JSON, whatever its type says (curl -d sends
	// JSON as a form), and checks it as it decodes it.
	ct := r.Header.Get("Content-Type")
	if r.Method == http.MethodGet || !strings.HasPrefix(ct, "application/x-www-form-urlencoded") || isAPI(r) {
		return nil
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		return bodyError(err, termgoal.Errorf(termgoal.EMALFORMED, "error.bad_form", "the form is malformed"))
	}
	return checkValues(r.PostForm, true)
}

// checkValues checks query or form values: names are lines, values lines in a query and free
// texts in a form.
func checkValues(vs url.Values, form bool) error {
	for name, values := range vs {
		if err := termgoal.CheckString("name", name, false, 0); err != nil {
			return err
		}
		for _, v := range values {
			var err error
			if form {
				err = termgoal.CheckString(name, v, true, 0)
			} else {
				err = termgoal.CheckString(name, v, false, termgoal.MaxText)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// bodyError maps a failed body read: too large (413), too slow (408), or otherwise err.
func bodyError(read error, otherwise error) error {
	var big *http.MaxBytesError
	switch {
	case errors.As(read, &big):
		return termgoal.Errorf(edge.ETOOLARGE, "error.too_large", "the request body is too large", "max", big.Limit)
	case errors.Is(read, os.ErrDeadlineExceeded):
		return termgoal.Errorf(edge.ETIMEOUT, "error.request_timeout", "the request body did not arrive in time")
	}
	return otherwise
}
