package termgoal

import (
	"fmt"
	"slices"
	"testing"
)

func TestComparePlans(t *testing.T) {
	item := func(cat, title string, weight float64, target string) PlanItem {
		return PlanItem{Category: cat, Title: title, Weight: weight, Owner: "书记", Targets: map[string]string{"2026": target}}
	}
	older := []PlanItem{
		item("经济", "集体经济收入", 40, "10"),
		item("经济", "道路硬化", 30, "5"),
		item("党建", "发展党员", 20, "2"),
		item("民生", "危房改造", 10, "3"),
	}
	newer := []PlanItem{
		item("党建", "发展党员", 20, "2"),    // moved, the same
		item("经济", "集体经济收入", 45, "12"), // weight and target
		item("经济", "道路硬化及亮化", 30, "5"), // renamed within its category
		item("生态", "垃圾分类", 5, "全覆盖"),   // new
	}
	var got []string
	for _, c := range ComparePlans(older, newer) {
		title := ""
		if c.New != nil {
			title = c.New.Title
		} else {
			title = c.Old.Title
		}
		got = append(got, fmt.Sprintf("%s %s %v", c.Change, title, c.Fields))
	}
	want := "[same 发展党员 [] changed 集体经济收入 [targets weight] changed 道路硬化及亮化 [title] added 垃圾分类 [] removed 危房改造 []]"
	if fmt.Sprint(got) != want {
		t.Errorf("ComparePlans =\n%v\nwant\n%s", got, want)
	}
	if c := ComparePlans(older, newer)[1]; !slices.Contains(c.Fields, "weight") || slices.Contains(c.Fields, "owner") {
		t.Errorf("Has: %+v", c)
	}
}
