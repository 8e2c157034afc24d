package e2e

import (
	"fmt"
	"testing"
)

// toApproval starts goal setting for a new term and walks it to the superior's approval.
func (s *sys) toApproval(t testing.TB, tpl map[string]any) string {
	t.Helper()
	p := s.toCommittee(t, tpl)
	for _, m := range []string{"mem1", "mem2", "mem3"} {
		s.act(m, p, "vote", map[string]any{"choice": "for"}, "", 200)
	}
	s.expectInbox("sup", p, "approve")
	return p
}

// toCommittee starts goal setting for a new term and walks it to the committee's vote.
func (s *sys) toCommittee(t testing.TB, tpl map[string]any) string {
	t.Helper()
	tplID := id(s.must(201, "admin", "POST", "/api/v1/templates", tpl))
	term := id(s.must(201, "admin", "POST", "/api/v1/terms", map[string]any{
		"org_id": s.ids["village"], "holder_kind": "org", "appointment": "elected",
		"start": "2026-10-15T00:00:00Z", "end": "2029-10-14T00:00:00Z", "template_id": tplID,
	}))
	p := fmt.Sprint(s.must(201, "admin", "POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", term), nil).body["process_id"])
	waitFor(t, func() bool { return len(s.inbox("holder", p)) == 1 })
	s.act("holder", p, "submit_draft", plan("集体经济", 60), "", 200)
	return p
}

func village(extra map[string]any) map[string]any {
	tpl := map[string]any{"name": "村", "notice_days": 5, "deadline_months": 2, "categories": []string{"中心工作", "党的建设"}}
	for k, v := range extra {
		tpl[k] = v
	}
	return tpl
}

// Every operation of T3 and A3 over HTTP: what it changes shows in the inbox and the audit log
// when it answers, and the refused ones (not the assignee, an administrator of another
// subtree) answer 403 and change nothing.
func TestOperationsOverHTTP(t *testing.T) {
	s := start(t)
	s.setup()
	to := func(user string) map[string]any { return map[string]any{"account_id": s.ids[user]} }
	p := s.toApproval(t, village(map[string]any{"withdraw_hours": 1,
		"reminders": map[string]any{"before_days": 1, "at_due": true, "repeat_days": 1, "escalate_days": 2}}))

	refused := func(user, action string, body any, status int) {
		t.Helper()
		before := len(s.auditActions(p))
		s.act(user, p, action, body, "", status)
		if after := len(s.auditActions(p)); after != before {
			t.Fatalf("refused %s wrote %d audit entries", action, after-before)
		}
	}
	refused("mem1", "transfer", map[string]any{"to": to("clerk")}, 403)
	refused("otheradmin", "reassign", map[string]any{"from": s.ids["sup"], "to": to("clerk"), "reason": "x"}, 404)
	refused("otheradmin", "extend_deadline", map[string]any{"days": 2, "reason": "x"}, 404)
	refused("otheradmin", "cancel", map[string]any{"reason": "x"}, 404)
	refused("sup", "transfer", map[string]any{"to": map[string]any{"account_id": 999999}}, 422)
	refused("admin", "cancel", map[string]any{}, 422)
	// The committee has voted: too late to withdraw.
	refused("holder", "withdraw", map[string]any{}, 409)

	// Delegate and get the answer back.
	s.act("sup", p, "delegate", map[string]any{"to": to("clerk"), "reason": "请核实"}, "", 200)
	s.expectInbox("clerk", p, "delegated")
	s.expectInbox("sup", p)
	refused("clerk", "approve", map[string]any{}, 403)
	s.act("clerk", p, "answer_delegation", map[string]any{"reason": "指标合理"}, "", 200)
	s.expectInbox("sup", p, "approve")
	s.expectLastAudit(p, "delegation_answered")

	// Add a signer after, remove them, add again; transfer; the admin reassigns.
	s.act("sup", p, "add_signer", map[string]any{"to": to("clerk")}, "", 200)
	refused("mem1", "remove_signer", map[string]any{"to": to("clerk")}, 403)
	s.act("sup", p, "remove_signer", map[string]any{"to": to("clerk")}, "", 200)
	s.act("sup", p, "transfer", map[string]any{"to": to("clerk"), "reason": "出差"}, "", 200)
	s.expectInbox("clerk", p, "approve")
	s.expectInbox("sup", p)
	s.act("admin", p, "reassign", map[string]any{"from": s.ids["clerk"], "to": to("sup"), "reason": "回岗"}, "", 200)
	s.expectInbox("sup", p, "approve")
	s.expectInbox("clerk", p)

	// Copy, comment, urge, extend: audited, nothing moves.
	s.act("holder", p, "copy_to", map[string]any{"to": []any{to("rep1"), to("rep1")}}, "", 200)
	s.act("holder", p, "copy_to", map[string]any{"to": []any{to("rep1")}}, "", 200)
	if r := s.must(200, "rep1", "GET", "/api/v1/tasks?box=cc", nil); r.body["total"].(float64) != 1 {
		t.Fatalf("copies: %s", r.raw)
	}
	s.act("sup", p, "comment", map[string]any{"text": "看过了"}, "", 200)
	s.act("holder", p, "urge", map[string]any{}, "", 200)
	s.act("holder", p, "urge", map[string]any{}, "", 409)
	s.act("admin", p, "extend_deadline", map[string]any{"days": 3, "reason": "补充材料"}, "", 200)
	if n := s.must(200, "sup", "GET", "/api/v1/notifications/count", nil).body["unread"].(float64); n < 2 {
		t.Errorf("the superior has %v unread notifications", n)
	}

	// Return to the committee, approve; the admin moves the process back and cancels it.
	s.act("sup", p, "return", map[string]any{"comment": "再议", "to_step": "committee"}, "", 200)
	s.expectInbox("mem1", p, "vote")
	s.act("admin", p, "move_to_step", map[string]any{"step": "approval", "reason": "会议已开"}, "", 200)
	s.expectInbox("sup", p, "approve")
	s.act("sup", p, "reject", map[string]any{}, "", 422)
	s.act("sup", p, "reject", map[string]any{"comment": "不符合要求"}, "", 200)
	s.expectInbox("sup", p)
	s.act("admin", p, "cancel", map[string]any{"reason": "x"}, "", 409)
	if st := s.must(200, "admin", "GET", "/api/v1/processes/"+p, nil).body["process"].(map[string]any)["status"]; st != "rejected" {
		t.Errorf("status %v", st)
	}
	want := []string{"delegated", "delegation_answered", "signer_added", "signer_removed", "transferred", "reassigned",
		"copied", "copied", "commented", "urged", "deadline_extended", "returned", "moved", "rejected"}
	acts := s.auditActions(p)
	tail := acts[len(acts)-len(want):]
	if fmt.Sprint(tail) != fmt.Sprint(want) {
		t.Errorf("audit ends %v, want %v", tail, want)
	}

	// Withdraw inside the window, before anyone acts.
	q := s.toApprovalDraftOnly(t)
	s.act("holder", q, "withdraw", map[string]any{"reason": "补充"}, "", 200)
	s.expectInbox("holder", q, "draft")
	s.saveHistory(t, p, "goalsetting_operations")
	s.saveHistory(t, q, "goalsetting_withdrawn")
}

// toApprovalDraftOnly starts a process with a withdrawal window and submits its draft.
func (s *sys) toApprovalDraftOnly(t *testing.T) string {
	t.Helper()
	tplID := id(s.must(201, "admin", "POST", "/api/v1/templates", village(map[string]any{"withdraw_hours": 2})))
	term := id(s.must(201, "admin", "POST", "/api/v1/terms", map[string]any{
		"org_id": s.ids["village"], "holder_kind": "org", "appointment": "elected",
		"start": "2026-10-15T00:00:00Z", "end": "2029-10-14T00:00:00Z", "template_id": tplID,
	}))
	q := fmt.Sprint(s.must(201, "admin", "POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", term), nil).body["process_id"])
	waitFor(t, func() bool { return len(s.inbox("holder", q)) == 1 })
	s.act("holder", q, "submit_draft", plan("集体经济", 60), "", 200)
	return q
}
