package web

// The notifications page (T6) and the attachments of the process page (T3). The texts of a
// notification are composed in the page's language as the JSON list composes them; following
// one marks it read. Uploads go through app.Service.AddAttachment, with the JSON API's checks.

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/notify"
	"termgoal/postgres"
)

// notificationsData is a page of the caller's notifications.
type notificationsData struct {
	Items      []app.NotificationView
	UnreadOnly bool // ?unread=true: the unread ones only
	Pager      pager
}

// webNotifications lists the caller's notifications, newest first, paged; ?unread=true shows
// the unread ones only.
func (h *Handler) webNotifications(c *gin.Context) {
	ctx, acc := c.Request.Context(), edge.Caller(c)
	page, limit, offset := webPaging(c)
	unread := c.Query("unread") == "true"
	ns, total, err := h.store.Notifications(ctx, acc.ID, unread, limit, offset)
	if err != nil {
		h.Fail(c, err)
		return
	}
	p := h.newPage(c, "web.notifications_title")
	base := "/notifications"
	if unread {
		base += "?unread=true"
	}
	p.Data = notificationsData{Items: app.NotificationViews(p.Lang, ns), UnreadOnly: unread, Pager: newPager(base, page, total)}
	h.render(c, http.StatusOK, "notifications", p)
}

// deliveriesData is a page of the notifications a channel still fails to take.
type deliveriesData struct {
	Items []postgres.FailedDelivery
	Pager pager
}

// webDeliveries lists, for an administrator, the notifications a channel still fails to take
// in the orgs they administer, newest first, paged.
func (h *Handler) webDeliveries(c *gin.Context) {
	page, limit, offset := webPaging(c)
	items, total, err := h.ops.FailedDeliveries(c.Request.Context(), edge.Caller(c), limit, offset)
	if err != nil {
		h.Fail(c, err)
		return
	}
	p := h.newPage(c, "web.undelivered")
	p.Data = deliveriesData{Items: items, Pager: newPager("/deliveries", page, total)}
	h.render(c, http.StatusOK, "deliveries", p)
}

// webOpenNotification marks one of the caller's notifications (?id=) read and goes to the
// page it points to. Another account's notification is not found.
func (h *Handler) webOpenNotification(c *gin.Context) {
	ctx, acc := c.Request.Context(), edge.Caller(c)
	n, err := h.store.Notification(ctx, acc.ID, c.Query("id"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	if n.ReadAt == nil {
		if _, err := h.store.MarkRead(ctx, acc.ID, []string{n.ID}, false); err != nil {
			h.Fail(c, err)
			return
		}
	}
	link := notify.LinkPath(n.Kind, n.ProcessID, n.TaskID)
	if link == "" {
		link = "/notifications"
	}
	c.Redirect(http.StatusSeeOther, safeNext(link))
}

// webMarkAllRead marks every notification of the caller read. Doing it twice changes nothing,
// so the form needs no idempotency key.
func (h *Handler) webMarkAllRead(c *gin.Context) {
	n, err := h.store.MarkRead(c.Request.Context(), edge.Caller(c).ID, nil, true)
	if err != nil {
		h.Fail(c, err)
		return
	}
	h.flash(c, catalog.TL(edge.Lang(c), "web.flash_marked_read", map[string]any{"count": n}))
	c.Redirect(http.StatusSeeOther, "/notifications")
}

// maxPageAttachments bounds the attachments the process page lists.
const maxPageAttachments = 200

// webAddAttachment stores a file uploaded from the process page, for whoever may see the
// process, with the JSON API's checks. Stored: back to the process page with a message;
// refused: the page again with the reason.
func (h *Handler) webAddAttachment(c *gin.Context) {
	proc, err := h.processOf(c)
	if err != nil {
		h.Fail(c, err)
		return
	}
	name, data, step, err := edge.ReadUpload(c)
	var a *postgres.Attachment
	if err == nil {
		a, err = h.ops.AddAttachment(c.Request.Context(), edge.Actor(c), proc, name, data, step)
	}
	if err != nil {
		code, status, msg := edge.Problem(c, h.log, err)
		if code == termgoal.EINTERNAL || code == termgoal.EFORBIDDEN || code == termgoal.EUNAVAILABLE {
			h.Fail(c, err)
			return
		}
		p := h.newPage(c, "web.process_title")
		p.Error = msg
		p.Form = url.Values{"action": {"attachment"}}
		h.renderProcess(c, status, p)
		return
	}
	h.flash(c, catalog.TL(edge.Lang(c), "web.flash_attachment", map[string]any{"name": a.Filename}))
	c.Redirect(http.StatusSeeOther, "/processes/"+url.PathEscape(proc.ID)+"#attachments")
}

// fileSize shows a byte count as B, KB or MB (binary units, one decimal).
func fileSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
