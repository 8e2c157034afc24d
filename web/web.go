// Package web serves the web pages (T1, A2, P9, O5): server-rendered html/template pages next
// to the JSON API (package api, which mounts them), calling the same operations and views of
// app.Service (SignIn, Act, ProcessView, NoticeView, the authorization checks) and sharing its
// edge (package edge: the caller, the language, the error table). Templates and static files
// are embedded and parsed once at start-up. Every form that changes something carries an
// idempotency key generated when the form is rendered, so a double submit applies the action
// once (T7).
package web

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/catalog"
	"termgoal/edge"
	"termgoal/notify"
	"termgoal/postgres"
)

// Config is what the pages need: the store they read, the operations they call, the log and
// the browser sessions the JSON API's handler shares with them.
type Config struct {
	Store    *postgres.Store
	Ops      *app.Service
	Log      *slog.Logger
	Sessions *scs.SessionManager
	Cookies  edge.Cookies
	OIDC     *OIDC // sign-in with an OpenID Connect provider; nil: passwords only
}

// Handler serves the pages: each decodes the request, calls an operation or a view of ops and
// renders its template.
type Handler struct {
	store    *postgres.Store
	ops      *app.Service
	log      *slog.Logger
	sessions *scs.SessionManager
	oidc     *oidcSignIn // nil: no provider
	cookies  edge.Cookies
}

// New parses the templates and returns the pages' handler.
func New(cfg Config) (*Handler, error) {
	if err := loadWebTemplates(); err != nil {
		return nil, err
	}
	h := &Handler{store: cfg.Store, ops: cfg.Ops, log: cfg.Log, sessions: cfg.Sessions, cookies: cfg.Cookies}
	if cfg.OIDC != nil {
		h.oidc = &oidcSignIn{cfg: *cfg.OIDC}
	}
	return h, nil
}

// TaskCounts is the badge every page shows next to the inbox link.
type TaskCounts struct {
	Open    int
	Overdue int
}

//go:embed templates/*.html static/*
var webFS embed.FS

// webPages lists the page templates; each is parsed together with layout.html.
var webPages = []string{"login", "inbox", "task", "process", "notices", "notice", "notifications", "termrules", "person", "term", "campaigns", "campaign", "error",
	"appraisal", "results", "ballot", "schedules", "audit", "processes", "dashboard", "batch", "calendar", "templates", "template", "import", "orgs", "org",
	"print_plan", "print_form", "pick", "settings", "security", "deliveries"}

var (
	webTemplates    map[string]*template.Template
	webTemplatesErr error
	webOnce         sync.Once
)

// webFuncs are the helpers the templates use besides the methods of webPage.
var webFuncs = template.FuncMap{
	"date": func(v any) string {
		switch t := v.(type) {
		case time.Time:
			if t.IsZero() {
				return ""
			}
			return t.Format(time.DateOnly)
		case *time.Time:
			if t == nil || t.IsZero() {
				return ""
			}
			return t.Format(time.DateOnly)
		}
		return ""
	},
	"datetime": func(t time.Time) string { return t.In(app.ChinaTime).Format("2006-01-02 15:04") },
	"add":      func(a, b int) int { return a + b },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"weight": func(f float64) string { return fmt.Sprintf("%g", f) },
	// percent shows a share (0.2) as a percentage (20).
	"percent":  func(f float64) string { return fmt.Sprintf("%g", math.Round(f*1e8)/1e6) },
	"filesize": fileSize,
	// targets shows an item's targets by year on one line.
	"targets": func(targets map[string]string) string {
		years := slices.Sorted(maps.Keys(targets))
		parts := make([]string, len(years))
		for i, y := range years {
			parts[i] = y + ": " + targets[y]
		}
		return strings.Join(parts, " · ")
	},
	"target": func(targets map[string]string, year int) string {
		return targets[fmt.Sprint(year)]
	},
	// The appraisal pages (appraisal.go).
	"score": fmtScore,
	"join":  strings.Join,
	// share shows a share (0.857142…) as a percentage to a tenth (85.7).
	"share":         func(f float64) string { return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) },
	"actualOf":      actualOf,
	"sheetScore":    sheetScore,
	"lagging":       isLagging,
	"itemTitle":     itemTitle,
	"appraisalHref": appraisalHref,
	// The settings page.
	"robotKinds": func() []string { return notify.Kinds },
}

// loadWebTemplates parses every page template once.
func loadWebTemplates() error {
	webOnce.Do(func() {
		webTemplates = map[string]*template.Template{}
		for _, p := range webPages {
			files := []string{"templates/layout.html", "templates/" + p + ".html"}
			if strings.HasPrefix(p, "print_") {
				files = append(files, "templates/print.html") // a printable form's own frame
			}
			t, err := template.New("layout").Funcs(webFuncs).ParseFS(webFS, files...)
			if err != nil {
				webTemplatesErr = fmt.Errorf("web: template %s: %w", p, err)
				return
			}
			webTemplates[p] = t
		}
	})
	return webTemplatesErr
}

// flashCookie carries the message of an applied form to the page the answer redirects to. A
// cookie, not the session: a request running beside the form's (an asset, the picker's
// search) saves the session it loaded before, and would drop a message kept there.
const flashCookie = "termgoal_flash"

// Routes adds the web pages to the route table. The JSON API lives under /api/v1, the pages
// everywhere else.
func (h *Handler) Routes(r *gin.Engine) {
	static, err := fs.Sub(webFS, "static")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	r.GET("/static/*filepath", func(c *gin.Context) {
		if strings.HasSuffix(c.Param("filepath"), "/") {
			c.AbortWithStatus(http.StatusNotFound) // files only: no listing of a directory
			return
		}
		c.Header("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(c.Writer, c.Request)
	})

	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/inbox") })
	r.GET("/login", webNoCache, h.webLogin)
	r.POST("/login", webNoCache, h.webLoginPost)
	r.POST("/login/code", webNoCache, h.webLoginCode)
	if h.oidc != nil {
		r.GET("/login/oidc", webNoCache, h.webOIDCStart)
		r.GET("/login/oidc/callback", webNoCache, h.webOIDCCallback)
	}
	r.POST("/logout", webNoCache, h.webLogout)

	r.GET("/notices", webNoCache, h.webNotices)
	r.GET("/notices/:process_id", webNoCache, h.webNotice)
	r.POST("/notices/:process_id/objections", webNoCache, h.webObjection)
	r.GET("/ballot", webNoCache, h.webBallot)
	r.POST("/ballot", webNoCache, h.webCastBallot)

	p := r.Group("", webNoCache, h.webRequireAuth)
	p.GET("/inbox", h.webInbox)
	p.GET("/pick", h.webPick)
	p.GET("/tasks/:id", h.webTask)
	p.POST("/tasks/:id/act", h.webTaskAct)
	p.POST("/tasks/:id/draft", h.webSaveDraft)
	p.GET("/processes", h.webProcesses)
	p.POST("/processes/batch", h.webProcessesBatch)
	p.GET("/batches/:id", h.webBatch)
	p.GET("/processes/:id", h.webProcess)
	p.POST("/processes/:id/act", h.webProcessAct)
	p.POST("/processes/:id/restart", h.webRestart)
	p.POST("/processes/:id/attachments", h.webAddAttachment)
	p.GET("/notifications", h.webNotifications)
	p.GET("/notifications/open", h.webOpenNotification)
	p.POST("/notifications/read", h.webMarkAllRead)
	p.GET("/deliveries", h.webDeliveries)
	p.GET("/settings", h.webSettings)
	p.POST("/settings", h.webSaveSettings)
	p.GET("/settings/security", h.webSecurity)
	p.POST("/settings/password", h.webChangePassword)
	p.POST("/settings/second-factor", h.webEnrollSecondFactor)
	p.POST("/settings/second-factor/confirm", h.webConfirmSecondFactor)
	p.POST("/settings/second-factor/recovery-codes", h.webRenewRecoveryCodes)
	p.POST("/settings/second-factor/off", h.webTurnOffSecondFactor)
	p.POST("/settings/sessions/end", h.webEndSessions)
	p.POST("/settings/sessions/:id/end", h.webEndSession)
	p.GET("/reports/term-rules", h.webTermRulesReport)
	p.GET("/people/:id", h.webPerson)
	p.POST("/people/:id", h.webEditPerson)
	p.GET("/terms/:id", h.webTerm)
	p.POST("/terms/:id/amendments", h.webAmend)
	p.POST("/terms/:id/follow", h.webFollowTerm)
	p.POST("/terms/:id/edit", h.webEditTerm)
	p.POST("/terms/:id/handover", h.webHandover)
	p.POST("/terms/:id/appraisals", h.webStartAppraisal)
	p.POST("/terms/:id/archives", h.webWriteArchive)
	p.GET("/terms/:id/archives/:name", h.webArchiveFile)
	p.GET("/appraisals/:id", h.webAppraisal)
	p.POST("/appraisals/:id/ballot-codes", h.webBallotCodes)
	p.GET("/results", h.webResults)
	p.GET("/audit", h.webAuditLog)
	p.GET("/exports/audit.xlsx", h.webExport("audit"))
	p.GET("/exports/appraisals.xlsx", h.webExport("appraisals"))
	p.GET("/exports/plans.xlsx", h.webExport("plans"))
	p.GET("/exports/term-rules.xlsx", h.webExport("term-rules"))
	p.GET("/terms/:id/plan.xlsx", h.webExport("plan"))
	p.GET("/terms/:id/plan/print", h.webPrintPlan(false))
	p.GET("/terms/:id/plan.pdf", h.webPrintPlan(true))
	p.GET("/appraisals/:id/form", h.webPrintForm(false))
	p.GET("/appraisals/:id/form.pdf", h.webPrintForm(true))
	p.GET("/campaigns/:id/progress.xlsx", h.webExport("campaign"))
	p.GET("/dashboard", h.webDashboard)
	p.GET("/campaigns", h.webCampaigns)
	p.POST("/campaigns", h.webStartCampaign)
	p.GET("/campaigns/:id", h.webCampaign)
	p.POST("/campaigns/:id/act", h.webCampaignAct)
	p.GET("/campaign-schedules", h.webSchedules)
	p.POST("/campaign-schedules", h.webCreateSchedule)
	p.POST("/campaign-schedules/:id/delete", h.webDeleteSchedule)
	p.GET("/orgs", h.webOrgs)
	p.POST("/orgs", h.webAddOrg)
	p.GET("/orgs/:id", h.webOrg)
	p.POST("/orgs/:id", h.webEditOrg)
	p.POST("/orgs/:id/posts", h.webAddPost)
	p.POST("/orgs/:id/posts/:post", h.webEditPost)
	p.POST("/orgs/:id/people", h.webAddPerson)
	p.POST("/orgs/:id/terms", h.webAddTerm)
	p.GET("/import", h.webImport)
	p.POST("/import", h.webImportFile)
	p.GET("/calendar", h.webCalendar)
	p.GET("/templates", h.webTemplates)
	p.GET("/templates/:id", h.webTemplate)
	p.POST("/templates/:id", h.webSaveTemplate)
	p.POST("/calendar", h.webSetCalendarYear)
}

// webNoCache keeps personal pages and pages with one-time form keys out of caches.
func webNoCache(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// webRequireAuth sends an anonymous visitor to the sign-in page, back here afterwards.
func (h *Handler) webRequireAuth(c *gin.Context) {
	if edge.Caller(c) == nil {
		next := c.Request.URL.Path
		if c.Request.Method == http.MethodGet && c.Request.URL.RawQuery != "" {
			next += "?" + c.Request.URL.RawQuery
		}
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		c.Abort()
		return
	}
	c.Next()
}

// webPage is the data of every page: the layout's fields and the page's own Data.
type webPage struct {
	Lang    string
	Langs   []string
	Title   string
	Path    string // the current path, for the language switch
	Account *termgoal.Account
	Counts  *TaskCounts
	Unread  int // unread notifications, for the header's badge
	Flash   string
	Error   string
	Err     error      // the refusal Error says, for a form that marks the field at fault
	Form    url.Values // what the user sent, shown again after a refusal
	Refresh int        // seconds after which the page reloads itself (0: never)
	// PrintCSS is the printable forms' style sheet when it goes inline (in a PDF).
	PrintCSS template.CSS
	Data     any
}

// T translates key into the page's language; kv are the placeholder values as name, value
// pairs.
func (p *webPage) T(key string, kv ...any) string {
	var args map[string]any
	if len(kv) > 0 {
		args = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			args[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return catalog.TL(p.Lang, key, args)
}

// TV translates prefix+value (a step, a task kind, a role), or shows the value itself when the
// catalogs have no such key.
func (p *webPage) TV(prefix string, value any) string {
	return catalog.TV(p.Lang, prefix, fmt.Sprint(value))
}

// V returns a field the user sent, for a form shown again.
func (p *webPage) V(name string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Get(name)
}

// Key is a fresh idempotency key for a form rendered now; after an unknown outcome the key the
// user sent is kept, so a retry never applies the action twice.
func (p *webPage) Key() string {
	if k := p.V("key"); k != "" && p.Error != "" && p.Form.Get("_keep_key") == "1" {
		return k
	}
	return edge.RandomHex(16)
}

// newPage starts the data of a page for the caller.
func (h *Handler) newPage(c *gin.Context, titleKey string) *webPage {
	p := &webPage{Lang: edge.Lang(c), Langs: catalog.Langs, Path: c.Request.URL.Path, Account: edge.Caller(c)}
	p.Title = p.T(titleKey)
	if p.Account != nil {
		ctx := c.Request.Context()
		if open, overdue, err := h.store.InboxCount(ctx, p.Account.ID, h.ops.Today()); err == nil {
			p.Counts = &TaskCounts{Open: open, Overdue: overdue}
		}
		if n, err := h.store.UnreadCount(ctx, p.Account.ID); err == nil {
			p.Unread = n
		}
	}
	p.Flash = h.popFlash(c)
	return p
}

// render writes page name with status.
func (h *Handler) render(c *gin.Context, status int, name string, p *webPage) {
	t, ok := webTemplates[name]
	if !ok {
		h.Fail(c, fmt.Errorf("no page template %q", name))
		return
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		h.log.ErrorContext(c.Request.Context(), "render page", "page", name, "request_id", edge.RequestID(c), "err", err.Error())
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(catalog.TL(p.Lang, "error.internal", nil)))
		c.Abort()
		return
	}
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

// Fail shows err on the error page with the status of its code, in the caller's language.
func (h *Handler) Fail(c *gin.Context, err error) {
	_, status, msg := edge.Problem(c, h.log, err)
	if status == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, "/login")
		c.Abort()
		return
	}
	p := h.newPage(c, "web.error_title")
	p.Error = msg
	h.render(c, status, "error", p)
	c.Abort()
}

// postForm parses the posted form; a malformed one is shown on the error page.
func (h *Handler) postForm(c *gin.Context) (url.Values, bool) {
	if err := c.Request.ParseForm(); err != nil {
		h.Fail(c, edge.ErrMalformed(err))
		return nil, false
	}
	return c.Request.PostForm, true
}

// flash leaves a message for the next page the browser shows.
func (h *Handler) flash(c *gin.Context, msg string) {
	h.cookies.Set(c.Writer, flashCookie, url.QueryEscape(msg), 60)
}

// popFlash takes the message the last form left for this page, and clears it.
func (h *Handler) popFlash(c *gin.Context) string {
	v, ok := h.cookies.Get(c.Request, flashCookie)
	if !ok {
		return ""
	}
	h.cookies.Set(c.Writer, flashCookie, "", -1)
	msg, _ := url.QueryUnescape(v)
	return msg
}

// safeNext accepts only a local path as the page to go to after signing in. Browsers drop tabs
// and newlines from a URL and read a backslash as a slash, so "/\t/evil.example" or
// "/\\evil.example" would lead to another host: a path holding a control character, a space or a
// backslash is refused whole.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") &&
		!strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' }) {
		return next
	}
	return "/inbox"
}

// webLogin shows the sign-in form.
func (h *Handler) webLogin(c *gin.Context) {
	if edge.Caller(c) != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	h.renderLogin(c, http.StatusOK, url.Values{"next": {c.Query("next")}}, "")
}

// webLoginPost signs in with a username and password (under the brute-force limit) and starts
// a session; a refusal shows the form again with the reason. An account with the second factor
// on is asked for its code next (webLoginCode): the session keeps which account, for
// pendingFor, and nothing else.
func (h *Handler) webLoginPost(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	acc, err := h.ops.SignIn(c.Request.Context(), form.Get("username"), form.Get("password"), "", c.ClientIP())
	if need := (*app.ErrSecondFactor)(nil); errors.As(err, &need) {
		h.askCode(c, need.AccountID, form.Get("next"))
		return
	}
	h.signedIn(c, acc, err, url.Values{"username": {form.Get("username")}, "next": {form.Get("next")}})
}

// askCode keeps in the session which account is half signed in, and since when, and asks for
// its code.
func (h *Handler) askCode(c *gin.Context, account int64, next string) {
	ctx := c.Request.Context()
	h.sessions.Put(ctx, pendingAccount, account)
	h.sessions.Put(ctx, pendingSince, h.ops.Now().Unix())
	h.renderLogin(c, http.StatusOK, url.Values{"step": {"code"}, "next": {next}}, "")
}

// The session of a browser between the password and the code: the account, and when.
const (
	pendingAccount = "pending_account"
	pendingSince   = "pending_since"
	pendingFor     = 5 * time.Minute
)

// webLoginCode is a sign-in's second step: the code of the account whose password was right.
func (h *Handler) webLoginCode(c *gin.Context) {
	form, ok := h.postForm(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	id := h.sessions.GetInt64(ctx, pendingAccount)
	if id == 0 || h.ops.Now().Sub(time.Unix(h.sessions.GetInt64(ctx, pendingSince), 0)) > pendingFor {
		h.sessions.Remove(ctx, pendingAccount)
		h.renderLogin(c, http.StatusUnauthorized, url.Values{"next": {form.Get("next")}}, edge.T(c, "web.login_code_expired", nil))
		return
	}
	acc, err := h.ops.SignInCode(ctx, id, form.Get("code"), c.ClientIP())
	if err == nil {
		h.sessions.Remove(ctx, pendingAccount)
		h.sessions.Remove(ctx, pendingSince)
	}
	h.signedIn(c, acc, err, url.Values{"step": {"code"}, "next": {form.Get("next")}})
}

// signedIn starts acc's session and goes on to the page asked for, or shows the form of the
// step again (form) with the reason of err.
func (h *Handler) signedIn(c *gin.Context, acc *termgoal.Account, err error, form url.Values) {
	if err != nil {
		_, status, msg := edge.Problem(c, h.log, err)
		h.renderLogin(c, status, form, msg)
		return
	}
	if err := edge.StartSession(c, h.sessions, h.store, acc); err != nil {
		h.Fail(c, err)
		return
	}
	h.webAudit(c, "signed_in")
	c.Redirect(http.StatusSeeOther, safeNext(form.Get("next")))
}

func (h *Handler) renderLogin(c *gin.Context, status int, form url.Values, msg string) {
	p := h.newPage(c, "web.login_title")
	p.Error = msg
	p.Form = form
	if h.oidc != nil {
		p.Data = h.oidc.cfg.Name // the provider's button
	}
	h.render(c, status, "login", p)
}

// webLogout ends the session.
func (h *Handler) webLogout(c *gin.Context) {
	if edge.Caller(c) != nil {
		h.webAudit(c, "signed_out")
	}
	if err := h.sessions.Destroy(c.Request.Context()); err != nil {
		h.Fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/login")
}

// webAudit appends a line to the audit log; a failure is logged, not shown: the user's
// sign-in or sign-out has happened already.
func (h *Handler) webAudit(c *gin.Context, action string) {
	if err := h.ops.Audit(c.Request.Context(), edge.Actor(c), termgoal.Audit{Action: action}); err != nil {
		h.log.ErrorContext(c.Request.Context(), "audit", "request_id", edge.RequestID(c), "err", err.Error())
	}
}

// isNotFound reports whether err is a domain "not found".
func isNotFound(err error) bool {
	var e *termgoal.Error
	return errors.As(err, &e) && e.Code == termgoal.ENOTFOUND
}

// processOf loads process :id if the caller may see it.
func (h *Handler) processOf(c *gin.Context) (*termgoal.Process, error) {
	return h.ops.VisibleProcess(c.Request.Context(), edge.Caller(c), c.Param("id"))
}
