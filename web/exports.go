package web

import (
	"github.com/gin-gonic/gin"

	"termgoal/edge"
	"termgoal/xlsx"
)

// webExport sends the export named kind (app.Service.ExportOf) as a download, made from the page's
// filter in the query and the :id of a term or a campaign, or shows the error page.
func (h *Handler) webExport(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		e, err := h.ops.ExportOf(c.Request.Context(), edge.Caller(c), edge.Lang(c), kind, c.Param("id"), c.Request.URL.Query())
		if err != nil {
			h.Fail(c, err)
			return
		}
		defer e.Close()
		if err := edge.SendFile(c, e.Name, xlsx.ContentType, e); err != nil {
			h.log.Warn("export not delivered", "export", kind, "err", err)
		}
	}
}
