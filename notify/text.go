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
	Digest     = "digest"      // the daily digest
)

// texts holds a subject and a text per kind and language. {name} is replaced by the param of
// that name ("" when missing); {step} and {action} are translated.
var texts = map[string]map[string][2]string{
	"zh-CN": {
		Assigned:   {"新待办：{holder}·{step}", "您有一项新的待办：{holder}「{step}」，请于 {due_on} 前处理。"},
		Reminder:   {"待办即将到期：{holder}·{step}", "{holder}「{step}」的待办将于 {due_on} 到期，请及时处理。"},
		Due:        {"待办今日到期：{holder}·{step}", "{holder}「{step}」的待办今日（{due_on}）到期，请尽快处理。"},
		Overdue:    {"待办已逾期：{holder}·{step}", "{holder}「{step}」的待办已于 {due_on} 到期，现已逾期，请尽快处理。"},
		Escalated:  {"逾期督办：{holder}·{step}", "{holder}「{step}」的待办（{assignee}）已于 {due_on} 到期仍未处理，请督促办理。"},
		Urged:      {"催办：{holder}·{step}", "{actor} 催办您的待办：{holder}「{step}」，请于 {due_on} 前处理。{reason}"},
		Copied:     {"抄送：{holder}·{step}", "{actor} 将{holder}「{step}」抄送给您，供您知悉。{reason}"},
		AutoAction: {"系统已自动处理：{holder}·{step}", "{holder}「{step}」的待办逾期未处理，系统已自动{action}。原因：{reason}"},
		Returned:   {"已退回：{holder}·{step}", "{holder}的目标计划在「{step}」被退回，请修改后重新提交。意见：{reason}"},
		Revised:    {"已采纳您的意见：{holder}", "{actor} 采纳了您对{holder}目标计划的意见，已修改为第 {version} 版，请查看修改之处。"},
		Digest:     {"每日待办摘要（{date}）", "您有 {due} 项待办将在 3 个工作日内到期或已逾期，其中 {overdue} 项已逾期。"},
	},
	"en": {
		Assigned:   {"New task: {holder} · {step}", "You have a new task: {holder}, {step}. Please act by {due_on}."},
		Reminder:   {"Task due soon: {holder} · {step}", "Your task {holder}, {step} is due on {due_on}."},
		Due:        {"Task due today: {holder} · {step}", "Your task {holder}, {step} is due today ({due_on})."},
		Overdue:    {"Task overdue: {holder} · {step}", "Your task {holder}, {step} was due on {due_on} and is overdue."},
		Escalated:  {"Overdue task escalated: {holder} · {step}", "The task {holder}, {step} ({assignee}) was due on {due_on} and is still open. Please follow it up."},
		Urged:      {"Reminder from {actor}: {holder} · {step}", "{actor} urges you to act on {holder}, {step} by {due_on}. {reason}"},
		Copied:     {"For your information: {holder} · {step}", "{actor} copied {holder}, {step} to you. {reason}"},
		AutoAction: {"Acted automatically: {holder} · {step}", "The task {holder}, {step} was not acted on in time; the system chose: {action}. Reason: {reason}"},
		Returned:   {"Returned: {holder} · {step}", "The plan of {holder} was returned at {step}. Please revise and resubmit. Comment: {reason}"},
		Revised:    {"Your opinion was taken in: {holder}", "{actor} adopted your opinion on the plan of {holder} and revised it as version {version}. See what changed."},
		Digest:     {"Your tasks due ({date})", "You have {due} tasks due within 3 working days or overdue; {overdue} of them are overdue."},
	},
}

// generic is the text of a kind the table does not know.
var generic = map[string][2]string{
	"zh-CN": {"termgoal 通知", "{holder}「{step}」有新的动态。"},
	"en":    {"termgoal notification", "There is news about {holder}, {step}."},
}

// words translates the values of the {step} and {action} params.
var words = map[string]map[string]string{
	"zh-CN": {
		"draft": "起草", "consultation": "征求意见", "expert_review": "专家论证", "committee": "集体研究",
		"approval": "上级审定", "congress": "人大审议", "notice": "公示", "filing": "备案", "pledge": "承诺",
		"approve": "同意", "reject": "不同意", "return": "退回",
	},
	"en": {
		"draft": "draft", "consultation": "consultation", "expert_review": "expert review", "committee": "committee vote",
		"approval": "approval", "congress": "congress approval", "notice": "public notice", "filing": "filing", "pledge": "pledges",
		"approve": "approve", "reject": "reject", "return": "return",
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
			if name == "step" || name == "action" {
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
