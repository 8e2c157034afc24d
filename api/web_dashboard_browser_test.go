package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"termgoal/workflows"
)

// TestWebDashboardInABrowser is the administrator's desk in a real Chromium: the dashboard's
// counts equal the database's; a click on a bar of the step chart opens the process list
// filtered to that step; a batch reminder over it, with a reason, is on the audit page and in
// the process's timeline.
func TestWebDashboardInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	process := workflows.GoalSettingID(s.ids["term"])
	var running, overdueTasks int
	if err := s.store.DB().QueryRow(`SELECT count(*) FROM processes WHERE status = 'running'`).Scan(&running); err != nil {
		t.Fatal(err)
	}
	if err := s.store.DB().QueryRow(`SELECT count(*) FROM tasks WHERE status = 'open' AND due_on < CURRENT_DATE`).Scan(&overdueTasks); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.srv.URL)
	b.login("adm")
	b.submit("#nav-dashboard")
	expectText(t, "counts", b.text("#dashboard-facts"), fmt.Sprintf("运行中的流程：%d", running), fmt.Sprintf("逾期未办的待办：%d", overdueTasks))
	expectText(t, "step table", b.text("#table-step"), "起草")

	// The chart is drawn from the same numbers: click the middle of its first bar.
	b.do("chart drawn", chromedp.WaitVisible(chromedp.CSS("#chart-step canvas")))
	b.screenshot("dashboard.png")
	b.do("scroll to the chart", chromedp.ScrollIntoView(chromedp.CSS("#chart-step")))
	at, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](`(() => {
		const el = document.querySelector('[data-chart=step]');
		const chart = echarts.getInstanceByDom(el);
		const n = chart.getOption().series[0].data[0];
		const [x, y] = chart.convertToPixel({seriesIndex: 0}, [n / 2, 0]);
		const r = el.getBoundingClientRect();
		return [r.left + x, r.top + y];
	})()`))
	if err != nil || len(at) != 2 {
		t.Fatalf("bar position %v: %v", at, err)
	}
	b.do("click the bar", chromedp.MouseClickXY(at[0], at[1]))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.location(), "/processes?") {
		if time.Now().After(deadline) {
			t.Fatalf("the bar did not open the list: %s", b.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if loc := b.location(); !strings.Contains(loc, "step=draft") || !strings.Contains(loc, "status=running") {
		t.Fatalf("the bar opened %s", loc)
	}
	expectText(t, "filtered list", b.text("#processes"), "起草")
	expectText(t, "batch count", b.text("#batch-count"), "1")

	b.do("batch reason", chromedp.SendKeys(chromedp.CSS("#batch-reason"), "换届工作集中推进"))
	b.submitDone("#batch-submit", "已完成 1 个")
	b.submit("#nav-audit")
	expectText(t, "audit page", b.text("body"), "批量催办", "陈管理员")
	b.open("/processes/" + process)
	expectText(t, "timeline", b.text("#timeline"), "管理员提醒", "换届工作集中推进")
}
