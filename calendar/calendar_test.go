package calendar_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/calendar"
)

// cst is China Standard Time as a fixed zone, so the tests need no tzdata.
var cst = time.FixedZone("CST", 8*60*60)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst) }

// official2026 is the 2026 schedule of the State Council General Office notice (国务院办公厅
// 关于2026年部分节假日安排的通知): every holiday and make-up working day, as lunar-go ships it.
var official2026 = []struct {
	date    string
	working bool
}{
	{"2026-01-01", false}, {"2026-01-02", false}, {"2026-01-03", false}, {"2026-01-04", true}, // 元旦
	{"2026-02-14", true}, // 春节
	{"2026-02-15", false}, {"2026-02-16", false}, {"2026-02-17", false}, {"2026-02-18", false},
	{"2026-02-19", false}, {"2026-02-20", false}, {"2026-02-21", false}, {"2026-02-22", false},
	{"2026-02-23", false},
	{"2026-02-28", true},
	{"2026-04-04", false}, {"2026-04-05", false}, {"2026-04-06", false}, // 清明
	{"2026-05-01", false}, {"2026-05-02", false}, {"2026-05-03", false}, {"2026-05-04", false}, // 劳动节
	{"2026-05-05", false}, {"2026-05-09", true},
	{"2026-06-19", false}, {"2026-06-20", false}, {"2026-06-21", false}, // 端午
	{"2026-09-20", true},                                                // 国庆 make-up, before 中秋
	{"2026-09-25", false}, {"2026-09-26", false}, {"2026-09-27", false}, // 中秋
	{"2026-10-01", false}, {"2026-10-02", false}, {"2026-10-03", false}, {"2026-10-04", false}, // 国庆
	{"2026-10-05", false}, {"2026-10-06", false}, {"2026-10-07", false}, {"2026-10-10", true},
}

func TestKnownYears(t *testing.T) {
	got := calendar.New(nil, nil).KnownYears()
	// lunar-go 1.4.7 ships 2002..2027; its first entries (2001-12-29/30) are make-up days for
	// New Year 2002 and don't make 2001 known.
	var want []int
	for y := 2002; y <= 2027; y++ {
		want = append(want, y)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("KnownYears() = %v, want %v", got, want)
	}

	got = calendar.New(nil, []int{2028, 2027}).KnownYears()
	if got[len(got)-1] != 2028 || len(got) != len(want)+1 {
		t.Fatalf("KnownYears() with admin 2028 = %v", got)
	}
}

// TestShipped2027: the official 2027 schedule ships with lunar-go 1.4.7, so deadlines of
// processes started in December 2026 reach into January 2027: Spring Festival off from
// Feb 5 (Fri) to Feb 13, Jan 31 and Feb 14 (Sundays) worked instead.
func TestShipped2027(t *testing.T) {
	c := calendar.New(nil, nil)
	for d, want := range map[time.Time]bool{
		day(2027, 1, 1): false, day(2027, 1, 4): true, day(2027, 1, 31): true,
		day(2027, 2, 5): false, day(2027, 2, 13): false, day(2027, 2, 14): true, day(2027, 2, 15): true,
	} {
		if got, err := c.IsWorkingDay(d); err != nil || got != want {
			t.Errorf("IsWorkingDay(%s) = %v, %v; want %v", d.Format(time.DateOnly), got, err, want)
		}
	}
}

func TestDays2026(t *testing.T) {
	days, err := calendar.New(nil, nil).Days(2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != len(official2026) {
		t.Fatalf("Days(2026) has %d days, want %d: %v", len(days), len(official2026), days)
	}
	for i, want := range official2026 {
		got := days[i]
		if got.Date.Format(time.DateOnly) != want.date || got.Working != want.working || got.Name == "" {
			t.Errorf("Days(2026)[%d] = %v %v %q, want %v %v", i,
				got.Date.Format(time.DateOnly), got.Working, got.Name, want.date, want.working)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := calendar.New(nil, nil)
	tests := []struct {
		date time.Time
		want bool
	}{
		{day(2026, 1, 1), false},  // Thu, New Year
		{day(2026, 1, 4), true},   // Sun, make-up day
		{day(2026, 1, 5), true},   // Mon
		{day(2026, 2, 14), true},  // Sat, make-up day
		{day(2026, 2, 16), false}, // Mon, Spring Festival
		{day(2026, 2, 23), false}, // Mon, last day of Spring Festival
		{day(2026, 2, 24), true},  // Tue
		{day(2026, 2, 28), true},  // Sat, make-up day
		{day(2026, 3, 1), false},  // Sun
		{day(2026, 3, 4), true},   // Wed
		{day(2026, 3, 7), false},  // Sat
		{day(2026, 4, 6), false},  // Mon, Qingming
		{day(2026, 5, 5), false},  // Tue, Labour Day
		{day(2026, 5, 9), true},   // Sat, make-up day
		{day(2026, 6, 19), false}, // Fri, Dragon Boat
		{day(2026, 9, 20), true},  // Sun, make-up day
		{day(2026, 9, 25), false}, // Fri, Mid-Autumn
		{day(2026, 10, 7), false}, // Wed, National Day
		{day(2026, 10, 8), true},  // Thu
		{day(2026, 10, 10), true}, // Sat, make-up day
		{day(2026, 10, 11), false},
		{time.Date(2026, 10, 7, 23, 30, 0, 0, cst), false}, // the civil date counts, not the instant
	}
	for _, tt := range tests {
		got, err := c.IsWorkingDay(tt.date)
		if err != nil {
			t.Fatalf("IsWorkingDay(%v): %v", tt.date, err)
		}
		if got != tt.want {
			t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.date.Format("2006-01-02 Mon"), got, tt.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := calendar.New(nil, nil)
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  time.Time
	}{
		{"zero returns the date", time.Date(2026, 3, 4, 15, 30, 0, 0, cst), 0, day(2026, 3, 4)},
		{"zero on a holiday", day(2026, 10, 3), 0, day(2026, 10, 3)},
		{"ordinary week", day(2026, 3, 4), 3, day(2026, 3, 9)},
		// Oct 1-7 off; Oct 8, 9, 10 (make-up Saturday), 12, 13.
		{"across National Day", day(2026, 9, 30), 5, day(2026, 10, 13)},
		{"make-up Saturday counted", day(2026, 10, 9), 1, day(2026, 10, 10)},
		{"make-up Sunday counted", day(2026, 9, 18), 1, day(2026, 9, 20)},
		// Feb 14 (make-up Saturday), then Feb 15-23 off.
		{"into Spring Festival", day(2026, 2, 13), 1, day(2026, 2, 14)},
		{"across Spring Festival", day(2026, 2, 13), 2, day(2026, 2, 24)},
		{"across Spring Festival to make-up", day(2026, 2, 13), 6, day(2026, 2, 28)},
		// Oct 12, 10 (make-up Saturday), 9, 8, then back over the holiday to Sep 30.
		{"backwards across National Day", day(2026, 10, 13), -5, day(2026, 9, 30)},
		{"across New Year 2026", day(2025, 12, 31), 1, day(2026, 1, 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.AddWorkingDays(tt.start, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) || got.Location() != tt.start.Location() {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.start, tt.n, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := calendar.New(nil, nil)
	tests := []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"same day", day(2026, 3, 4), day(2026, 3, 4), 0},
		{"from excluded, to included", day(2026, 3, 4), day(2026, 3, 5), 1},
		{"across National Day", day(2026, 9, 30), day(2026, 10, 13), 5},
		{"inside a holiday", day(2026, 10, 1), day(2026, 10, 7), 0},
		// Feb 14, 24, 25, 26, 27, 28.
		{"across Spring Festival", day(2026, 2, 13), day(2026, 2, 28), 6},
		{"reversed", day(2026, 10, 13), day(2026, 9, 30), -5},
		{"civil dates, not instants", time.Date(2026, 9, 30, 23, 0, 0, 0, cst), time.Date(2026, 10, 13, 1, 0, 0, 0, cst), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.WorkingDaysBetween(tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestUnknownYear(t *testing.T) {
	c := calendar.New(nil, nil)
	tests := []struct {
		name string
		call func() error
		year int
	}{
		{"IsWorkingDay", func() error { _, err := c.IsWorkingDay(day(2028, 1, 4)); return err }, 2028},
		{"IsWorkingDay before the data", func() error { _, err := c.IsWorkingDay(day(2001, 6, 1)); return err }, 2001},
		// Dec 31 counts; Jan 1 2028 is the first day the count can't answer for.
		{"AddWorkingDays into 2028", func() error { _, err := c.AddWorkingDays(day(2027, 12, 30), 2); return err }, 2028},
		{"WorkingDaysBetween into 2028", func() error { _, err := c.WorkingDaysBetween(day(2027, 12, 1), day(2028, 1, 8)); return err }, 2028},
		{"Days", func() error { _, err := c.Days(2028); return err }, 2028},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var e *termgoal.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want a *termgoal.Error", err)
			}
			if e.Code != termgoal.EINVALID || e.Key != "calendar.year_unknown" || e.Args["year"] != tt.year {
				t.Errorf("err = %+v, want invalid calendar.year_unknown for %d", e, tt.year)
			}
			if !strings.Contains(e.Message, "no data for year "+strconv.Itoa(tt.year)) {
				t.Errorf("message %q does not name the year %d", e.Message, tt.year)
			}
		})
	}

	// One day short of the new year still answers: the error comes from reaching 2028, not from
	// looking at it.
	if got, err := c.AddWorkingDays(day(2027, 12, 30), 1); err != nil || !got.Equal(day(2027, 12, 31)) {
		t.Errorf("AddWorkingDays(2027-12-30, 1) = %v, %v", got, err)
	}
}

func TestAdminYear(t *testing.T) {
	c := calendar.New([]calendar.Day{
		{Date: day(2028, 1, 3), Name: "元旦"},
		{Date: day(2028, 1, 26), Name: "春节"},
		{Date: day(2028, 2, 5), Working: true, Name: "春节"},
	}, []int{2028})

	t.Run("counting", func(t *testing.T) {
		tests := []struct {
			start time.Time
			n     int
			want  time.Time
		}{
			{day(2027, 12, 31), 1, day(2028, 1, 4)}, // the weekend, then Jan 3 (Mon) admin holiday
			{day(2028, 1, 25), 1, day(2028, 1, 27)}, // Jan 26 (Wed) admin holiday
			{day(2028, 2, 4), 1, day(2028, 2, 5)},   // Feb 5 (Sat) admin make-up day
		}
		for _, tt := range tests {
			got, err := c.AddWorkingDays(tt.start, tt.n)
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays(%v, %d) = %v, %v; want %v", tt.start, tt.n, got, err, tt.want)
			}
		}
	})

	t.Run("days", func(t *testing.T) {
		days, err := c.Days(2028)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range days {
			got = append(got, d.Date.Format(time.DateOnly))
		}
		want := []string{"2028-01-03", "2028-01-26", "2028-02-05"}
		if !slices.Equal(got, want) {
			t.Errorf("Days(2028) = %v, want %v", got, want)
		}
	})

	t.Run("2029 still unknown", func(t *testing.T) {
		_, err := c.AddWorkingDays(day(2028, 12, 28), 5)
		var e *termgoal.Error
		if !errors.As(err, &e) || e.Key != "calendar.year_unknown" || e.Args["year"] != 2029 {
			t.Errorf("err = %v, want calendar.year_unknown for 2028", err)
		}
	})
}

func TestAdminOverride(t *testing.T) {
	c := calendar.New([]calendar.Day{
		{Date: day(2026, 10, 8), Name: "extra day off"},                    // ordinary Thursday made a holiday
		{Date: time.Date(2026, 10, 10, 9, 0, 0, 0, time.UTC), Name: "国庆节"}, // shipped make-up day cancelled
	}, nil)

	// Oct 9, 12, 13, 14, 15.
	got, err := c.AddWorkingDays(day(2026, 9, 30), 5)
	if err != nil || !got.Equal(day(2026, 10, 15)) {
		t.Errorf("AddWorkingDays(2026-09-30, 5) = %v, %v; want 2026-10-15", got, err)
	}

	days, err := c.Days(2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != len(official2026)+1 {
		t.Errorf("Days(2026) has %d days, want %d", len(days), len(official2026)+1)
	}
	for _, d := range days {
		switch d.Date.Format(time.DateOnly) {
		case "2026-10-08":
			if d.Working || d.Name != "extra day off" {
				t.Errorf("Oct 8 = %+v, want the admin holiday", d)
			}
		case "2026-10-10":
			if d.Working {
				t.Errorf("Oct 10 = %+v, want the admin override to a holiday", d)
			}
		}
	}

	// The shipped data is shared; another calendar must not see the overrides.
	if ok, err := calendar.New(nil, nil).IsWorkingDay(day(2026, 10, 10)); err != nil || !ok {
		t.Errorf("shipped Oct 10 = %v, %v; want a make-up working day", ok, err)
	}
}

// A shipped year an administrator enters whole is the administrator's list alone: a shipped
// holiday the correction leaves out is an ordinary day again, and Days lists only the
// correction.
func TestDeclaredYearReplacesShipped(t *testing.T) {
	shipped := calendar.New(nil, nil)
	if ok, err := shipped.IsWorkingDay(day(2026, 10, 1)); err != nil || ok {
		t.Fatalf("shipped 2026-10-01 = %v, %v; want the National Day holiday", ok, err)
	}
	c := calendar.New([]calendar.Day{{Date: day(2026, 10, 2), Name: "国庆节"}}, []int{2026})
	if ok, err := c.IsWorkingDay(day(2026, 10, 1)); err != nil || !ok {
		t.Errorf("corrected 2026-10-01 (a Thursday the correction leaves out) = %v, %v; want a working day", ok, err)
	}
	if ok, err := c.IsWorkingDay(day(2026, 10, 2)); err != nil || ok {
		t.Errorf("corrected 2026-10-02 = %v, %v; want the correction's holiday", ok, err)
	}
	days, err := c.Days(2026)
	if err != nil || len(days) != 1 || days[0].Date.Format(time.DateOnly) != "2026-10-02" {
		t.Errorf("Days(2026) of the correction = %v, %v", days, err)
	}
}
