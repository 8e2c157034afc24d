package postgres

import (
	"context"
	"database/sql"

	"termgoal"
)

// putProgress upserts a submitted progress report: a report sent back and submitted again
// replaces the first.
func putProgress(ctx context.Context, tx *sql.Tx, c termgoal.Change) error {
	p := c.Progress
	if p == nil {
		return nil
	}
	termID, kind := p.TermID, p.Kind
	if termID == 0 {
		termID = c.Process.TermID
	}
	if kind == "" {
		kind = c.Process.Kind
	}
	entries, err := jsonList(p.Entries)
	if err != nil {
		return err
	}
	lagging, err := jsonList(p.Lagging)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO progress_reports (process_id, term_id, kind, year, period, entries, summary, lagging, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (process_id) DO UPDATE SET kind = EXCLUDED.kind, year = EXCLUDED.year, period = EXCLUDED.period,
			entries = EXCLUDED.entries, summary = EXCLUDED.summary, lagging = EXCLUDED.lagging, at = EXCLUDED.at`,
		c.Process.ID, termID, kind, p.Year, p.Period, entries, p.Summary, lagging, orAt(p.At, c))
	return err
}

func scanProgress(r scanner) (termgoal.ProgressReport, error) {
	var p termgoal.ProgressReport
	err := r.Scan(&p.ProcessID, &p.TermID, &p.Kind, &p.Year, &p.Period, jsonInto{&p.Entries}, &p.Summary, jsonInto{&p.Lagging}, &p.At)
	return p, err
}

const progressCols = `process_id, term_id, kind, year, period, entries, summary, lagging, at`

// ProgressReports returns the submitted progress reports of a term, oldest first.
func (s *Store) ProgressReports(ctx context.Context, termID int64) ([]termgoal.ProgressReport, error) {
	return list(ctx, s.db, scanProgress, `SELECT `+progressCols+` FROM progress_reports WHERE term_id = $1 ORDER BY at, process_id`, termID)
}

// ProgressReport returns the report process processID submitted (ENOTFOUND before it did).
func (s *Store) ProgressReport(ctx context.Context, processID string) (*termgoal.ProgressReport, error) {
	return get(ctx, s.db, scanProgress, "progress report", processID, `SELECT `+progressCols+` FROM progress_reports WHERE process_id = $1`, processID)
}
