package app

import (
	"strings"
	"testing"
	"time"

	"termgoal"
)

// TestArchiveRecords: the filing records come from the processes filed under a document
// number, with when and by whom from the audit line of the filing; the term-rule warnings from
// the processes that weighed them, their messages in Chinese.
func TestArchiveRecords(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	procs := []termgoal.Process{
		{ID: "goalsetting-term-7", Kind: "goal_setting", Version: 2, State: termgoal.ProcessState{DocNumber: "青组〔2026〕12号"}},
		{ID: "appraisal-term-7-2026", Kind: termgoal.AppraisalAnnual, State: termgoal.ProcessState{Appraisal: &termgoal.AppraisalView{Year: 2026}}},
		{ID: "termend-term-7", Kind: termgoal.AppraisalTermEnd, State: termgoal.ProcessState{Appraisal: &termgoal.AppraisalView{Year: 2029,
			Warnings: []termgoal.Warning{{Code: termgoal.WarnAgeLimit, Severity: termgoal.SeverityWarning, Params: map[string]any{"age": 57, "limit": 58}}}}}},
	}
	lines := []termgoal.SealedLine{
		{ProcessID: "goalsetting-term-7", Action: "approved", Actor: "sup", At: at.Add(-time.Hour)},
		{ProcessID: "goalsetting-term-7", Action: "filed", Actor: "clerk", At: at},
	}
	filings, warnings := archiveRecords(procs, lines)
	if len(filings) != 1 || filings[0].DocNumber != "青组〔2026〕12号" || filings[0].PlanVersion != 2 ||
		filings[0].FiledBy != "clerk" || filings[0].FiledAt == nil || !filings[0].FiledAt.Equal(at) {
		t.Errorf("filings: %+v", filings)
	}
	if len(warnings) != 1 || warnings[0].ProcessID != "termend-term-7" || len(warnings[0].Warnings) != 1 ||
		!strings.Contains(warnings[0].Warnings[0].Message, "58") || !strings.ContainsRune(warnings[0].Warnings[0].Message, '岁') {
		t.Errorf("warnings: %+v", warnings)
	}
	if f, w := archiveRecords(nil, nil); f == nil || w == nil {
		t.Error("no processes: the lists are nil, not empty")
	}
}
