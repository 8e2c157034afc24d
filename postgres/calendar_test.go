package postgres_test

import (
	"fmt"
	"testing"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

func TestCalendarAdmin(t *testing.T) {
	s := postgrestest.New(t)
	must(t, s.AddCalendarYear(ctx, postgres.CalendarYear{Year: 2027, Source: "draft notice", AddedBy: "root"}, []postgres.CalendarDay{
		{Day: day("2027-01-01"), Name: "New Year"},
		{Day: day("2027-02-06"), Working: true, Name: "Spring Festival make-up"},
	}))
	must(t, s.AddCalendarYear(ctx, postgres.CalendarYear{Year: 2026}, []postgres.CalendarDay{{Day: day("2026-12-31"), Name: "Extra"}}))
	// Entering 2027 again replaces its days.
	must(t, s.AddCalendarYear(ctx, postgres.CalendarYear{Year: 2027, Source: "国办发明电〔2026〕7号", AddedBy: "admin"}, []postgres.CalendarDay{{Day: day("2027-01-01"), Name: "New Year's Day"}}))

	days, years, err := s.CalendarAdmin(ctx)
	must(t, err)
	if got := fmt.Sprint(years); got != "[2026 2027]" {
		t.Errorf("years = %s", got)
	}
	if len(days) != 2 || days[0].Day != day("2026-12-31") || days[1].Name != "New Year's Day" || days[1].Working {
		t.Errorf("days = %+v", days)
	}
	recorded, err := s.CalendarYears(ctx)
	must(t, err)
	if len(recorded) != 2 || recorded[1].Year != 2027 || recorded[1].Source != "国办发明电〔2026〕7号" || recorded[1].AddedBy != "admin" || recorded[1].AddedAt.IsZero() {
		t.Errorf("years recorded = %+v", recorded)
	}
	wantCode(t, s.AddCalendarYear(ctx, postgres.CalendarYear{Year: 2028}, []postgres.CalendarDay{{Day: day("2027-05-01")}}), termgoal.EINVALID)
}
