package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
)

// auditData is the audit log page (A1): the lines an administrator may read, newest first.
type auditData struct {
	Query   app.AuditQuery
	Items   []termgoal.Audit
	Pager   pager
	Actions []string // the actions the filter offers
	Export  string   // the export of every line the filter selects
}

// webAuditLog shows the audit log the caller may read (app.Service.AuditLog), filtered by
// process, action, actor and dates, a page at a time.
func (h *Handler) webAuditLog(c *gin.Context) {
	q := app.AuditQueryOf(c.Request.URL.Query())
	f, err := q.Filter()
	if err != nil {
		h.Fail(c, err)
		return
	}
	page, limit, offset := webPaging(c)
	f.Limit, f.Offset, f.NewestFirst = limit, offset, true
	items, total, err := h.ops.AuditLog(c.Request.Context(), edge.Caller(c), f)
	if err != nil {
		h.Fail(c, err)
		return
	}
	query := url.Values{}
	for k, v := range map[string]string{"process_id": q.ProcessID, "action": q.Action, "actor": q.Actor, "from": q.From, "to": q.To} {
		if v != "" {
			query.Set(k, v)
		}
	}
	p := h.newPage(c, "web.audit_title")
	p.Data = auditData{Query: q, Items: items, Pager: newPager("/audit?"+query.Encode(), page, total), Actions: catalog.Names("audit_actions."),
		Export: "/exports/audit.xlsx?" + query.Encode()}
	h.render(c, http.StatusOK, "audit", p)
}
