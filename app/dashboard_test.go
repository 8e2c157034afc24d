package app

import (
	"fmt"
	"testing"
	"time"

	"termgoal/postgres"
)

// The time per step is counted in working days and summarised by nearest rank over every
// step ended, each span weighted by how many steps took it; steps come in goal setting's order.
func TestStepTimes(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	// A stand-in for the calendar: weekdays count, weekends do not.
	weekdays := func(from, to time.Time) (int, error) {
		n := 0
		for x := from.AddDate(0, 0, 1); !x.After(to); x = x.AddDate(0, 0, 1) {
			if x.Weekday() != time.Saturday && x.Weekday() != time.Sunday {
				n++
			}
		}
		return n, nil
	}
	spans := []postgres.StepSpan{
		{Step: "approval", From: d("2026-03-02"), To: d("2026-03-02"), N: 1},  // 0
		{Step: "draft", From: d("2026-03-06"), To: d("2026-03-09"), N: 8},     // Fri→Mon: 1
		{Step: "draft", From: d("2026-03-02"), To: d("2026-03-06"), N: 1},     // 4
		{Step: "draft", From: d("2026-03-02"), To: d("2026-03-16"), N: 1},     // 10
		{Step: "committee", From: d("2026-03-02"), To: d("2026-03-04"), N: 2}, // 2
	}
	got, err := stepTimes(spans, weekdays)
	if err != nil {
		t.Fatal(err)
	}
	want := "[{draft 10 1 4} {committee 2 2 2} {approval 1 0 0}]"
	if fmt.Sprint(got) != want {
		t.Errorf("stepTimes = %v, want %s", got, want)
	}
	failing := func(time.Time, time.Time) (int, error) { return 0, fmt.Errorf("year 2028 unknown") }
	if _, err := stepTimes(spans, failing); err == nil {
		t.Error("a span in an unknown year is counted")
	}
}
