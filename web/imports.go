package web

// The import page (A7): the template to download, and a file to check (a dry run listing every
// wrong cell, or what the import would create, update and leave) or to import. It goes through
// app/import.go.

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// importData is the import page: after a file, what was checked or refused.
type importData struct {
	File     string
	DryRun   bool
	Result   *postgres.ImportResult
	Problems []app.ImportProblem
	Kinds    []string
}

func (h *Handler) webImport(c *gin.Context) {
	if !app.IsRootAdmin(edge.Caller(c)) {
		h.Fail(c, app.ErrForbidden())
		return
	}
	p := h.newPage(c, "web.import_title")
	p.Data = importData{Kinds: app.ImportSheets}
	h.render(c, http.StatusOK, "import", p)
}

// webImportFile checks (?dry_run=1) or imports the uploaded file.
func (h *Handler) webImportFile(c *gin.Context) {
	name, data, _, err := edge.ReadUpload(c)
	d := importData{File: name, DryRun: c.Query("dry_run") == "1", Kinds: app.ImportSheets}
	var errs postgres.ImportErrors
	var res postgres.ImportResult
	if err == nil {
		res, errs, err = h.ops.ImportFile(c.Request.Context(), edge.Caller(c), edge.Actor(c), bytes.NewReader(data), name, d.DryRun, nil)
	}
	p := h.newPage(c, "web.import_title")
	status := http.StatusOK
	switch {
	case err != nil:
		code, st, msg := edge.Problem(c, h.log, err)
		if code == termgoal.EINTERNAL || code == termgoal.EFORBIDDEN || code == termgoal.EUNAVAILABLE {
			h.Fail(c, err)
			return
		}
		p.Error, status = msg, st
	case len(errs) > 0:
		d.Problems = app.ImportProblems(edge.Lang(c), errs)
		p.Error, status = edge.T(c, "import.rows_wrong", map[string]any{"count": len(errs)}), http.StatusUnprocessableEntity
	case !d.DryRun:
		h.flash(c, edge.T(c, "web.import_done", map[string]any{"file": name, "orgs": res.Orgs.Created + res.Orgs.Updated,
			"people": res.People.Created + res.People.Updated, "posts": res.Posts.Created + res.Posts.Updated, "terms": res.Terms.Created + res.Terms.Updated}))
		c.Redirect(http.StatusSeeOther, "/import")
		return
	default:
		d.Result = &res
	}
	p.Data = d
	h.render(c, status, "import", p)
}
