package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal/edge"
)

//go:embed openapi.json
var openapiJSON []byte

// routes is the one route table. Public routes come first; everything after requireAuth
// needs a signed-in caller, and each handler then checks the caller's grants (authz.go).
func (h *Handler) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	_ = r.SetTrustedProxies(nil) // ClientIP is the peer address unless a proxy is configured
	r.ContextWithFallback = true
	r.HandleMethodNotAllowed = false
	r.Use(h.requestLog, h.recovery, edge.LangCookie(h.cookies()), h.refuseHostile, h.loadCaller, h.auditRefusals)
	r.NoRoute(notFound(h))
	r.GET("/healthz", gin.WrapF(healthz))
	// The client is read at each probe: tests set it after the routes.
	r.GET("/readyz", func(c *gin.Context) { readyz(c.Writer, c.Request, h.store, h.temporal, h.log) })
	h.pages.Routes(r) // the web pages (package web), outside /api/v1

	v1 := r.Group("/api/v1", noCache)
	v1.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", openapiJSON) })
	v1.POST("/auth/token", h.createToken)
	v1.GET("/notices", h.listNotices)
	v1.GET("/notices/:process_id", h.getNotice)
	v1.POST("/notices/:process_id/objections", h.fileObjection)
	v1.POST("/ballots", h.castBallot)

	codec := v1.Group("/codec", h.codecCORS)
	codec.OPTIONS("/decode", h.codecPreflight)
	codec.OPTIONS("/encode", h.codecPreflight)
	codec.POST("/decode", h.requireAuth, h.decodePayloads)
	codec.POST("/encode", h.requireAuth, h.encodePayloads)

	a := v1.Group("", h.requireAuth)
	a.GET("/me", h.me)
	a.GET("/me/email", h.myEmail)
	a.PUT("/me/email", h.setMyEmail)
	a.GET("/me/preferences", h.myPreferences)
	a.PUT("/me/preferences", h.setMyPreferences)
	a.PUT("/me/password", h.changeMyPassword)
	a.GET("/me/second-factor", h.mySecondFactor)
	a.POST("/me/second-factor", h.enrollSecondFactor)
	a.POST("/me/second-factor/confirm", h.confirmSecondFactor)
	a.POST("/me/second-factor/recovery-codes", h.renewRecoveryCodes)
	a.DELETE("/me/second-factor", h.turnOffSecondFactor)
	a.POST("/auth/logout", h.logout)

	a.GET("/orgs", h.listOrgs)
	a.POST("/orgs", h.createOrg)
	a.GET("/orgs/:id", h.getOrg)
	a.PUT("/orgs/:id", h.updateOrg)
	a.GET("/orgs/:id/posts", h.orgPosts)
	a.POST("/posts", h.createPost)
	a.PUT("/posts/:id", h.updatePost)

	a.GET("/people", h.listPeople)
	a.POST("/people", h.createPerson)
	a.GET("/people/:id", h.getPerson)
	a.PUT("/people/:id", h.updatePerson)
	a.GET("/people/:id/term-rules", h.getPersonTermRules)
	a.POST("/people/:id/term-rules/outcome", h.checkTermOutcome)
	a.GET("/reports/term-rules", h.getTermRulesReport)
	a.GET("/policy/term-rules", h.getTermRulesPolicy)
	a.PUT("/policy/term-rules", h.putTermRulesPolicy)

	a.GET("/templates", h.listTemplates)
	a.POST("/templates", h.createTemplate)
	a.GET("/templates/:id", h.getTemplate)
	a.PUT("/templates/:id", h.updateTemplate)
	a.GET("/templates/:id/versions", h.templateVersions)
	a.GET("/templates/:id/compare", h.compareTemplate)

	a.GET("/terms", h.listTerms)
	a.POST("/terms", h.createTerm)
	a.GET("/terms/:id", h.getTerm)
	a.PUT("/terms/:id", h.updateTerm)
	a.GET("/terms/:id/plan", h.getPlanInForce)
	a.GET("/terms/:id/plans", h.listPlanVersions)
	a.POST("/terms/:id/goal-setting", h.startGoalSetting)
	a.POST("/terms/:id/amendments", h.startAmendment)
	a.GET("/terms/:id/progress", h.termProgress)
	a.GET("/terms/:id/archives", h.termArchives)
	a.POST("/terms/:id/archives", h.writeTermArchive)
	a.GET("/terms/:id/archives/:name", h.termArchiveFile)
	a.POST("/terms/:id/handover", h.handover)
	a.POST("/terms/:id/follow", h.followTerm)

	a.GET("/appraisals", h.listAppraisals)
	a.POST("/appraisals", h.createAppraisal)
	a.GET("/appraisals/:process_id", h.getAppraisal)
	a.GET("/results", h.listResults)

	a.GET("/processes", h.listProcesses)
	a.GET("/processes/:id", h.getProcess)
	a.POST("/processes/:id/actions/:action", h.postAction)
	a.POST("/processes/:id/restart", h.restartProcess)
	a.GET("/processes/:id/attachments", h.listAttachments)
	a.POST("/processes/:id/attachments", h.addAttachment)
	a.POST("/processes/:id/ballot-codes", h.issueBallotCodes)
	a.GET("/attachments/:id", h.getAttachment)

	a.GET("/tasks", h.inbox)
	a.GET("/tasks/counts", h.taskCounts)
	a.GET("/tasks/:id", h.getTask)

	a.GET("/notifications", h.listNotifications)
	a.GET("/notifications/count", h.notificationCount)
	a.POST("/notifications/read", h.markNotificationsRead)
	a.GET("/webhooks", h.listWebhooks)
	a.POST("/webhooks", h.createWebhook)
	a.DELETE("/webhooks/:id", h.deleteWebhook)
	a.GET("/deliveries/failed", h.failedDeliveries)

	a.GET("/campaigns", h.listCampaigns)
	a.POST("/campaigns", h.createCampaign)
	a.GET("/campaigns/:id", h.getCampaign)
	a.POST("/campaigns/:id/rerun", h.rerunCampaign)
	a.POST("/campaigns/:id/remind", h.remindCampaign)
	a.GET("/campaign-schedules", h.listCampaignSchedules)
	a.POST("/campaign-schedules", h.createCampaignSchedule)
	a.DELETE("/campaign-schedules/:id", h.deleteCampaignSchedule)

	a.POST("/admin/remind", h.batchRemind)
	a.POST("/admin/reassign", h.batchReassign)
	a.POST("/processes/batch", h.batchOver)
	a.GET("/batches/:id", h.getBatch)
	a.GET("/audit", h.auditLog)
	a.GET("/exports/audit.xlsx", h.export("audit"))
	a.GET("/exports/appraisals.xlsx", h.export("appraisals"))
	a.GET("/exports/plans.xlsx", h.export("plans"))
	a.GET("/exports/term-rules.xlsx", h.export("term-rules"))
	a.GET("/terms/:id/plan.xlsx", h.export("plan"))
	a.GET("/campaigns/:id/progress.xlsx", h.export("campaign"))
	a.GET("/dashboard", h.dashboard)
	a.POST("/imports", h.importFile)
	a.GET("/imports/template.xlsx", h.importTemplate)
	a.GET("/calendar", h.calendar)
	a.GET("/calendar/years", h.calendarYears)
	a.PUT("/calendar/years/:year", h.putCalendarYear)
	a.POST("/accounts", h.createAccount)
	a.POST("/accounts/:id/grants", h.addGrant)
	a.GET("/accounts/:id/sessions", h.accountSessions)
	a.DELETE("/accounts/:id/sessions", h.endAccountSessions)
	a.DELETE("/accounts/:id/sessions/:session", h.endAccountSession)
	a.PUT("/accounts/:id/password", h.resetPassword)
	a.POST("/accounts/:id/disable", h.setDisabled(true))
	a.POST("/accounts/:id/enable", h.setDisabled(false))
	a.DELETE("/accounts/:id/second-factor", h.resetSecondFactor)
	return r
}
