package notify

import (
	"fmt"
	"regexp"
	"strings"
)

// Notification kinds, as workflows name them in activities.NotifyInput.
const (
	Assigned   = "assigned"    // a new task
	Reminder   = "reminder"    // the task is due soon
	Due        = "due"         // the task is due today
	Overdue    = "overdue"     // the task is past its due date
	Escalated  = "escalated"   // to the supervisor: someone's task is overdue
	Urged      = "urged"       // someone urged the assignee (催办)
	Copied     = "copied"      // copied to the recipient (抄送)
	AutoAction = "auto_action" // the system acted on a timeout
	Returned   = "returned"    // the plan was returned to the draft
	Revised    = "revised"     // the plan was revised after the recipient's opinion

	// What happens to the holder's process beyond their tasks, and to an objector.
	OpinionReceived   = "opinion_received"   // a consultee gave an opinion on the plan
	Approved          = "approved"           // a superior approved the plan
	ObjectionFiled    = "objection_filed"    // someone objected during the notice
	ObjectionResolved = "objection_resolved" // an objection was upheld or dismissed
	Filed             = "filed"              // the plan was filed with a document number
	ResultPublished   = "result_published"   // the appraisal's result went on notice
	AppealAnswered    = "appeal_answered"    // the appeal against the result was answered
	Digest            = "digest"             // the daily digest
)

// Events are the notification kinds the workflows send.
var Events = []string{Assigned, Reminder, Due, Overdue, Escalated, Urged, Copied, AutoAction, Returned, Digest, Revised,
	OpinionReceived, Approved, ObjectionFiled, ObjectionResolved, Filed, ResultPublished, AppealAnswered}

// texts holds a subject and a text per kind and language. {name} is replaced by the param of
// that name ("" when missing); {step} and {action} are translated.
var texts = map[string]map[string][2]string{
	"zh-CN": {
		Assigned:          {"新待办：{holder}·{step}", "您有一项新的待办：{holder}「{step}」，请于 {due_on} 前处理。"},
		Reminder:          {"待办即将到期：{holder}·{step}", "{holder}「{step}」的待办将于 {due_on} 到期，请及时处理。"},
		Due:               {"待办今日到期：{holder}·{step}", "{holder}「{step}」的待办今日（{due_on}）到期，请尽快处理。"},
		Overdue:           {"待办已逾期：{holder}·{step}", "{holder}「{step}」的待办已于 {due_on} 到期，现已逾期，请尽快处理。"},
		Escalated:         {"逾期督办：{holder}·{step}", "{holder}「{step}」的待办（{assignee}）已于 {due_on} 到期仍未处理，请督促办理。"},
		Urged:             {"催办：{holder}·{step}", "{actor} 催办您的待办：{holder}「{step}」，请于 {due_on} 前处理。{reason}"},
		Copied:            {"抄送：{holder}·{step}", "{actor} 将{holder}「{step}」抄送给您，供您知悉。{reason}"},
		AutoAction:        {"系统已自动处理：{holder}·{step}", "{holder}「{step}」的待办逾期未处理，系统已自动{action}。原因：{reason}"},
		Returned:          {"已退回：{holder}·{step}", "{holder}的目标计划在「{step}」被退回，请修改后重新提交。意见：{reason}"},
		Revised:           {"已采纳您的意见：{holder}", "{actor} 采纳了您对{holder}目标计划的意见，已修改为第 {version} 版，请查看修改之处。"},
		OpinionReceived:   {"收到征求意见：{holder}", "{actor} 对{holder}的目标计划提出了意见，请及时答复。"},
		Approved:          {"目标已审定同意：{holder}", "{actor} 同意了{holder}的目标计划。{reason}"},
		ObjectionFiled:    {"公示收到异议：{holder}", "{holder}在公示期间收到一条异议：{reason}"},
		ObjectionResolved: {"异议已处理：{holder}", "{holder}公示期间的异议已处理：{action}。理由：{reason}"},
		Filed:             {"目标已备案：{holder}", "{holder}的目标计划已备案，文号 {doc_number}。"},
		ResultPublished:   {"考核结果公示：{holder}", "{holder}的考核结果“{grade}”已进入公示，公示至 {due_on}；如有异议可在反馈阶段申诉。"},
		AppealAnswered:    {"申诉已答复：{holder}", "{actor} 答复了{holder}对考核结果的申诉：等次“{grade}”。{reason}"},
		Digest:            {"每日待办摘要（{date}）", "您有 {due} 项待办将在 3 个工作日内到期或已逾期，其中 {overdue} 项已逾期。"},
	},
	"en": {
		Assigned:          {"New task: {holder} · {step}", "You have a new task: {holder}, {step}. Please act by {due_on}."},
		Reminder:          {"Task due soon: {holder} · {step}", "Your task {holder}, {step} is due on {due_on}."},
		Due:               {"Task due today: {holder} · {step}", "Your task {holder}, {step} is due today ({due_on})."},
		Overdue:           {"Task overdue: {holder} · {step}", "Your task {holder}, {step} was due on {due_on} and is overdue."},
		Escalated:         {"Overdue task escalated: {holder} · {step}", "The task {holder}, {step} ({assignee}) was due on {due_on} and is still open. Please follow it up."},
		Urged:             {"Reminder from {actor}: {holder} · {step}", "{actor} urges you to act on {holder}, {step} by {due_on}. {reason}"},
		Copied:            {"For your information: {holder} · {step}", "{actor} copied {holder}, {step} to you. {reason}"},
		AutoAction:        {"Acted automatically: {holder} · {step}", "The task {holder}, {step} was not acted on in time; the system chose: {action}. Reason: {reason}"},
		Returned:          {"Returned: {holder} · {step}", "The plan of {holder} was returned at {step}. Please revise and resubmit. Comment: {reason}"},
		Revised:           {"Your opinion was taken in: {holder}", "{actor} adopted your opinion on the plan of {holder} and revised it as version {version}. See what changed."},
		OpinionReceived:   {"Opinion received: {holder}", "{actor} gave an opinion on the plan of {holder}. Please answer it."},
		Approved:          {"Plan approved: {holder}", "{actor} approved the plan of {holder}. {reason}"},
		ObjectionFiled:    {"Objection during the notice: {holder}", "An objection to {holder} came in during the notice: {reason}"},
		ObjectionResolved: {"Objection resolved: {holder}", "The objection to {holder} was resolved: {action}. Reason: {reason}"},
		Filed:             {"Plan filed: {holder}", "The plan of {holder} was filed under document number {doc_number}."},
		ResultPublished:   {"Result on notice: {holder}", "The appraisal result of {holder}, {grade}, is on notice until {due_on}; an appeal can follow at the feedback."},
		AppealAnswered:    {"Appeal answered: {holder}", "{actor} answered the appeal against the result of {holder}: {grade}. {reason}"},
		Digest:            {"Your tasks due ({date})", "You have {due} tasks due within 3 working days or overdue; {overdue} of them are overdue."},
	},
}

// generic is the text of a kind the table does not know.
var generic = map[string][2]string{
	"zh-CN": {"termgoal 通知", "{holder}「{step}」有新的动态。"},
	"en":    {"termgoal notification", "There is news about {holder}, {step}."},
}

// words translates the values of the {step}, {action} and {grade} params.
var words = map[string]map[string]string{
	"zh-CN": {
		"draft": "起草", "consultation": "征求意见", "expert_review": "专家论证", "committee": "集体研究",
		"approval": "上级审定", "congress": "人大审议", "notice": "公示", "filing": "备案", "pledge": "承诺",
		"approve": "同意", "reject": "不同意", "return": "退回",
		"upheld": "异议成立，退回修改", "dismissed": "异议不成立",
		"completed": "完成", "basically_completed": "基本完成", "not_completed": "未完成", "excellent": "优秀", "competent": "称职",
		"basically_competent": "基本称职", "incompetent": "不称职", "good": "良好", "pass": "合格", "poor": "较差", "fail": "差",
	},
	"en": {
		"draft": "draft", "consultation": "consultation", "expert_review": "expert review", "committee": "committee vote",
		"approval": "approval", "congress": "congress approval", "notice": "public notice", "filing": "filing", "pledge": "pledges",
		"approve": "approve", "reject": "reject", "return": "return",
		"upheld": "upheld, the plan goes back", "dismissed": "dismissed",
		"completed": "completed", "basically_completed": "basically completed", "not_completed": "not completed", "excellent": "excellent",
		"competent": "competent", "basically_competent": "basically competent", "incompetent": "incompetent", "good": "good", "pass": "pass",
		"poor": "poor", "fail": "fail",
	},
}

// Lang returns the supported language nearest to lang: en for any English, else zh-CN.
func Lang(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return "en"
	}
	return "zh-CN"
}

var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// Compose builds the message of a notification kind in lang (zh-CN unless English) from its
// params; link is the app URL the message points to.
func Compose(lang, kind string, params map[string]any, link string) Message {
	lang = Lang(lang)
	t, ok := texts[lang][kind]
	if !ok {
		t = generic[lang]
	}
	fill := func(s string) string {
		s = placeholder.ReplaceAllStringFunc(s, func(m string) string {
			name := m[1 : len(m)-1]
			v, ok := params[name]
			if !ok || v == nil {
				return ""
			}
			str := fmt.Sprint(v)
			if name == "step" || name == "action" || name == "grade" {
				if w, ok := words[lang][str]; ok {
					return w
				}
			}
			return str
		})
		return strings.TrimSpace(s)
	}
	return Message{Subject: fill(t[0]), Text: fill(t[1]), Link: link}
}

// LinkPath is the page a notification points to: the task for the assignee's own kinds, the
// inbox for the digest, else the process page (an escalated or copied recipient is not the
// task's assignee).
func LinkPath(kind, processID, taskID string) string {
	switch {
	case kind == Digest:
		return "/inbox"
	case taskID != "" && (kind == Assigned || kind == Reminder || kind == Due ||
		kind == Overdue || kind == Urged):
		return "/tasks/" + taskID
	case processID != "":
		return "/processes/" + processID
	}
	return ""
}
