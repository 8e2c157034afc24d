// Package calendar is the mainland China working-day calendar: weekends are off, statutory
// holidays are off and make-up working days (调休) are on. The official schedule is published
// once a year, so the calendar only answers for years it knows; counting into any other year is
// an error for an administrator to fix, never a guess.
package calendar

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"termgoal"
)

// Day is one admin-entered day: a holiday (Working=false) or a make-up working day
// (Working=true). Date is a civil date: only its year, month and day count.
type Day struct {
	Date    time.Time `json:"date"`
	Working bool      `json:"working"`
	Name    string    `json:"name"`
}

// Calendar answers working-day questions. It is immutable and safe for concurrent use.
type Calendar struct {
	shipped  map[date]Day // lunar-go's schedule, shared by every Calendar and never written
	admin    map[date]Day // admin days; they win over shipped days of the same date
	years    map[int]bool // years whose schedule is complete
	declared map[int]bool // years an administrator entered whole: their shipped days do not count
}

// date is a civil date, used as a map key so that the time of day and the location of the
// caller's time.Time don't matter.
type date struct {
	year  int
	month time.Month
	day   int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

// next and prev step through civil dates; time.Date normalizes day 0 and day 32, and UTC has
// no daylight-saving gaps to trip over.
func (d date) next() date { return dateOf(time.Date(d.year, d.month, d.day+1, 0, 0, 0, 0, time.UTC)) }
func (d date) prev() date { return dateOf(time.Date(d.year, d.month, d.day-1, 0, 0, 0, 0, time.UTC)) }

func (d date) in(loc *time.Location) time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, loc)
}

// The range of years scanned in lunar-go's table. HolidayUtil exposes no bounds for its data,
// so the known years are derived by asking for each year of a generous range; a year without
// entries costs one string search.
const scanFrom, scanTo = 1949, 2200

// shipped reads lunar-go's schedule once. A year is known when some day of the table belongs to
// one of its holidays (the table's "target"): the table opens with 2001-12-29, a make-up day for
// New Year 2002, which says nothing about the rest of 2001.
var shipped = sync.OnceValues(func() (map[date]Day, map[int]bool) {
	days := map[date]Day{}
	years := map[int]bool{}
	for y := scanFrom; y <= scanTo; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			day, err := time.Parse(time.DateOnly, h.GetDay())
			if err != nil {
				panic(fmt.Sprintf("calendar: lunar-go day %q: %v", h.GetDay(), err))
			}
			target, err := time.Parse(time.DateOnly, h.GetTarget())
			if err != nil {
				panic(fmt.Sprintf("calendar: lunar-go target %q: %v", h.GetTarget(), err))
			}
			days[dateOf(day)] = Day{Date: day, Working: h.IsWork(), Name: h.GetName()}
			years[target.Year()] = true
		}
	}
	return days, years
})

// New builds a calendar from the shipped data plus admin days. adminYears lists the years an
// administrator has entered whole, from the year's official notice (so a year lunar-go lacks
// becomes known, and a shipped year is corrected): a declared year's special days are its
// admin days alone, so a shipped day the notice does not list no longer counts. In a year
// not declared, days in adminDays override the shipped data for their date. An admin day in a
// year that is not known is kept but unused until the year is declared.
func New(adminDays []Day, adminYears []int) *Calendar {
	days, years := shipped()
	c := &Calendar{shipped: days, admin: map[date]Day{}, years: map[int]bool{}, declared: map[int]bool{}}
	for y := range years {
		c.years[y] = true
	}
	for _, y := range adminYears {
		c.years[y] = true
		c.declared[y] = true
	}
	for _, d := range adminDays {
		// Normalize to midnight UTC, the form Days returns for shipped days too.
		k := dateOf(d.Date)
		d.Date = k.in(time.UTC)
		c.admin[k] = d
	}
	return c
}

// KnownYears returns the years the calendar can answer for, sorted: the years of the shipped
// data and the years declared by an administrator.
func (c *Calendar) KnownYears() []int {
	years := make([]int, 0, len(c.years))
	for y := range c.years {
		years = append(years, y)
	}
	slices.Sort(years)
	return years
}

// IsWorkingDay reports whether d's civil date is a working day. It fails when d's year is not
// known.
func (c *Calendar) IsWorkingDay(d time.Time) (bool, error) {
	return c.isWorking(dateOf(d))
}

func (c *Calendar) isWorking(d date) (bool, error) {
	if !c.years[d.year] {
		return false, yearUnknown(d.year)
	}
	if day, ok := c.special(d); ok {
		return day.Working, nil
	}
	switch d.in(time.UTC).Weekday() {
	case time.Saturday, time.Sunday:
		return false, nil
	}
	return true, nil
}

// special returns the holiday or make-up day on d, if any; the administrator's word wins.
func (c *Calendar) special(d date) (Day, bool) {
	if day, ok := c.admin[d]; ok || c.declared[d.year] {
		return day, ok
	}
	day, ok := c.shipped[d]
	return day, ok
}

// AddWorkingDays returns the date n working days after start: start itself is not counted and
// n=0 returns start's date. A negative n counts back from start the same way. Dates are civil:
// the year, month and day of start are used, and the result is midnight in start's location.
// It fails as soon as the count reaches a day in a year that is not known.
func (c *Calendar) AddWorkingDays(start time.Time, n int) (time.Time, error) {
	d := dateOf(start)
	step := date.next
	if n < 0 {
		step, n = date.prev, -n
	}
	for n > 0 {
		d = step(d)
		ok, err := c.isWorking(d)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			n--
		}
	}
	return d.in(start.Location()), nil
}

// WorkingDaysBetween counts the working days in (from, to], on civil dates. When to is before
// from the count is negative: -WorkingDaysBetween(to, from). It fails as soon as the count
// reaches a day in a year that is not known.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) (int, error) {
	a, b := dateOf(from), dateOf(to)
	sign := 1
	if b.in(time.UTC).Before(a.in(time.UTC)) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a; d != b; {
		d = d.next()
		ok, err := c.isWorking(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return sign * n, nil
}

// Days lists the special days (holidays and make-up days, not ordinary weekends) of a year,
// shipped data merged with admin days (admin days alone in a declared year), sorted by date.
// Dates are midnight UTC.
func (c *Calendar) Days(year int) ([]Day, error) {
	if !c.years[year] {
		return nil, yearUnknown(year)
	}
	merged := map[date]Day{}
	for k, d := range c.shipped {
		if k.year == year && !c.declared[year] {
			merged[k] = d
		}
	}
	for k, d := range c.admin {
		if k.year == year {
			merged[k] = d
		}
	}
	days := make([]Day, 0, len(merged))
	for _, d := range merged {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return days, nil
}

func yearUnknown(year int) error {
	return termgoal.Errorf(termgoal.EINVALID, "calendar.year_unknown",
		fmt.Sprintf("the working-day calendar has no data for year %d; an administrator must add it", year),
		"year", year)
}
