package activities

import (
	"context"

	"go.temporal.io/sdk/activity"
)

// Archiver writes a term's archive bundle once its end-of-term appraisal is filed
// (app.Service.ArchiveTermEnd): the worker sets it.
type Archiver interface {
	ArchiveTermEnd(ctx context.Context, termID int64, processID string) error
}

// ArchiveTermInput names the term whose end-of-term appraisal ProcessID has been filed.
type ArchiveTermInput struct {
	TermID    int64  `json:"term_id"`
	ProcessID string `json:"process_id"`
}

// ArchiveTerm writes the term's bundle (P6). A worker without an Archiver writes none and
// says so; the archiver writes one bundle per appraisal however often it is retried.
func (a *Activities) ArchiveTerm(ctx context.Context, in ArchiveTermInput) error {
	if a.Archiver == nil {
		activity.GetLogger(ctx).Warn("no archive bundle written: this worker keeps none", "term", in.TermID)
		return nil
	}
	return domain(a.Archiver.ArchiveTermEnd(ctx, in.TermID, in.ProcessID))
}
