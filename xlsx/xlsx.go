// Package xlsx writes the exports (A6) as one-sheet .xlsx workbooks a row at a time: the rows go
// through excelize's StreamWriter, which keeps a bounded buffer and spills the rest to a
// temporary file, so an export of any length never holds its sheet in memory.
package xlsx

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// ContentType is the media type of an .xlsx file.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Date is a calendar date, written as a date cell (yyyy-mm-dd) rather than a date and time.
type Date time.Time

// Stream is one sheet being written. Its header is the first row; Row adds the next; WriteTo
// writes the finished workbook. Close removes the temporary file; it is safe after WriteTo.
type Stream struct {
	file          *excelize.File
	sw            *excelize.StreamWriter
	row           int
	date, instant int            // the styles of Date and time.Time cells
	loc           *time.Location // the zone a time.Time is shown in
}

// New starts a workbook whose one sheet is named sheet, with header as its bold first row, and
// whose times are shown as the clock in loc reads them.
func New(sheet string, header []string, loc *time.Location) (*Stream, error) {
	f := excelize.NewFile()
	s := &Stream{file: f, loc: loc}
	if err := s.start(sheet, header); err != nil {
		_ = f.Close() // the start's error is the one to report
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return s, nil
}

func (s *Stream) start(sheet string, header []string) (err error) {
	if err = s.file.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	dateFmt, instantFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	if s.date, err = s.file.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return err
	}
	if s.instant, err = s.file.NewStyle(&excelize.Style{CustomNumFmt: &instantFmt}); err != nil {
		return err
	}
	bold, err := s.file.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if s.sw, err = s.file.NewStreamWriter(sheet); err != nil {
		return err
	}
	if err = s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return s.Row(cells...)
}

// Row appends a row. Numbers stay numbers; a time.Time becomes a date-and-time cell, a Date a
// date cell, a zero one an empty cell; anything else is written as text.
func (s *Stream) Row(values ...any) error {
	cells := make([]any, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case time.Time:
			cells[i] = s.timeCell(v, s.instant)
		case Date:
			cells[i] = s.timeCell(time.Time(v), s.date)
		default:
			cells[i] = v
		}
	}
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	if err := s.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("xlsx: row %d: %w", s.row, err)
	}
	return nil
}

// timeCell is t as a cell of style: excelize counts days in UTC, so the wall clock of t in the
// stream's zone is handed over as if it were UTC.
func (s *Stream) timeCell(t time.Time, style int) any {
	if t.IsZero() {
		return nil
	}
	t = t.In(s.loc)
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	return excelize.Cell{StyleID: style, Value: wall}
}

// Rows reports how many rows were written after the header.
func (s *Stream) Rows() int { return max(s.row-1, 0) }

// WriteTo finishes the sheet and writes the workbook to w.
func (s *Stream) WriteTo(w io.Writer) (int64, error) {
	if err := s.sw.Flush(); err != nil {
		return 0, fmt.Errorf("xlsx: flush: %w", err)
	}
	return s.file.WriteTo(w)
}

// Close releases the workbook and its temporary file.
func (s *Stream) Close() error { return s.file.Close() }
