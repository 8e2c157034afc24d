package e2e

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"termgoal/calendar"
)

// A template saved as version 2 while goal setting runs leaves that process on version 1: it
// goes on without the consultation step version 2 turns on, and its public notice lasts version
// 1's days; goal setting started afterwards takes version 2.
func TestTemplateEditLeavesARunningProcessOnItsVersion(t *testing.T) {
	s := start(t)
	s.setup()
	p := s.toCommittee(t, village(map[string]any{"name": "村（第1版）"}))
	var tplID any
	for _, it := range s.must(200, "admin", "GET", "/api/v1/templates", nil).body["items"].([]any) {
		if it := it.(map[string]any); it["name"] == "村（第1版）" {
			tplID = it["id"]
		}
	}
	v2 := village(map[string]any{"name": "村（第2版）", "consultation": true, "notice_days": 9})
	if r := s.must(200, "admin", "PUT", fmt.Sprintf("/api/v1/templates/%v", tplID), v2); r.body["version"] != float64(2) {
		t.Fatalf("saved %v", r.body)
	}

	for _, m := range []string{"mem1", "mem2", "mem3"} {
		s.act(m, p, "vote", map[string]any{"choice": "for"}, "", 200)
	}
	s.act("sup", p, "approve", map[string]any{"comment": "同意"}, "", 200)
	state := func(p string) (steps []any, version any) {
		proc := s.must(200, "admin", "GET", "/api/v1/processes/"+p, nil).body["process"].(map[string]any)
		st := proc["state"].(map[string]any)
		return st["steps"].([]any), st["template"].(map[string]any)["version"]
	}
	steps, version := state(p)
	if version != float64(1) || slices.Contains(steps, any("consultation")) {
		t.Errorf("the running process: version %v, steps %v", version, steps)
	}
	notice := s.must(200, "admin", "GET", "/api/v1/processes/"+p, nil).body["notice"].(map[string]any)
	from, _ := time.Parse(time.RFC3339, fmt.Sprint(notice["starts_on"]))
	five, err := calendar.New(nil, nil).AddWorkingDays(from, 5)
	if err != nil || fmt.Sprint(notice["ends_on"]) != five.Format(time.RFC3339) {
		t.Errorf("the running process's notice %v, want version 1's 5 working days (to %v, %v)", notice, five, err)
	}

	term := id(s.must(201, "admin", "POST", "/api/v1/terms", map[string]any{
		"org_id": s.ids["village"], "holder_kind": "org", "appointment": "elected",
		"start": "2029-10-15T00:00:00Z", "end": "2032-10-14T00:00:00Z", "template_id": tplID,
	}))
	next := fmt.Sprint(s.must(201, "admin", "POST", fmt.Sprintf("/api/v1/terms/%d/goal-setting", term), nil).body["process_id"])
	waitFor(t, func() bool { return len(s.inbox("holder", next)) == 1 })
	if steps, version := state(next); version != float64(2) || !slices.Contains(steps, any("consultation")) {
		t.Errorf("goal setting started after the edit: version %v, steps %v", version, steps)
	}
}
