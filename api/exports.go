package api

import (
	"github.com/gin-gonic/gin"

	"termgoal/edge"
	"termgoal/xlsx"
)

// export answers the .xlsx export named kind (app.Service.ExportOf), made from the query's filter and
// the :id of a term or a campaign, with the same scope as the list it exports.
func (h *Handler) export(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		e, err := h.ops.ExportOf(c.Request.Context(), edge.Caller(c), edge.Lang(c), kind, c.Param("id"), c.Request.URL.Query())
		if err != nil {
			h.fail(c, err)
			return
		}
		defer e.Close()
		if err := edge.SendFile(c, e.Name, xlsx.ContentType, e); err != nil {
			h.log.Warn("export not delivered", "export", kind, "err", err)
		}
	}
}
