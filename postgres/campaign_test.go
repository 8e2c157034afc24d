package postgres_test

import (
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres/postgrestest"
)

func TestCampaigns(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	more := w.term
	more.ID = 0
	must(t, s.CreateTerm(ctx, &more))

	c := termgoal.Campaign{Name: "2026换届", Kind: "goal_setting", OrgID: w.town.ID, CreatedBy: "admin"}
	must(t, s.CreateCampaign(ctx, &c))
	if c.ID == 0 || c.Status != "running" {
		t.Fatalf("created %+v", c)
	}
	// The work list pages by term ID and skips terms that have their process.
	terms, err := s.TermsWithoutProcess(ctx, w.town.Path, 0, 1)
	must(t, err)
	if len(terms) != 1 || terms[0].ID != w.term.ID {
		t.Fatalf("page 1 = %+v", terms)
	}
	must(t, s.SetTermProcess(ctx, w.term.ID, "goalsetting-term-x"))
	terms, err = s.TermsWithoutProcess(ctx, w.town.Path, 0, 10)
	must(t, err)
	if len(terms) != 1 || terms[0].ID != more.ID {
		t.Fatalf("after linking = %+v", terms)
	}
	if terms, _ := s.TermsWithoutProcess(ctx, w.county.Path, more.ID, 10); len(terms) != 0 {
		t.Fatalf("after the last ID = %+v", terms)
	}

	must(t, s.CampaignStarted(ctx, c.ID, 1, false))
	must(t, s.CampaignStarted(ctx, c.ID, 1, true))
	got, err := s.Campaign(ctx, c.ID)
	must(t, err)
	if got.Started != 2 || got.Status != "done" || got.FinishedAt == nil || got.OrgName != "Town" {
		t.Errorf("campaign = %+v", got)
	}
	must(t, s.ReopenCampaign(ctx, c.ID))
	if again, _ := s.Campaign(ctx, c.ID); again.Status != "running" || again.FinishedAt != nil {
		t.Errorf("reopened = %+v", again)
	}
	list, total, err := s.Campaigns(ctx, w.county.Path, 10, 0)
	must(t, err)
	if total != 1 || len(list) != 1 {
		t.Errorf("campaigns = %d", total)
	}
	p, err := s.CampaignProgress(ctx, got, time.Now())
	must(t, err)
	if p.Terms != 2 || p.Started != 0 {
		t.Errorf("progress with no process rows = %+v", p)
	}
	_, err = s.Campaign(ctx, 9999)
	wantCode(t, err, termgoal.ENOTFOUND)
}
