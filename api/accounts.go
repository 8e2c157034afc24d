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
}

// createAccount adds a local account; any administrator may, but roles come only through
// grants, which need an administrator of the org (addGrant).
func (h *Handler) createAccount(c *gin.Context) {
	if !app.IsAnyAdmin(edge.Caller(c)) {
		h.fail(c, app.ErrForbidden())
		return
	}
	var req accountRequest
	if !h.bind(c, &req) {
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
	case len([]rune(req.Password)) < app.MinPasswordLength || len(req.Password) > 1024:
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "account.password", "the password needs at least 8 characters", "min", app.MinPasswordLength))
		return
	}
	hash, err := app.HashPassword(req.Password)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.store.CreateAccount(c.Request.Context(), &a, hash); err != nil {
		h.fail(c, err)
		return
	}
	if a.Grants == nil {
		a.Grants = []termgoal.Grant{}
	}
	if h.audit(c, termgoal.Audit{Action: "account_created", Detail: map[string]any{"account_id": a.ID, "username": a.Username}}) {
		c.JSON(http.StatusCreated, a)
	}
}

type grantRequest struct {
	Role  termgoal.Role `json:"role"`
	OrgID int64         `json:"org_id"`
}

// addGrant gives an account a role on an org the caller administers.
func (h *Handler) addGrant(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var req grantRequest
	if !h.bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	if !req.Role.Valid() {
		h.fail(c, termgoal.Errorf(termgoal.EINVALID, "grant.role", "unknown role", "role", string(req.Role)))
		return
	}
	if !h.adminOfReferenced(c, req.OrgID, "grant.org_unknown") {
		return
	}
	if _, err := h.store.Account(ctx, id); err != nil {
		h.fail(c, err)
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
