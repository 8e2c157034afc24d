package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/workflows"
)

// webPageSize is how many rows a web list shows per page.
const webPageSize = 20

// webPaging reads ?page= (from 1, up to the page that holds app.MaxOffset) and returns the
// limit and offset.
func webPaging(c *gin.Context) (page, limit, offset int) {
	page, _ = strconv.Atoi(c.Query("page"))
	page = min(max(page, 1), app.MaxOffset/webPageSize+1)
	return page, webPageSize, (page - 1) * webPageSize
}

// pager is the paging bar under a list.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // links, empty at the ends
}

func newPager(base string, page, total int) pager {
	pages := max(1, (total+webPageSize-1)/webPageSize)
	p := pager{Page: page, Pages: pages, Total: total}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	if page > 1 {
		p.Prev = base + sep + "page=" + strconv.Itoa(page-1)
	}
	if page < pages {
		p.Next = base + sep + "page=" + strconv.Itoa(page+1)
	}
	return p
}

// noticesData is the list of open notices.
type noticesData struct {
	Notices []termgoal.Notice
	Pager   pager
}

// webNotices lists the open notices; no sign-in needed (P9).
func (h *Handler) webNotices(c *gin.Context) {
	page, limit, offset := webPaging(c)
	ns, total, err := h.store.Notices(c.Request.Context(), "open", limit, offset)
	if err != nil {
		h.Fail(c, err)
		return
	}
	p := h.newPage(c, "web.notices_title")
	p.Data = noticesData{Notices: ns, Pager: newPager("/notices", page, total)}
	h.render(c, http.StatusOK, "notices", p)
}

// noticeData is a public notice with its plan and the objection form.
type noticeData struct {
	*app.NoticeView
	Years []int
}

// webNotice shows one notice with its plan and an objection form.
func (h *Handler) webNotice(c *gin.Context) {
	h.renderNotice(c, http.StatusOK, nil)
}

func (h *Handler) renderNotice(c *gin.Context, status int, p *webPage) {
	v, err := h.ops.NoticeView(c.Request.Context(), c.Param("process_id"))
	if err != nil {
		if isNotFound(err) {
			err = termgoal.Errorf(termgoal.ENOTFOUND, "notice.not_found", "no such notice")
		}
		h.Fail(c, err)
		return
	}
	term, err := h.store.Term(c.Request.Context(), v.Notice.TermID)
	if err != nil {
		h.Fail(c, err)
		return
	}
	if p == nil {
		p = h.newPage(c, "web.notices_title")
	}
	p.Title = p.T("web.notice_title", "title", v.Notice.Title)
	switch {
	case v.Result != nil:
		p.Title = p.T("web.result_notice_title", "title", v.Notice.Title)
	case v.Notice.Kind == termgoal.ProgressMidYear:
		p.Title = p.T("web.selfcheck_notice_title", "title", v.Notice.Title)
	}
	p.Data = noticeData{NoticeView: v, Years: term.Years()}
	h.render(c, status, "notice", p)
}

// webObjection files an objection; without sign-in it is always anonymous.
func (h *Handler) webObjection(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	actor := edge.Actor(c)
	in := &workflows.FileObjectionInput{
		Content:   strings.TrimSpace(form.Get("content")),
		Anonymous: actor.AccountID == 0 || form.Get("anonymous") != "",
	}
	id := c.Param("process_id")
	key, kerr := formKey(form)
	if kerr == nil {
		_, kerr = h.ops.Act(c.Request.Context(), actor, id, workflows.UpdateFileObjection, key, in)
	}
	if kerr != nil {
		p := h.newPage(c, "web.notices_title")
		h.formError(c, p, form, kerr)
		status := edge.ErrorStatus(termgoal.ErrorCode(kerr))
		if status == http.StatusInternalServerError {
			h.Fail(c, kerr)
			return
		}
		h.renderNotice(c, status, p)
		return
	}
	h.flash(c, catalog.TL(edge.Lang(c), "web.objection_thanks", nil))
	c.Redirect(http.StatusSeeOther, "/notices/"+id)
}

// formKey reads the idempotency key a form carries.
func formKey(form map[string][]string) (string, error) {
	var key string
	if v := form["key"]; len(v) > 0 {
		key = v[0]
	}
	if !edge.ValidKey.MatchString(key) {
		return "", edge.ErrBadKey()
	}
	return key, nil
}

// formError puts a refusal on page p, with the form as the user sent it. After an unknown
// outcome the form keeps its key, so a retry is the same request.
func (h *Handler) formError(c *gin.Context, p *webPage, form map[string][]string, err error) {
	code, _, msg := edge.Problem(c, h.log, err)
	p.Error, p.Err = msg, err
	p.Form = map[string][]string{}
	for k, v := range form {
		p.Form[k] = v
	}
	if code == termgoal.EUNAVAILABLE {
		p.Form.Set("_keep_key", "1")
		p.Error += " " + p.T("ui.retry_same_key")
	}
}
