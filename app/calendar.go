package app

// The working-day calendar (A4): the years it knows, a year's holidays and make-up working
// days, and an administrator's correction of a year with its source named. Deadlines are
// computed on the calendar as it stands when they are computed (activities.Deadline), so a
// correction applies to every deadline computed after it; a year nobody entered is unknown,
// and a deadline that needs it is refused naming the year.

import (
	"bufio"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"termgoal"
	"termgoal/calendar"
	"termgoal/postgres"
)

// CalendarYearState is what the calendar knows of one year.
type CalendarYearState struct {
	Year int `json:"year"`
	// Shipped: the schedule came with termgoal; Corrected: an administrator entered or corrected
	// it (then Source, AddedBy and AddedAt say how); neither: the year is unknown.
	Shipped   bool                   `json:"shipped"`
	Corrected *postgres.CalendarYear `json:"corrected,omitempty"`
}

// Known tells whether deadlines can be counted through the year.
func (y CalendarYearState) Known() bool { return y.Shipped || y.Corrected != nil }

// CalendarOverview is the calendar page: the years around today and every year known, the
// special days of the year asked for, and whether the caller may correct a year.
type CalendarOverview struct {
	Years   []CalendarYearState `json:"years"`
	Year    CalendarYearState   `json:"selected"`
	Days    []calendar.Day      `json:"days"`
	CanEdit bool                `json:"can_edit"`
}

// CalendarYearsAround is how many years before and after this one the overview lists even when
// the calendar does not know them, so the next unknown year shows.
const CalendarYearsAround = 2

// Calendar answers the calendar overview with year's special days (0: this year). Every
// signed-in account may read it; only an administrator of a root org may correct it
// (SetCalendarYear), as the calendar serves every org.
func (s *Service) Calendar(ctx context.Context, acc *termgoal.Account, year int) (*CalendarOverview, error) {
	if year == 0 {
		year = s.Now().In(ChinaTime).Year()
	}
	if err := checkCalendarYear(year); err != nil {
		return nil, err
	}
	corrected, err := s.Store.CalendarYears(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := s.Store.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	shipped := map[int]bool{}
	for _, y := range calendar.New(nil, nil).KnownYears() {
		shipped[y] = true
	}
	states := map[int]*CalendarYearState{}
	state := func(y int) *CalendarYearState {
		if states[y] == nil {
			states[y] = &CalendarYearState{Year: y, Shipped: shipped[y]}
		}
		return states[y]
	}
	for y := range shipped {
		state(y)
	}
	for i := range corrected {
		state(corrected[i].Year).Corrected = &corrected[i]
	}
	now := s.Now().In(ChinaTime).Year()
	for y := now - CalendarYearsAround; y <= now+CalendarYearsAround; y++ {
		state(y)
	}
	o := &CalendarOverview{Year: *state(year), CanEdit: IsRootAdmin(acc)}
	for y := range states {
		o.Years = append(o.Years, *states[y])
	}
	slices.SortFunc(o.Years, func(a, b CalendarYearState) int { return a.Year - b.Year })
	if o.Year.Known() {
		if o.Days, err = cal.Days(year); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// CalendarYearRequest corrects one year: where the schedule comes from (the notice's number or
// title) and every holiday and make-up working day of the year; the year's earlier corrections
// are replaced.
type CalendarYearRequest struct {
	Year   int                    `json:"year"`
	Source string                 `json:"source"`
	Days   []postgres.CalendarDay `json:"days"`
}

// SetCalendarYear enters or corrects a year of the calendar. Only an administrator of a root org
// may; the source is required; every day lies in the year, once. It is audited.
func (s *Service) SetCalendarYear(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, req CalendarYearRequest) error {
	if !IsRootAdmin(acc) {
		return ErrForbidden()
	}
	if err := checkCalendarYear(req.Year); err != nil {
		return err
	}
	req.Source = strings.TrimSpace(req.Source)
	if req.Source == "" || utf8.RuneCountInString(req.Source) > 200 {
		return termgoal.Errorf(termgoal.EINVALID, "calendar.source", "name the source of the schedule (the notice's number or title), at most 200 characters")
	}
	seen := map[string]bool{}
	for _, d := range req.Days {
		date := d.Day.Format(time.DateOnly)
		if d.Day.Year() != req.Year {
			return termgoal.Errorf(termgoal.EINVALID, "calendar.day_outside_year",
				"every day must be a date (YYYY-MM-DD) in "+strconv.Itoa(req.Year), "date", date, "year", req.Year)
		}
		if seen[date] {
			return termgoal.Errorf(termgoal.EINVALID, "calendar.day_twice", "a day is listed twice: "+date, "date", date)
		}
		seen[date] = true
	}
	if err := s.Store.AddCalendarYear(ctx, postgres.CalendarYear{Year: req.Year, Source: req.Source, AddedBy: actor.Name}, req.Days); err != nil {
		return err
	}
	holidays := 0
	for _, d := range req.Days {
		if !d.Working {
			holidays++
		}
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "calendar_year_set", Detail: map[string]any{
		"year": req.Year, "source": req.Source, "days": len(req.Days), "holidays": holidays, "working_days": len(req.Days) - holidays}})
}

func checkCalendarYear(year int) error {
	if year < 2000 || year > 2100 {
		return termgoal.Errorf(termgoal.EINVALID, "calendar.year_range", "the year must be between 2000 and 2100")
	}
	return nil
}

// ParseCalendarDays reads a year's days from the calendar page's text: one day a line,
// "YYYY-MM-DD off|work name" (off: a holiday; work: a make-up working day; the name is
// optional), blank lines ignored. A bad line is refused with its number.
func ParseCalendarDays(text string) ([]postgres.CalendarDay, error) {
	var days []postgres.CalendarDay
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		bad := func() error {
			return termgoal.Errorf(termgoal.EINVALID, "calendar.line", "line "+strconv.Itoa(n)+": write a date (YYYY-MM-DD), off or work, and a name",
				"line", n, "text", sc.Text())
		}
		if len(fields) < 2 {
			return nil, bad()
		}
		day, err := time.Parse(time.DateOnly, fields[0])
		if err != nil {
			return nil, bad()
		}
		var working bool
		switch strings.ToLower(fields[1]) {
		case "off", "休":
		case "work", "班":
			working = true
		default:
			return nil, bad()
		}
		days = append(days, postgres.CalendarDay{Day: day, Working: working, Name: strings.Join(fields[2:], " ")})
	}
	if sc.Err() != nil { // a line past 64 KiB
		return nil, termgoal.Errorf(termgoal.EINVALID, "calendar.line", "a line is too long", "line", 0, "text", "")
	}
	return days, nil
}

// FormatCalendarDays writes days as ParseCalendarDays reads them, for the page's text box.
func FormatCalendarDays(days []calendar.Day) string {
	var b strings.Builder
	for _, d := range days {
		kind := "off"
		if d.Working {
			kind = "work"
		}
		b.WriteString(strings.TrimSpace(d.Date.Format(time.DateOnly) + " " + kind + " " + d.Name))
		b.WriteByte('\n')
	}
	return b.String()
}
