package web

// The org pages: the tree of the orgs the caller administers, and one org with its sub-orgs,
// posts and terms and the forms that add a sub-org, a post, a person and a term. They go
// through app/setup.go; each addition is validated and audited there.

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
)

// orgsData is the tree page.
type orgsData struct {
	Orgs    []orgOption
	Types   []termgoal.OrgType
	AddRoot bool
}

// orgData is one org's page.
type orgData struct {
	Org       termgoal.Org
	Parent    *termgoal.Org
	Children  []termgoal.Org
	Posts     []termgoal.Post
	Terms     []termgoal.Term
	Templates []termgoal.Template
	People    []termgoal.Person // for the term form's list of holders
	Types     []termgoal.OrgType
	Kinds     []termgoal.Appointment
}

// The choices of the org and template forms.
var (
	templateScales = []termgoal.Scale{termgoal.OrganizationScale, termgoal.CadreScale, termgoal.CompanyScale}
)

// webOrgs shows the tree of the orgs the caller administers.
func (h *Handler) webOrgs(c *gin.Context) {
	h.renderOrgs(c, http.StatusOK, h.newPage(c, "web.orgs_title"))
}

func (h *Handler) renderOrgs(c *gin.Context, status int, p *webPage) {
	orgs, err := h.adminOrgs(c, edge.Caller(c))
	if err != nil {
		h.Fail(c, err)
		return
	}
	if len(orgs) == 0 && !app.IsRootAdmin(edge.Caller(c)) {
		h.Fail(c, app.ErrForbidden())
		return
	}
	d := orgsData{Types: termgoal.OrgTypes, AddRoot: app.IsRootAdmin(edge.Caller(c))}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, optionOf(o))
	}
	p.Data = d
	h.render(c, status, "orgs", p)
}

// webOrg shows org :id to an administrator of it.
func (h *Handler) webOrg(c *gin.Context) {
	h.renderOrg(c, http.StatusOK, h.newPage(c, "web.org_title"))
}

func (h *Handler) renderOrg(c *gin.Context, status int, p *webPage) {
	ctx := c.Request.Context()
	id, err := edge.ParseID(c.Param("id"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	o, err := h.store.Org(ctx, id)
	if err != nil {
		h.Fail(c, err)
		return
	}
	if !app.IsAdmin(edge.Caller(c), o.Path) {
		h.Fail(c, app.ErrForbidden())
		return
	}
	d := orgData{Org: *o, Types: termgoal.OrgTypes, Kinds: []termgoal.Appointment{termgoal.Elected, termgoal.Appointed, termgoal.Contracted}}
	if o.ParentID != nil && app.IsAdmin(edge.Caller(c), strings.TrimSuffix(o.Path, strconv.FormatInt(o.ID, 10)+"/")) {
		if d.Parent, err = h.store.Org(ctx, *o.ParentID); err != nil {
			h.Fail(c, err)
			return
		}
	}
	if d.Children, err = h.store.ChildOrgs(ctx, o.ID); err != nil {
		h.Fail(c, err)
		return
	}
	if d.Posts, err = h.store.Posts(ctx, o.ID); err != nil {
		h.Fail(c, err)
		return
	}
	if d.Terms, err = h.store.TermsOfOrg(ctx, o.ID); err != nil {
		h.Fail(c, err)
		return
	}
	if d.Templates, err = h.store.Templates(ctx); err != nil {
		h.Fail(c, err)
		return
	}
	if d.People, _, err = h.store.People(ctx, 2000, 0); err != nil {
		h.Fail(c, err)
		return
	}
	p.Data = d
	h.render(c, status, "org", p)
}

// webAddOrg adds an org under the form's parent_id (none: a root org).
func (h *Handler) webAddOrg(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	o := termgoal.Org{Name: form.Get("name"), Type: termgoal.OrgType(form.Get("type"))}
	if v := form.Get("parent_id"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		o.ParentID = &id
	}
	err := h.ops.CreateOrg(c.Request.Context(), edge.Caller(c), edge.Actor(c), &o)
	if err != nil {
		back := func(status int, p *webPage) { h.renderOrgs(c, status, p) }
		if o.ParentID != nil {
			c.Params = append(c.Params, gin.Param{Key: "id", Value: strconv.FormatInt(*o.ParentID, 10)})
			back = func(status int, p *webPage) { h.renderOrg(c, status, p) }
		}
		h.refuseForm(c, form, err, "web.org_title", back)
		return
	}
	h.flash(c, edge.T(c, "web.org_added", map[string]any{"name": o.Name}))
	c.Redirect(http.StatusSeeOther, "/orgs/"+strconv.FormatInt(o.ID, 10))
}

// webEditOrg renames org :id or changes its type.
func (h *Handler) webEditOrg(c *gin.Context) {
	h.orgForm(c, "web.org_updated", func(form url.Values, org int64) (string, error) {
		o := termgoal.Org{ID: org, Name: form.Get("name"), Type: termgoal.OrgType(form.Get("type"))}
		return o.Name, h.ops.EditOrg(c.Request.Context(), edge.Caller(c), edge.Actor(c), &o)
	})
}

// webAddPost adds a post to org :id.
func (h *Handler) webAddPost(c *gin.Context) {
	h.orgForm(c, "web.post_added", func(form url.Values, org int64) (string, error) {
		p := postFromForm(form)
		p.OrgID = org
		return p.Title, h.ops.CreatePost(c.Request.Context(), edge.Caller(c), edge.Actor(c), &p)
	})
}

// webEditPost changes post :post from org :id's page.
func (h *Handler) webEditPost(c *gin.Context) {
	h.orgForm(c, "web.post_saved", func(form url.Values, _ int64) (string, error) {
		p := postFromForm(form)
		var err error
		if p.ID, err = edge.ParseID(c.Param("post")); err != nil {
			return "", err
		}
		return p.Title, h.ops.EditPost(c.Request.Context(), edge.Caller(c), edge.Actor(c), &p)
	})
}

// postFromForm reads a post's form: title, rank, and the boxes principal, specialist and
// congress.
func postFromForm(form url.Values) termgoal.Post {
	return termgoal.Post{Title: form.Get("title"), Rank: strings.TrimSpace(form.Get("rank")), Principal: form.Get("principal") == "on",
		Specialist: form.Get("specialist") == "on", Congress: form.Get("congress") == "on"}
}

// webAddPerson adds a person from org :id's page, to name them in a term there.
func (h *Handler) webAddPerson(c *gin.Context) {
	h.orgForm(c, "web.person_added", func(form url.Values, _ int64) (string, error) {
		p, err := personFromForm(form)
		if err != nil {
			return "", err
		}
		return p.Name, h.ops.CreatePerson(c.Request.Context(), edge.Caller(c), edge.Actor(c), &p)
	})
}

// personFromForm reads a person's form: name, gender, birth date (YYYY-MM-DD or empty) and
// whether a non-party cadre.
func personFromForm(form url.Values) (termgoal.Person, error) {
	p := termgoal.Person{Name: form.Get("name"), Gender: form.Get("gender"), NonParty: form.Get("non_party") == "on"}
	if v := strings.TrimSpace(form.Get("birth_date")); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return p, termgoal.Errorf(termgoal.EINVALID, "person.birth_date", "the birth date is YYYY-MM-DD")
		}
		p.BirthDate = &d
	}
	return p, nil
}

// personRef reads the person a term form names: "name #id" from the list, or an ID.
var personRef = regexp.MustCompile(`#?(\d+)\s*$`)

// webAddTerm registers a term in org :id.
func (h *Handler) webAddTerm(c *gin.Context) {
	h.orgForm(c, "web.term_added", func(form url.Values, org int64) (string, error) {
		num := func(name string) int64 { n, _ := strconv.ParseInt(strings.TrimSpace(form.Get(name)), 10, 64); return n }
		day := func(name string) time.Time {
			d, _ := time.Parse(time.DateOnly, strings.TrimSpace(form.Get(name)))
			return d
		}
		t := termgoal.Term{OrgID: org, HolderKind: termgoal.HolderKind(form.Get("holder_kind")), Appointment: termgoal.Appointment(form.Get("appointment")),
			Start: day("start"), End: day("end"), TemplateID: num("template_id")}
		if m := personRef.FindStringSubmatch(form.Get("person")); m != nil && t.HolderKind == termgoal.HolderPerson {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			t.PersonID = &id
		}
		if id := num("post_id"); id != 0 {
			t.PostID = &id
		}
		err := h.ops.RegisterTerm(c.Request.Context(), edge.Caller(c), edge.Actor(c), &t)
		return t.Start.Format(time.DateOnly) + "–" + t.End.Format(time.DateOnly), err
	})
}

// orgForm handles a form of org :id's page: add does it and names what it added; a refusal
// shows the page again with the form as typed.
func (h *Handler) orgForm(c *gin.Context, doneKey string, add func(form url.Values, org int64) (string, error)) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	id, err := edge.ParseID(c.Param("id"))
	if err != nil {
		h.Fail(c, err)
		return
	}
	name, err := add(form, id)
	if err != nil {
		h.refuseForm(c, form, err, "web.org_title", func(status int, p *webPage) { h.renderOrg(c, status, p) })
		return
	}
	h.flash(c, edge.T(c, doneKey, map[string]any{"name": name}))
	c.Redirect(http.StatusSeeOther, "/orgs/"+strconv.FormatInt(id, 10))
}
