package app

import (
	"testing"

	"termgoal"
	"termgoal/calendar"
)

// The calendar form's text reads back what FormatCalendarDays wrote, takes 休/班 too, skips
// blank lines, and refuses a bad line by its number.
func TestParseCalendarDays(t *testing.T) {
	days, err := ParseCalendarDays("2027-10-01 off 国庆节\n\n 2027-09-26  班  国庆节 调休 \n2027-01-01 休\n")
	if err != nil || len(days) != 3 || days[0].Working || !days[1].Working || days[1].Name != "国庆节 调休" || days[2].Name != "" {
		t.Fatalf("parsed %+v, %v", days, err)
	}
	shown := make([]calendar.Day, len(days))
	for i, d := range days {
		shown[i] = calendar.Day{Date: d.Day, Working: d.Working, Name: d.Name}
	}
	if again, err := ParseCalendarDays(FormatCalendarDays(shown)); err != nil || len(again) != 3 || again[1] != days[1] || again[2] != days[2] {
		t.Errorf("round trip %+v, %v", again, err)
	}
	for text, line := range map[string]int{"2027-10-01 off\n2027-13-01 off x": 2, "2027-10-01": 1, "2027-10-01 holiday x": 1} {
		_, err := ParseCalendarDays(text)
		if e, ok := err.(*termgoal.Error); !ok || e.Key != "calendar.line" || e.Args["line"] != line {
			t.Errorf("%q: %v, want line %d refused", text, err, line)
		}
	}
}
