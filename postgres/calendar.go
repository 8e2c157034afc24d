package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"termgoal/calendar"
)

// CalendarDay is an administrator's correction to the working-day calendar: a holiday
// (Working=false) or a make-up working day (Working=true).
type CalendarDay struct {
	Day     time.Time
	Working bool
	Name    string
}

func scanCalendarDay(r scanner) (CalendarDay, error) {
	var d CalendarDay
	err := r.Scan(date{&d.Day}, &d.Working, &d.Name)
	return d, err
}

// CalendarYear is a year an administrator declared complete: where its schedule comes from,
// who entered it and when.
type CalendarYear struct {
	Year    int       `json:"year"`
	Source  string    `json:"source"`
	AddedBy string    `json:"added_by"`
	AddedAt time.Time `json:"added_at"`
}

func scanYear(r scanner) (int, error) {
	var y int
	err := r.Scan(&y)
	return y, err
}

func scanCalendarYear(r scanner) (CalendarYear, error) {
	var y CalendarYear
	err := r.Scan(&y.Year, &y.Source, &y.AddedBy, &y.AddedAt)
	return y, err
}

// CalendarYears lists the years administrators declared complete, in order.
func (s *Store) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	return list(ctx, s.db, scanCalendarYear, `SELECT year, source, added_by, added_at FROM calendar_years ORDER BY year`)
}

// CalendarAdmin returns the admin days by date and the years an administrator declared
// complete, in order.
func (s *Store) CalendarAdmin(ctx context.Context) ([]CalendarDay, []int, error) {
	days, err := list(ctx, s.db, scanCalendarDay, `SELECT day, working, name FROM calendar_days ORDER BY day`)
	if err != nil {
		return nil, nil, err
	}
	years, err := list(ctx, s.db, scanYear, `SELECT year FROM calendar_years ORDER BY year`)
	return days, years, err
}

// Calendar builds the working-day calendar from the shipped data and the admin corrections.
func (s *Store) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	days, years, err := s.CalendarAdmin(ctx)
	if err != nil {
		return nil, err
	}
	admin := make([]calendar.Day, len(days))
	for i, d := range days {
		admin[i] = calendar.Day{Date: d.Day, Working: d.Working, Name: d.Name}
	}
	return calendar.New(admin, years), nil
}

// AddCalendarYear replaces year y.Year's admin days with days and marks the year known with
// its source and who entered it, in one transaction so the calendar never sees half a year.
// Every day must fall in that year.
func (s *Store) AddCalendarYear(ctx context.Context, y CalendarYear, days []CalendarDay) error {
	year := y.Year
	for _, d := range days {
		if d.Day.Year() != year {
			return invalid("calendar.day_year", fmt.Sprintf("%s is not in %d", d.Day.Format(time.DateOnly), year),
				"day", d.Day.Format(time.DateOnly), "year", year)
		}
	}
	return s.inTx(ctx, "add calendar year", func(tx *sql.Tx) error {
		from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE day >= $1 AND day < $2`, from, to); err != nil {
			return err
		}
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, working, name) VALUES ($1, $2, $3)`,
				dateArg(d.Day), d.Working, d.Name); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO calendar_years (year, source, added_by) VALUES ($1, $2, $3)
			ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, added_by = EXCLUDED.added_by, added_at = now()`,
			year, y.Source, y.AddedBy)
		return err
	})
}
