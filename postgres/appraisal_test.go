package postgres_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// appraisal is the change that writes rec as the appraisal process id of term (in org) at
// step, minutes after t0.
func appraisal(id string, term termgoal.Term, minutes int, step termgoal.Step, status string, rec termgoal.AppraisalRecord) termgoal.Change {
	rec.TermID, rec.OrgID = term.ID, term.OrgID
	if rec.Kind == "" {
		rec.Kind = termgoal.AppraisalAnnual
	}
	return termgoal.Change{
		ID: fmt.Sprintf("%s/%d", id, minutes), At: t0.Add(time.Duration(minutes) * time.Minute), Action: string(step),
		Process: termgoal.Process{ID: id, Kind: rec.Kind, TermID: term.ID, OrgID: term.OrgID, Step: step, Status: status,
			DeadlineOn: day("2027-03-31"), StartedAt: t0.Add(time.Duration(minutes) * time.Minute)},
		Appraisal: &rec,
	}
}

// result is a determined result of grade.
func result(grade string, score float64) *termgoal.AppraisalResult {
	return &termgoal.AppraisalResult{RaterScore: score, Score: score, Computed: grade, Grade: grade, DecidedBy: 1,
		DeciderName: "Boss", DecidedAt: t0}
}

func hash(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

func TestApplyAppraisal(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	score := 90.0
	rec := termgoal.AppraisalRecord{Year: 2026, PeriodFrom: day("2026-01-01"), PeriodTo: day("2026-12-31"), CampaignID: 7,
		Holder: "Li Wei", Scale: termgoal.OrganizationScale.ID, Status: "running",
		Self: &termgoal.SelfAssessment{Items: []termgoal.ItemActual{{No: 1, Actual: "6%"}}, Summary: "done",
			Proposed: termgoal.GradeCompleted, Score: &score, SubmittedAt: t0}}
	c := appraisal("appraisal-1", w.term, 0, termgoal.StepScoring, "running", rec)
	must(t, s.Apply(ctx, c))
	must(t, s.Apply(ctx, c)) // a retried activity writes once

	got, err := s.Appraisal(ctx, "appraisal-1")
	must(t, err)
	if got.ProcessID != "appraisal-1" || got.TermID != w.term.ID || got.OrgID != w.village.ID || got.Year != 2026 ||
		got.PeriodFrom != day("2026-01-01") || got.PeriodTo != day("2026-12-31") || got.CampaignID != 7 ||
		got.Self == nil || *got.Self.Score != 90 || got.Self.Items[0].Actual != "6%" || got.Result != nil ||
		got.Appeal != nil || got.ArchivedAt != nil || len(got.Consequences) != 0 || got.Status != "running" {
		t.Errorf("Appraisal = %+v", got)
	}

	// Archived with a result: grade, score and consequences land; a change older than the row
	// does not undo them.
	archived := t0.Add(time.Hour)
	rec.Result, rec.Status, rec.ArchivedAt = result(termgoal.GradeCompleted, 91.5), "archived", &archived
	rec.Appeal = &termgoal.Appeal{Reason: "low", FiledAt: t0}
	rec.Consequences = termgoal.OrgConsequences(termgoal.GradeCompleted, false)
	must(t, s.Apply(ctx, appraisal("appraisal-1", w.term, 60, termgoal.StepArchived, "completed", rec)))
	stale := rec
	stale.Result, stale.Status, stale.ArchivedAt = nil, "running", nil
	must(t, s.Apply(ctx, appraisal("appraisal-1", w.term, 30, termgoal.StepScoring, "running", stale)))
	got, err = s.Appraisal(ctx, "appraisal-1")
	must(t, err)
	if got.Result == nil || got.Result.Grade != termgoal.GradeCompleted || got.Result.Score != 91.5 || got.Status != "archived" ||
		got.ArchivedAt == nil || !got.ArchivedAt.Equal(archived) || got.Appeal == nil || got.Appeal.Reason != "low" ||
		len(got.Consequences) != 1 || got.Consequences[0] != termgoal.ConsequenceAdvancedEligible {
		t.Errorf("archived Appraisal = %+v", got)
	}
	list, total, err := s.Appraisals(ctx, postgres.AppraisalFilter{OrgPath: w.county.Path, Grade: termgoal.GradeCompleted})
	must(t, err)
	if total != 1 || len(list) != 1 {
		t.Errorf("Appraisals by the copied grade = %d", total)
	}

	_, err = s.Appraisal(ctx, "nope")
	wantCode(t, err, termgoal.ENOTFOUND)
}

func TestApplySheetsAndProgress(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	c := appraisal("appraisal-1", w.term, 0, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2026, Status: "running"})
	c.Sheet = &termgoal.ScoreSheet{Group: "superior", AccountID: 5, Name: "Boss", Scores: []termgoal.ItemScore{{No: 1, Score: 80}}}
	must(t, s.Apply(ctx, c))
	c = appraisal("appraisal-1", w.term, 1, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2026, Status: "running"})
	c.Sheet = &termgoal.ScoreSheet{Group: "superior", AccountID: 5, Name: "Boss", Scores: []termgoal.ItemScore{{No: 1, Score: 85}}, Comment: "better"}
	must(t, s.Apply(ctx, c))
	c = appraisal("appraisal-1", w.term, 2, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2026, Status: "running"})
	c.Sheet = &termgoal.ScoreSheet{Group: "peers", AccountID: 3, Name: "Peer", Scores: []termgoal.ItemScore{{No: 1, Score: 70}}}
	must(t, s.Apply(ctx, c))
	sheets, err := s.ScoreSheets(ctx, "appraisal-1")
	must(t, err)
	if len(sheets) != 2 || sheets[0].Group != "peers" || sheets[1].Scores[0].Score != 85 || sheets[1].Comment != "better" {
		t.Errorf("ScoreSheets = %+v", sheets)
	}

	report := func(id, period string, minutes int, values ...float64) termgoal.Change {
		c := w.change(id+"/c", minutes, termgoal.StepReport, "submitted")
		c.Process.ID, c.Process.Kind = id, termgoal.ProgressQuarterly
		var entries []termgoal.ProgressEntry
		for i, v := range values {
			entries = append(entries, termgoal.ProgressEntry{No: i + 1, Value: v})
		}
		c.Progress = &termgoal.ProgressReport{Year: 2026, Period: period, Entries: entries, Summary: "on track", Lagging: []int{2}}
		return c
	}
	must(t, s.Apply(ctx, report("report-q2", "2026-Q2", 20, 3, 1)))
	must(t, s.Apply(ctx, report("report-q1", "2026-Q1", 10, 1)))
	reports, err := s.ProgressReports(ctx, w.term.ID)
	must(t, err)
	if len(reports) != 2 || reports[0].Period != "2026-Q1" || reports[1].ProcessID != "report-q2" ||
		reports[1].Kind != termgoal.ProgressQuarterly || reports[1].TermID != w.term.ID || len(reports[1].Entries) != 2 ||
		reports[1].Entries[0].Value != 3 || reports[1].Lagging[0] != 2 || !reports[1].At.Equal(t0.Add(20*time.Minute)) {
		t.Errorf("ProgressReports = %+v", reports)
	}
	if none, err := s.ProgressReports(ctx, 999); err != nil || len(none) != 0 {
		t.Errorf("ProgressReports(unknown) = %v, %v", none, err)
	}
	if one, err := s.ProgressReport(ctx, "report-q2"); err != nil || one.Period != "2026-Q2" || len(one.Entries) != 2 {
		t.Errorf("ProgressReport = %+v, %v", one, err)
	}
	if _, err := s.ProgressReport(ctx, "report-none"); termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		t.Errorf("ProgressReport(unknown) = %v", err)
	}
}

func TestBallotCodes(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	must(t, s.Apply(ctx, appraisal("appraisal-1", w.term, 0, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2026, Status: "running"})))
	must(t, s.Apply(ctx, appraisal("appraisal-2", w.term, 0, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2027, Status: "running"})))
	codes := []string{hash("alpha"), hash("beta")}
	must(t, s.IssueBallotCodes(ctx, "appraisal-1", "masses", codes))
	must(t, s.IssueBallotCodes(ctx, "appraisal-1", "masses", codes)) // a retry
	must(t, s.IssueBallotCodes(ctx, "appraisal-2", "masses", []string{hash("gamma")}))
	wantCode(t, s.IssueBallotCodes(ctx, "appraisal-1", "masses", []string{"alpha"}), termgoal.EINVALID)
	wantCode(t, s.IssueBallotCodes(ctx, "nope", "masses", []string{hash("delta")}), termgoal.EINVALID)

	pid, group, used, err := s.BallotCode(ctx, hash("alpha"))
	must(t, err)
	if pid != "appraisal-1" || group != "masses" || used {
		t.Errorf("BallotCode = %s, %s, %v", pid, group, used)
	}
	_, _, _, err = s.BallotCode(ctx, hash("omega"))
	wantCode(t, err, termgoal.ENOTFOUND)

	ballot := func(id, code string) termgoal.Change {
		c := appraisal("appraisal-1", w.term, 5, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2026, Status: "running"})
		c.ID, c.Appraisal, c.BallotCode = id, nil, code
		return c
	}
	must(t, s.Apply(ctx, ballot("ballot-1", hash("alpha"))))
	must(t, s.Apply(ctx, ballot("ballot-1", hash("alpha")))) // the same change again: nothing to refuse
	if _, _, used, _ := s.BallotCode(ctx, hash("alpha")); !used {
		t.Error("the code is not used up")
	}
	before := auditCount(t, s)
	// Used up, unknown, or another appraisal's code: refused, and the change writes nothing.
	for _, code := range []string{hash("alpha"), hash("omega"), hash("gamma")} {
		c := ballot("ballot-2", code)
		c.Process.Step = termgoal.StepResult
		err := s.Apply(ctx, c)
		wantCode(t, err, termgoal.ECONFLICT)
		if e := err.(*termgoal.Error); e.Key != "ballot.code_used" {
			t.Errorf("key = %s", e.Key)
		}
	}
	p, err := s.Process(ctx, "appraisal-1")
	must(t, err)
	if p.Step != termgoal.StepScoring || auditCount(t, s) != before {
		t.Errorf("a refused ballot wrote: step %s, audit %d → %d", p.Step, before, auditCount(t, s))
	}
	if _, _, used, _ := s.BallotCode(ctx, hash("gamma")); used {
		t.Error("another appraisal's code was used up")
	}
	// The refused change ID was not recorded: with a valid code it applies.
	must(t, s.Apply(ctx, ballot("ballot-2", hash("beta"))))
}

// Monthly appraisals of two salespeople: each month is a quota round of its own, and a term's
// archived months are read by the period they start in.
func TestPeriodResults(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	v2 := w.term
	v2.ID = 0
	must(t, s.CreateTerm(ctx, &v2))
	v3 := v2
	v3.ID = 0
	must(t, s.CreateTerm(ctx, &v3))
	month := func(grade, period string) termgoal.AppraisalRecord {
		r := termgoal.AppraisalRecord{Kind: termgoal.AppraisalMonthly, Year: 2026, Scale: termgoal.CompanyScale.ID, Status: "archived",
			Result: result(grade, 90), ArchivedAt: &t0, PeriodFrom: day(period + "-01")}
		r.PeriodTo = r.PeriodFrom.AddDate(0, 1, -1)
		return r
	}
	must(t, s.Apply(ctx, appraisal("m-v2-03", v2, 8, termgoal.StepArchived, "completed", month(termgoal.GradeExcellent, "2026-03"))))
	must(t, s.Apply(ctx, appraisal("m-v2-04", v2, 9, termgoal.StepArchived, "completed", month(termgoal.GradePoor, "2026-04"))))
	must(t, s.Apply(ctx, appraisal("m-v3-03", v3, 10, termgoal.StepArchived, "completed", month(termgoal.GradeGood, "2026-03"))))
	for _, c := range []struct {
		from       string
		round, top int
	}{{"2026-03-01", 3, 1}, {"2026-04-01", 2, 0}, {"2026-05-01", 1, 0}} {
		round, top, err := s.QuotaRound(ctx, termgoal.AppraisalMonthly, 2026, day(c.from), w.town.ID, "new", termgoal.GradeExcellent)
		if err != nil || round != c.round || top != c.top {
			t.Errorf("the round of %s: %d, %d, %v; want %d, %d", c.from, round, top, err, c.round, c.top)
		}
	}
	months, err := s.PeriodResults(ctx, v2.ID, termgoal.AppraisalMonthly, day("2026-01-01"), day("2026-03-31"))
	if err != nil || len(months) != 1 || months[0].ProcessID != "m-v2-03" || !months[0].PeriodFrom.Equal(day("2026-03-01")) {
		t.Errorf("PeriodResults of the first quarter: %+v, %v", months, err)
	}
	if months, _ := s.PeriodResults(ctx, v2.ID, termgoal.AppraisalMonthly, day("2026-01-01"), day("2026-12-31")); len(months) != 2 || months[1].ProcessID != "m-v2-04" {
		t.Errorf("PeriodResults of the year: %+v", months)
	}
}

// Three more villages under the town and one under another town, with appraisals of several
// kinds, years, grades and states: the quota round and the lists each pick theirs.
func TestQuotaRoundAndLists(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	term := func(parent int64, name string) termgoal.Term {
		o := termgoal.Org{ParentID: &parent, Name: name, Type: termgoal.OrgVillage}
		must(t, s.CreateOrg(ctx, &o))
		tm := w.term
		tm.ID, tm.OrgID = 0, o.ID
		must(t, s.CreateTerm(ctx, &tm))
		return tm
	}
	other := termgoal.Org{ParentID: &w.county.ID, Name: "Other town", Type: termgoal.OrgAgency}
	must(t, s.CreateOrg(ctx, &other))
	v2, v3, v4, far := term(w.town.ID, "V2"), term(w.town.ID, "V3"), term(w.town.ID, "V4"), term(other.ID, "Far")
	archived := t0.Add(48 * time.Hour)
	done := func(grade string, year int) termgoal.AppraisalRecord {
		return termgoal.AppraisalRecord{Year: year, Scale: termgoal.CadreScale.ID, Status: "archived", Result: result(grade, 95),
			ArchivedAt: &archived, Consequences: termgoal.CadreConsequences(grade)}
	}
	must(t, s.Apply(ctx, appraisal("a-village", w.term, 0, termgoal.StepResult, "running", termgoal.AppraisalRecord{Year: 2026, Status: "running"})))
	must(t, s.Apply(ctx, appraisal("a-v2", v2, 1, termgoal.StepArchived, "completed", done(termgoal.GradeExcellent, 2026))))
	must(t, s.Apply(ctx, appraisal("a-v3", v3, 2, termgoal.StepArchived, "completed", done(termgoal.GradeIncompetent, 2026))))
	cancelled := done(termgoal.GradeExcellent, 2026)
	cancelled.Status = "cancelled"
	must(t, s.Apply(ctx, appraisal("a-v4", v4, 3, termgoal.StepResult, "cancelled", cancelled)))
	must(t, s.Apply(ctx, appraisal("a-far", far, 4, termgoal.StepArchived, "completed", done(termgoal.GradeExcellent, 2026))))
	must(t, s.Apply(ctx, appraisal("a-v2-2025", v2, 5, termgoal.StepArchived, "completed", done(termgoal.GradeExcellent, 2025))))
	must(t, s.Apply(ctx, appraisal("a-v2-2027", v2, 6, termgoal.StepArchived, "completed", done(termgoal.GradeCompetent, 2027))))
	termEnd := done(termgoal.GradeExcellent, 2026)
	termEnd.Kind = termgoal.AppraisalTermEnd
	must(t, s.Apply(ctx, appraisal("a-v3-end", v3, 7, termgoal.StepArchived, "completed", termEnd)))

	for _, c := range []struct {
		except          string
		parent          int64
		kind            string
		year            int
		wantRound, want int
	}{
		{"a-village", w.town.ID, termgoal.AppraisalAnnual, 2026, 3, 1}, // v2 excellent, v3 not; v4 cancelled
		{"a-v2", w.town.ID, termgoal.AppraisalAnnual, 2026, 3, 0},      // itself is not among the others
		{"new", w.town.ID, termgoal.AppraisalAnnual, 2026, 4, 1},       // not written yet: counted all the same
		{"new", w.town.ID, termgoal.AppraisalAnnual, 2028, 1, 0},
		{"new", other.ID, termgoal.AppraisalAnnual, 2026, 2, 1},
		{"new", 0, termgoal.AppraisalAnnual, 2026, 1, 0}, // the root orgs' round
		{"new", w.town.ID, termgoal.AppraisalTermEnd, 2026, 2, 1},
	} {
		round, top, err := s.QuotaRound(ctx, c.kind, c.year, time.Time{}, c.parent, c.except, termgoal.GradeExcellent)
		must(t, err)
		if round != c.wantRound || top != c.want {
			t.Errorf("QuotaRound(%s, %d, %d, %s) = %d, %d; want %d, %d", c.kind, c.year, c.parent, c.except, round, top, c.wantRound, c.want)
		}
	}

	annual, err := s.AnnualResults(ctx, v2.ID)
	must(t, err)
	if len(annual) != 3 || annual[0].Year != 2025 || annual[1].Year != 2026 || annual[2].ProcessID != "a-v2-2027" {
		t.Errorf("AnnualResults = %+v", annual)
	}
	if annual, _ := s.AnnualResults(ctx, v3.ID); len(annual) != 1 || annual[0].ProcessID != "a-v3" {
		t.Errorf("AnnualResults leaves out the term-end appraisal: %+v", annual)
	}
	if annual, _ := s.AnnualResults(ctx, w.term.ID); len(annual) != 0 {
		t.Errorf("AnnualResults of a running appraisal = %+v", annual)
	}

	ids := func(rs []termgoal.AppraisalRecord) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ProcessID)
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct {
		path, use string
		year      int
		want      string
	}{
		{w.county.Path, "promotion", 2026, "[a-far a-v2 a-v3-end]"},
		{w.town.Path, "promotion", 2026, "[a-v2 a-v3-end]"},
		{w.town.Path, "promotion", 0, "[a-v2 a-v2-2025 a-v3-end]"},
		{w.county.Path, "measure", 2026, "[a-v3]"},
		{w.county.Path, "improve", 2026, "[]"},
		{w.county.Path, "advanced", 2026, "[]"},
	} {
		got, total, err := s.ResultsInUse(ctx, c.path, c.year, c.use, 10, 0)
		must(t, err)
		if ids(got) != c.want || total != len(got) {
			t.Errorf("ResultsInUse(%s, %d, %s) = %s (%d), want %s", c.path, c.year, c.use, ids(got), total, c.want)
		}
	}
	if page, total, _ := s.ResultsInUse(ctx, w.county.Path, 2026, "promotion", 1, 1); total != 3 || ids(page) != "[a-v2]" {
		t.Errorf("ResultsInUse page 2 = %s of %d", ids(page), total)
	}
	_, _, err = s.ResultsInUse(ctx, w.county.Path, 2026, "bonus", 10, 0)
	wantCode(t, err, termgoal.EINVALID)

	for _, c := range []struct {
		f    postgres.AppraisalFilter
		want string
	}{
		{postgres.AppraisalFilter{OrgPath: w.town.Path, Year: 2026, Kind: termgoal.AppraisalAnnual},
			"[a-v4 a-v3 a-v2 a-village]"},
		{postgres.AppraisalFilter{OrgPath: w.county.Path, Grade: termgoal.GradeExcellent, Status: "archived"},
			"[a-v3-end a-v2-2025 a-far a-v2]"},
		{postgres.AppraisalFilter{OrgPath: w.village.Path}, "[a-village]"},
		{postgres.AppraisalFilter{OrgPath: w.county.Path, Status: "running"}, "[a-village]"},
		{postgres.AppraisalFilter{OrgPath: w.county.Path, Year: 2026, Limit: 2, Offset: 1}, "[a-far a-v4]"},
	} {
		got, total, err := s.Appraisals(ctx, c.f)
		must(t, err)
		if ids(got) != c.want || c.f.Limit == 0 && total != len(got) {
			t.Errorf("Appraisals(%+v) = %s (%d), want %s", c.f, ids(got), total, c.want)
		}
	}
}

func TestRecordHandover(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	successor := termgoal.Person{Name: "Zhang San"}
	must(t, s.CreatePerson(ctx, &successor))

	h := termgoal.Handover{TermID: w.term.ID, ToPersonID: w.person.ID, On: day("2027-06-01"), Reason: "moved"}
	wantCode(t, s.RecordHandover(ctx, &h, "admin"), termgoal.EINVALID) // to the holder themself
	h.ToPersonID = 999
	wantCode(t, s.RecordHandover(ctx, &h, "admin"), termgoal.ENOTFOUND)
	h.TermID, h.ToPersonID = 999, successor.ID
	wantCode(t, s.RecordHandover(ctx, &h, "admin"), termgoal.ENOTFOUND)
	orgTerm := w.term
	orgTerm.HolderKind, orgTerm.PersonID = termgoal.HolderOrg, nil
	must(t, s.CreateTerm(ctx, &orgTerm))
	h.TermID = orgTerm.ID
	wantCode(t, s.RecordHandover(ctx, &h, "admin"), termgoal.EINVALID)

	h = termgoal.Handover{TermID: w.term.ID, ToPersonID: successor.ID, On: day("2027-06-01"), Reason: "moved", AppraisalID: "handover-1"}
	must(t, s.RecordHandover(ctx, &h, "admin"))
	if h.FromPersonID != w.person.ID {
		t.Errorf("FromPersonID = %d", h.FromPersonID)
	}
	term, err := s.Term(ctx, w.term.ID)
	must(t, err)
	if *term.PersonID != successor.ID || term.HolderName != "Zhang San" {
		t.Errorf("term after handover = %+v", term)
	}
	// Retried: nothing new, and the leaver is still named.
	again := termgoal.Handover{TermID: w.term.ID, ToPersonID: successor.ID, On: day("2027-06-01")}
	must(t, s.RecordHandover(ctx, &again, "admin"))
	var n int
	must(t, s.DB().QueryRowContext(ctx, `SELECT count(*) FROM handovers`).Scan(&n))
	if n != 1 || again.FromPersonID != w.person.ID {
		t.Errorf("after a retry: %d handovers, from %d", n, again.FromPersonID)
	}
	// The successor's own holder history now has the term.
	held, err := s.PersonTerms(ctx, successor.ID)
	must(t, err)
	if len(held) != 1 || held[0].TermID != w.term.ID {
		t.Errorf("PersonTerms(successor) = %+v", held)
	}
}

func TestRunningProcessesOfTerm(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	must(t, s.Apply(ctx, w.change("g1", 0, termgoal.StepDraft, "started")))
	c := appraisal("appraisal-1", w.term, 5, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2026, Status: "running"})
	must(t, s.Apply(ctx, c))
	done := appraisal("appraisal-0", w.term, 1, termgoal.StepArchived, "completed", termgoal.AppraisalRecord{Year: 2025, Status: "archived"})
	must(t, s.Apply(ctx, done))
	ids, err := s.RunningProcessesOfTerm(ctx, w.term.ID)
	must(t, err)
	if fmt.Sprint(ids) != "[goal-1 appraisal-1]" {
		t.Errorf("RunningProcessesOfTerm = %v", ids)
	}
}
