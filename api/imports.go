package api

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/app"
	"termgoal/edge"
)

// importFile imports orgs, people, posts and terms from an uploaded XLSX or CSV file (A7);
// ?dry_run=true only checks it and answers what it would do. Wrong rows answer 422 with each
// of them (sheet, row, column, reason) and nothing is written.
func (h *Handler) importFile(c *gin.Context) {
	if !app.IsRootAdmin(edge.Caller(c)) {
		h.fail(c, app.ErrForbidden())
		return
	}
	name, data, _, err := edge.ReadUpload(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	dry := c.Query("dry_run") == "true"
	res, errs, err := h.ops.ImportFile(c.Request.Context(), edge.Caller(c), edge.Actor(c), bytes.NewReader(data), name, dry, nil)
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(errs) > 0 {
		c.JSON(http.StatusUnprocessableEntity, gin.H{
			"error": edge.ErrorDetail{Code: "invalid", Message: edge.T(c, "import.rows_wrong", map[string]any{"count": len(errs)})},
			"rows":  app.ImportProblems(edge.Lang(c), errs)})
		return
	}
	c.JSON(http.StatusOK, gin.H{"dry_run": dry, "result": res})
}

// importTemplate answers the XLSX template of an import.
func (h *Handler) importTemplate(c *gin.Context) {
	c.Header("Content-Disposition", `attachment; filename="termgoal-import.xlsx"`)
	c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	if err := app.ImportTemplate(c.Writer); err != nil {
		h.fail(c, err)
	}
}
