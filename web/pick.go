package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/postgres"
)

// The pickers (issue 25): a form's person field offers the accounts or people matching what is
// typed. picker.js asks /pick for them as JSON while one types; without JavaScript the link
// beside the field opens /pick as a plain search page that shows each match's value to enter.

// pickMatch is one match: the value a form takes and what to read beside it.
type pickMatch struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// pickData is the search page.
type pickData struct {
	Kind, Q, Role string
	Roles         []termgoal.Role
	Items         []pickMatch
}

// webPick searches accounts (kind=accounts, by name, username or org, and role) or people
// (kind=people, administrators only): JSON for picker.js, else the search page.
func (h *Handler) webPick(c *gin.Context) {
	// The script's requests come while another page is open: they must not take its flash
	// message, so only the search page is a page (newPage).
	asJSON := strings.Contains(c.GetHeader("Accept"), "application/json")
	p := &webPage{Lang: edge.Lang(c)}
	if !asJSON {
		p = h.newPage(c, "web.pick_title")
	}
	d := pickData{Kind: c.DefaultQuery("kind", "accounts"), Q: strings.TrimSpace(c.Query("q")), Role: c.Query("role"), Roles: termgoal.Roles}
	ctx, acc := c.Request.Context(), edge.Caller(c)
	switch d.Kind {
	case "accounts":
		matches, err := h.ops.PickAccounts(ctx, acc, d.Q, termgoal.Role(d.Role))
		if err != nil {
			h.Fail(c, err)
			return
		}
		for _, m := range matches {
			d.Items = append(d.Items, p.AccountOption(m))
		}
	case "people":
		matches, err := h.ops.PickPeople(ctx, acc, d.Q)
		if err != nil {
			h.Fail(c, err)
			return
		}
		for _, m := range matches {
			d.Items = append(d.Items, pickMatch{app.PersonValue(m.Person), strings.Trim(m.OrgName+" · "+m.PostTitle, " ·")})
		}
	default:
		h.Fail(c, edge.ErrNotFound())
		return
	}
	if asJSON {
		c.JSON(http.StatusOK, gin.H{"items": append([]pickMatch{}, d.Items...)})
		return
	}
	p.Data = d
	h.render(c, http.StatusOK, "pick", p)
}

// GrantsLabel says which roles an account holds where: "上级 · 青山县；管理员 · 青山镇".
func (p *webPage) GrantsLabel(grants []termgoal.Grant) string {
	parts := make([]string, len(grants))
	for i, g := range grants {
		parts[i] = p.TV("roles.", g.Role) + " · " + g.OrgName
	}
	return strings.Join(parts, catalog.TL(p.Lang, "web.list_separator", nil))
}

// AccountOption is an account as a preloaded picker list offers it.
func (p *webPage) AccountOption(m postgres.AccountMatch) pickMatch {
	return pickMatch{app.AccountValue(m.Name, m.Username), p.GrantsLabel(m.Grants)}
}
