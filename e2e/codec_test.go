package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/converter"

	"termgoal/codec"
	"termgoal/devenv"
)

// TestRawHistoryHoldsNoPersonalData reads a goal setting's history from the Temporal server
// as it stores it: every payload is sealed, and no name, comment or address is found in a
// payload, a failure, the workflow ID, a memo or a search attribute. The same payloads opened
// with the key do hold them, so the test would see them if they were sent in the clear.
func TestRawHistoryHoldsNoPersonalData(t *testing.T) {
	s := start(t)
	s.setup()
	ctx := context.Background()
	names := map[string]string{"holder": "欧阳明月", "rep1": "司马青云", "mem1": "诸葛晓风", "sup": "上官海棠"}
	for user, name := range names {
		if _, err := s.store.DB().ExecContext(ctx, `UPDATE accounts SET display_name = $1 WHERE id = $2`, name, s.ids[user]); err != nil {
			t.Fatal(err)
		}
	}
	tpl := id(s.must(201, "admin", "POST", "/api/v1/templates", map[string]any{
		"name": "村党组织任期目标", "consultation": true, "notice_days": 5, "deadline_months": 2, "categories": []string{"中心工作", "党的建设"},
	}))
	term := id(s.must(201, "admin", "POST", "/api/v1/terms", map[string]any{
		"org_id": s.ids["village"], "holder_kind": "org", "appointment": "elected",
		"start": "2026-10-15T00:00:00Z", "end": "2029-10-14T00:00:00Z", "template_id": tpl,
	}))
	p := fmt.Sprint(s.must(201, "admin", "POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", term), nil).body["process_id"])
	waitFor(t, func() bool { return len(s.inbox("holder", p)) == 1 })
	s.act("holder", p, "submit_draft", plan("壮大村集体经济", 60), "", 200)
	s.act("rep1", p, "give_opinion", map[string]any{"content": "建议增加养老服务"}, "", 200)
	s.act("holder", p, "comment", map[string]any{"text": "已与两委商议"}, "", 200)
	s.act("holder", p, "answer_opinion", map[string]any{"seq": 1, "disposition": "not_adopted", "reason": "下一年度再议"}, "", 200)
	s.act("holder", p, "complete_consultation", map[string]any{}, "", 200)
	for _, m := range []string{"mem1", "mem2", "mem3"} {
		s.act(m, p, "vote", map[string]any{"choice": "for"}, "", 200)
	}
	waitFor(t, func() bool { return len(s.inbox("sup", p)) == 1 })
	s.act("sup", p, "return", map[string]any{"comment": "退回理由保密"}, "", 200)

	secrets := []string{"壮大村集体经济", "建议增加养老服务", "已与两委商议", "下一年度再议", "退回理由保密", "127.0.0.1", "secret-"}
	for _, n := range names {
		secrets = append(secrets, n)
	}
	var h historypb.History
	it := s.client.GetWorkflowHistory(ctx, p, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	// Every payload but a search attribute's is sealed with the current key.
	var raw [][]byte
	sealed := 0
	err := proxy.VisitPayloads(ctx, &h, proxy.VisitPayloadsOptions{SkipSearchAttributes: true,
		Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			for _, pl := range ps {
				if string(pl.GetMetadata()[converter.MetadataEncoding]) != codec.Encoding || string(pl.GetMetadata()[codec.KeyIDMeta]) != "e2e" {
					return nil, fmt.Errorf("a payload in the clear: %v %q", pl.GetMetadata(), pl.GetData())
				}
				raw = append(raw, pl.GetData())
				sealed++
			}
			return ps, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	// The whole history as the server keeps it (IDs, memos, search attributes, failures).
	text, err := temporalproto.CustomJSONMarshalOptions{}.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	all := bytes.Join(append(raw, text), []byte{0})
	for _, secret := range append(secrets, p) {
		if secret != p && bytes.Contains(all, []byte(secret)) {
			t.Errorf("the raw history holds %q", secret)
		}
	}
	// Opened with the key, the same history holds them: the test looks where they would be.
	if err := s.openPayloads(&h); err != nil {
		t.Fatal(err)
	}
	opened, err := temporalproto.CustomJSONMarshalOptions{}.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	var decoded []string
	_ = proxy.VisitPayloads(ctx, &h, proxy.VisitPayloadsOptions{SkipSearchAttributes: true,
		Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			for _, pl := range ps {
				decoded = append(decoded, string(pl.GetData()))
			}
			return ps, nil
		}})
	plain := strings.Join(decoded, "\n") + string(opened)
	for _, secret := range []string{names["holder"], names["rep1"], names["mem1"], names["sup"], "127.0.0.1", "退回理由保密"} {
		if !strings.Contains(plain, secret) {
			t.Errorf("the opened history lacks %q: the check above proves nothing for it", secret)
		}
	}
	if sealed < 10 {
		t.Fatalf("only %d payloads in the history", sealed)
	}

	// Temporal's own tools read it through the codec endpoint, as the top administrator.
	root, err := devenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	cli, err := devenv.TemporalCLI(root)
	if err != nil {
		t.Fatal(err)
	}
	show := func(token string) string {
		out, _ := exec.CommandContext(ctx, cli, "workflow", "show", "--address", s.hostPort, "-w", p, "-o", "json",
			"--codec-endpoint", s.srv.URL+"/api/v1/codec", "--codec-auth", "Bearer "+token, "--command-timeout", "20s").CombinedOutput()
		return string(out)
	}
	if out := show(s.tokens["admin"]); !decodedHolds(out, names["holder"]) {
		t.Fatalf("temporal workflow show through the codec endpoint: %.2000s", out)
	}
	if out := show(s.tokens["sup"]); decodedHolds(out, names["holder"]) {
		t.Fatal("the codec endpoint opened payloads for an account that is no top administrator")
	}
}

// decodedHolds tells whether the JSON history out, as temporal workflow show prints it, holds
// want in one of its payloads' data.
func decodedHolds(out, want string) bool {
	for _, field := range strings.Split(out, `"data": "`)[1:] {
		b, err := base64.StdEncoding.DecodeString(field[:strings.IndexByte(field, '"')])
		if err == nil && strings.Contains(string(b), want) {
			return true
		}
	}
	return false
}
