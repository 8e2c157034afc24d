package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
)

// listNotifications answers the caller's notifications, newest first (?unread=true: only the
// unread ones), paged.
func (h *Handler) listNotifications(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	unread, ok := h.boolQuery(c, "unread")
	if !ok {
		return
	}
	ns, total, err := h.store.Notifications(c.Request.Context(), edge.Caller(c).ID, unread, limit, offset)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, app.NotificationViews(edge.Lang(c), ns), total)
}

// boolQuery reads an optional true/false query parameter.
func (h *Handler) boolQuery(c *gin.Context, name string) (value, ok bool) {
	switch c.Query(name) {
	case "", "false":
		return false, true
	case "true":
		return true, true
	}
	h.fail(c, termgoal.Errorf(termgoal.EINVALID, "query.bool", name+" must be true or false", "name", name))
	return false, false
}

// UnreadCount is the notifications badge.
type UnreadCount struct {
	Unread int `json:"unread"`
}

func (h *Handler) notificationCount(c *gin.Context) {
	n, err := h.store.UnreadCount(c.Request.Context(), edge.Caller(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, UnreadCount{Unread: n})
}

type markReadRequest struct {
	IDs []string `json:"ids"`
	All bool     `json:"all"`
}

// MarkReadResult says how many notifications the request marked and how many stay unread.
type MarkReadResult struct {
	Marked int `json:"marked"`
	Unread int `json:"unread"`
}

// maxMarkRead bounds the ids of one request.
const maxMarkRead = 500

// markNotificationsRead marks the caller's notifications read: {ids:[…]} or {all:true}. Marking
// one already read, or another account's, changes nothing.
func (h *Handler) markNotificationsRead(c *gin.Context) {
	var req markReadRequest
	if !h.bind(c, &req) {
		return
	}
	if req.All == (len(req.IDs) > 0) || len(req.IDs) > maxMarkRead {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "notification.read_what", "give either 1 to 500 ids or all: true", "max", maxMarkRead))
		return
	}
	ctx, acc := c.Request.Context(), edge.Caller(c)
	marked, err := h.store.MarkRead(ctx, acc.ID, req.IDs, req.All)
	if err != nil {
		h.fail(c, err)
		return
	}
	unread, err := h.store.UnreadCount(ctx, acc.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, MarkReadResult{Marked: marked, Unread: unread})
}

// EmailAddress is the address the caller's email notifications go to ("": none).
type EmailAddress struct {
	Email string `json:"email"`
}

func (h *Handler) myEmail(c *gin.Context) {
	e, err := h.store.AccountEmail(c.Request.Context(), edge.Caller(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, EmailAddress{Email: e})
}

// setMyEmail sets or clears ("") the caller's email address. The address itself stays out of
// the audit log.
func (h *Handler) setMyEmail(c *gin.Context) {
	var req EmailAddress
	if !h.bind(c, &req) {
		return
	}
	var err error
	if req.Email, err = app.CheckEmail(req.Email); err != nil {
		h.fail(c, err)
		return
	}
	if err := h.store.SetAccountEmail(c.Request.Context(), edge.Caller(c).ID, req.Email); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "email_changed", Detail: map[string]any{"account_id": edge.Caller(c).ID, "cleared": req.Email == ""}}) {
		c.JSON(http.StatusOK, req)
	}
}

func (h *Handler) myPreferences(c *gin.Context) {
	p, err := h.ops.Preferences(c.Request.Context(), edge.Caller(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// setMyPreferences sets where the caller's notifications go besides the in-app list (T6).
func (h *Handler) setMyPreferences(c *gin.Context) {
	var req postgres.Preferences
	if !h.bind(c, &req) {
		return
	}
	p, err := h.ops.SetPreferences(c.Request.Context(), edge.Actor(c), req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// WebhookView is a webhook as administrators see it: the secret is never answered, only
// whether there is one.
type WebhookView struct {
	postgres.Webhook
	HasSecret bool `json:"has_secret"`
}

func webhookView(w postgres.Webhook) WebhookView {
	return WebhookView{Webhook: w, HasSecret: w.Secret != ""}
}

// listWebhooks answers the webhooks on the orgs the caller administers (?org_id=: under that
// org only), paged.
func (h *Handler) listWebhooks(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	ctx, acc := c.Request.Context(), edge.Caller(c)
	var roots []string
	if s := c.Query("org_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.fail(c, termgoal.Errorf(termgoal.EMALFORMED, "paging.not_number", "org_id must be a number", "name", "org_id"))
			return
		}
		path, err := h.ops.OrgPath(ctx, id)
		if err != nil {
			h.fail(c, err)
			return
		}
		roots = []string{path}
	} else {
		roots = app.ScopeRoots(&termgoal.Account{Grants: adminGrants(acc)})
	}
	if len(roots) == 0 || !app.IsAdmin(acc, roots[0]) {
		h.fail(c, app.ErrForbidden())
		return
	}
	var all []WebhookView
	for _, root := range roots {
		hooks, err := h.store.WebhooksUnder(ctx, root)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, w := range hooks {
			all = append(all, webhookView(w))
		}
	}
	list(c, pageOf(all, limit, offset), len(all))
}

// failedDeliveries answers the notifications a channel still fails to take, in the orgs the
// caller administers, newest first, paged.
func (h *Handler) failedDeliveries(c *gin.Context) {
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	items, total, err := h.ops.FailedDeliveries(c.Request.Context(), edge.Caller(c), limit, offset)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, items, total)
}

// adminGrants returns a's admin grants.
func adminGrants(a *termgoal.Account) []termgoal.Grant {
	var out []termgoal.Grant
	for _, g := range a.Grants {
		if g.Role == termgoal.RoleAdmin {
			out = append(out, g)
		}
	}
	return out
}

type webhookRequest struct {
	OrgID   int64  `json:"org_id"`
	Kind    string `json:"kind"`
	URL     string `json:"url"`
	Secret  string `json:"secret"`
	Enabled *bool  `json:"enabled"` // default true
}

// createWebhook adds a webhook on an org the caller administers. The audit line names the
// kind and the org, not the URL: robot URLs carry their access token.
func (h *Handler) createWebhook(c *gin.Context) {
	var req webhookRequest
	if !h.bind(c, &req) {
		return
	}
	if !app.IsRootAdmin(edge.Caller(c)) {
		// The worker posts to it with every org's news below: only the whole tree's
		// administrators add one.
		h.fail(c, app.ErrForbidden())
		return
	}
	if !h.adminOfReferenced(c, req.OrgID, "webhook.org_unknown") {
		return
	}
	var err error
	if req.URL, err = app.CheckOrgHook(req.Kind, req.URL, req.Secret); err != nil {
		h.fail(c, err)
		return
	}
	w := postgres.Webhook{OrgID: req.OrgID, Kind: req.Kind, URL: req.URL, Secret: req.Secret, Enabled: req.Enabled == nil || *req.Enabled}
	if err := h.store.CreateWebhook(c.Request.Context(), &w); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "webhook_created", Detail: map[string]any{"webhook_id": w.ID, "org_id": w.OrgID, "kind": w.Kind, "enabled": w.Enabled}}) {
		c.JSON(http.StatusCreated, webhookView(w))
	}
}

// deleteWebhook removes a webhook of an org the caller administers.
func (h *Handler) deleteWebhook(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	w, err := h.store.Webhook(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	path, err := h.ops.OrgPath(ctx, w.OrgID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !app.IsAdmin(edge.Caller(c), path) {
		h.fail(c, app.ErrForbidden())
		return
	}
	if err := h.store.DeleteWebhook(ctx, id); err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "webhook_deleted", Detail: map[string]any{"webhook_id": w.ID, "org_id": w.OrgID, "kind": w.Kind}}) {
		c.Status(http.StatusNoContent)
	}
}
