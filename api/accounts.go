package api

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
)

var validUsername = regexp.MustCompile(`^[A-Za-z0-9._@-]{3,64}$`)

type accountRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	PersonID    *int64 `json:"person_id"`
	Lang        string `json:"lang"`
	// Grant is the account's first role, on an org the caller administers: required unless the
	// caller administers a root org, so an account begins inside its creator's subtree.
	Grant *grantRequest `json:"grant,omitempty"`
}

// createAccount adds a local account. An administrator of a root org may add one without a
// role; any other administrator adds it with its first role in their subtree (Grant).
func (h *Handler) createAccount(c *gin.Context) {
	caller := edge.Caller(c)
	if !app.IsAnyAdmin(caller) {
		h.fail(c, app.ErrForbidden())
		return
	}
	var req accountRequest
	if !h.bind(c, &req) {
		return
	}
	switch {
	case req.Grant == nil && !app.IsRootAdmin(caller):
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "account.grant_required", "give the account its first role, on an organization you administer"))
		return
	case req.Grant != nil && !h.grantable(c, *req.Grant):
		return
	}
	a := termgoal.Account{Username: strings.TrimSpace(req.Username), DisplayName: strings.TrimSpace(req.DisplayName),
		PersonID: req.PersonID, Lang: catalog.Norm(req.Lang)}
	if a.Lang == "" {
		a.Lang = catalog.DefaultLang
	}
	switch {
	case !validUsername.MatchString(a.Username):
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "account.username", "the username is 3 to 64 letters, digits or . _ @ -"))
		return
	case a.DisplayName == "":
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "account.display_name", "the account needs a display name"))
		return
	}
	if err := app.CheckNewPassword(req.Password, a.Username); err != nil {
		h.fail(c, err)
		return
	}
	hash, err := app.HashPassword(req.Password)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := h.store.CreateAccount(ctx, &a, hash); err != nil {
		h.fail(c, err)
		return
	}
	detail := map[string]any{"account_id": a.ID, "username": a.Username}
	if g := req.Grant; g != nil {
		if err := h.store.AddGrant(ctx, a.ID, termgoal.Grant{Role: g.Role, OrgID: g.OrgID}); err != nil {
			h.fail(c, err)
			return
		}
		detail["role"], detail["org_id"] = g.Role, g.OrgID
		acc, err := h.store.Account(ctx, a.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		a = *acc
	}
	if a.Grants == nil {
		a.Grants = []termgoal.Grant{}
	}
	if h.audit(c, termgoal.Audit{Action: "account_created", Detail: detail}) {
		c.JSON(http.StatusCreated, a)
	}
}

// grantable checks a role the caller would give: a known role on an org they administer.
func (h *Handler) grantable(c *gin.Context, req grantRequest) bool {
	if !req.Role.Valid() {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "grant.role", "unknown role", "role", string(req.Role)))
		return false
	}
	return h.adminOfReferenced(c, req.OrgID, "grant.org_unknown")
}

type grantRequest struct {
	Role  termgoal.Role `json:"role"`
	OrgID int64         `json:"org_id"`
}

// addGrant gives an account the caller manages (app.Manages) a role on an org the caller
// administers.
func (h *Handler) addGrant(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var req grantRequest
	if !h.bind(c, &req) || !h.grantable(c, req) {
		return
	}
	ctx := c.Request.Context()
	target, err := h.store.Account(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !app.Manages(edge.Caller(c), target) {
		h.fail(c, app.ErrNotManaged())
		return
	}
	if err := h.store.AddGrant(ctx, id, termgoal.Grant{Role: req.Role, OrgID: req.OrgID}); err != nil {
		h.fail(c, err)
		return
	}
	acc, err := h.store.Account(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if h.audit(c, termgoal.Audit{Action: "grant_added", Detail: map[string]any{"account_id": id, "role": req.Role, "org_id": req.OrgID}}) {
		c.JSON(http.StatusCreated, acc)
	}
}

// currentSession is the token of the browser session the request came with ("" for a bearer
// token): the session a caller's own change keeps.
func (h *Handler) currentSession(c *gin.Context) string {
	if _, bearer := c.Get(ctxToken); bearer {
		return ""
	}
	return h.sessions.Token(c.Request.Context())
}

// accountSessions lists an account's live browser sessions: the caller's own, or those of an
// account the caller manages.
func (h *Handler) accountSessions(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	sessions, err := h.ops.AccountSessions(c.Request.Context(), edge.Caller(c), id, h.currentSession(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, sessions, len(sessions))
}

// endAccountSessions signs an account out everywhere: its browser sessions end (the caller's
// own goes on) and its API tokens are revoked.
func (h *Handler) endAccountSessions(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	h.answerEnded(c)(h.ops.EndSessions(c.Request.Context(), edge.Caller(c), edge.Actor(c), id, h.currentSession(c)))
}

// endAccountSession ends one browser session of an account.
func (h *Handler) endAccountSession(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	sid, ok := h.idParam(c, "session")
	if !ok {
		return
	}
	if err := h.ops.EndSession(c.Request.Context(), edge.Caller(c), edge.Actor(c), id, sid); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changeMyPassword gives the caller a new password: the current one is checked; the caller's
// other sessions end and its API tokens are revoked.
func (h *Handler) changeMyPassword(c *gin.Context) {
	var req passwordRequest
	if !h.bind(c, &req) {
		return
	}
	h.answerEnded(c)(h.ops.ChangePassword(c.Request.Context(), edge.Caller(c), edge.Actor(c), req.CurrentPassword, req.NewPassword, h.currentSession(c)))
}

// resetPassword gives an account the caller manages a new password; its sessions and tokens end.
func (h *Handler) resetPassword(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var req passwordRequest
	if !h.bind(c, &req) {
		return
	}
	h.answerEnded(c)(h.ops.SetPassword(c.Request.Context(), edge.Caller(c), edge.Actor(c), id, req.NewPassword))
}

// setDisabled disables an account the caller manages (its sessions and tokens end) or enables
// it again.
func (h *Handler) setDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := h.idParam(c, "id")
		if !ok {
			return
		}
		h.answerEnded(c)(h.ops.SetDisabled(c.Request.Context(), edge.Caller(c), edge.Actor(c), id, disabled))
	}
}

// answerEnded answers what ending an account's sign-ins ended.
func (h *Handler) answerEnded(c *gin.Context) func(app.Ended, error) {
	return func(e app.Ended, err error) { reply(h, c, http.StatusOK, e, err) }
}
