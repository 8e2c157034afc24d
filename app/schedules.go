package app

// Campaign schedules (P7): a Temporal Schedule per org and kind starts the org's annual
// appraisal campaign on a day of each year, at 09:00 in China. The schedule is the record: its
// ID names the org and the kind, its calendar the day, so there is no table to keep in step.
// Each run makes the year's campaign once (the workflow's EnsureCampaign) and starts the
// appraisals under their deterministic IDs.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/workflows"
)

// Campaign schedules run at scheduleHour in scheduleTimeZone.
const (
	scheduleIDPrefix = "campaign-schedule-"
	scheduleTimeZone = "Asia/Shanghai"
	scheduleHour     = 9
)

// ScheduleKinds are the campaigns a schedule can start.
var ScheduleKinds = []string{termgoal.AppraisalAnnual}

// CampaignScheduleRequest creates a yearly campaign schedule for an org.
type CampaignScheduleRequest struct {
	OrgID int64  `json:"org_id"`
	Kind  string `json:"kind"`
	Month int    `json:"month"`
	Day   int    `json:"day"`
}

// CampaignSchedule is a schedule as the API shows it.
type CampaignSchedule struct {
	ID      string      `json:"id"`
	OrgID   int64       `json:"org_id"`
	OrgName string      `json:"org_name,omitempty"`
	Kind    string      `json:"kind"`
	Month   int         `json:"month"`
	Day     int         `json:"day"`
	Paused  bool        `json:"paused"`
	NextRun []time.Time `json:"next_runs,omitempty"`
}

// CampaignScheduleID is the ID of the schedule of an org and kind.
func CampaignScheduleID(orgID int64, kind string) string {
	return fmt.Sprintf("%s%d-%s", scheduleIDPrefix, orgID, kind)
}

// parseScheduleID reads the org and the kind out of a schedule ID.
func parseScheduleID(id string) (int64, string, bool) {
	rest, ok := strings.CutPrefix(id, scheduleIDPrefix)
	if !ok {
		return 0, "", false
	}
	org, kind, ok := strings.Cut(rest, "-")
	n, err := strconv.ParseInt(org, 10, 64)
	if !ok || err != nil || n <= 0 || !slices.Contains(ScheduleKinds, kind) {
		return 0, "", false
	}
	return n, kind, true
}

// CreateCampaignSchedule checks req and that acc administers the org, creates the schedule
// as actor and audits it. One schedule per org and kind: a second is a conflict.
func (s *Service) CreateCampaignSchedule(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, req CampaignScheduleRequest) (*CampaignSchedule, error) {
	org, err := s.Store.Org(ctx, req.OrgID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		err = termgoal.Errorf(termgoal.EINVALID, "campaign.org_unknown", "the organization does not exist")
	}
	if err != nil {
		return nil, err
	}
	if !acc.Can(termgoal.RoleAdmin, org.Path) {
		return nil, ErrForbidden()
	}
	switch {
	case !slices.Contains(ScheduleKinds, req.Kind):
		return nil, termgoal.Errorf(termgoal.EINVALID, "schedule.kind", "a schedule starts annual_appraisal campaigns", "kind", req.Kind)
	case req.Month < 1 || req.Month > 12 || req.Day < 1 || req.Day > 28:
		return nil, termgoal.Errorf(termgoal.EINVALID, "schedule.day", "the month is 1 to 12 and the day 1 to 28")
	}
	if s.Temporal == nil {
		return nil, errNoTemporal
	}
	id := CampaignScheduleID(org.ID, req.Kind)
	in := workflows.CampaignInput{Kind: req.Kind, ScheduleID: id, OrgID: org.ID, OrgPath: org.Path, Initiator: actor}
	_, err = s.Temporal.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: id,
		Spec: client.ScheduleSpec{
			Calendars: []client.ScheduleCalendarSpec{{
				Month: []client.ScheduleRange{{Start: req.Month}}, DayOfMonth: []client.ScheduleRange{{Start: req.Day}},
				Hour: []client.ScheduleRange{{Start: scheduleHour}}, Minute: []client.ScheduleRange{{Start: 0}}, Second: []client.ScheduleRange{{Start: 0}},
			}},
			TimeZoneName: scheduleTimeZone,
		},
		Action: &client.ScheduleWorkflowAction{
			ID:        id, // the schedule appends the start time
			Workflow:  workflows.CampaignWorkflowName,
			TaskQueue: workflows.CampaignTaskQueue,
			Args:      []any{in},
		},
		// A campaign still starting its appraisals is not doubled; one missed while the
		// server was down still runs within a week.
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: 7 * 24 * time.Hour,
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return nil, termgoal.Errorf(termgoal.ECONFLICT, "schedule.exists", "this organization already has a schedule of this kind")
	}
	if err != nil {
		return nil, UnavailableOr(err)
	}
	sc := &CampaignSchedule{ID: id, OrgID: org.ID, OrgName: org.Name, Kind: req.Kind, Month: req.Month, Day: req.Day}
	return sc, s.Audit(ctx, actor, termgoal.Audit{Action: "campaign_schedule_created", Detail: map[string]any{
		"schedule_id": id, "org_id": org.ID, "kind": req.Kind, "month": req.Month, "day": req.Day}})
}

// CampaignSchedules lists the campaign schedules of the orgs acc administers, by ID.
// Temporal's schedule list is eventually consistent: a schedule created a moment ago may show
// a moment later.
func (s *Service) CampaignSchedules(ctx context.Context, acc *termgoal.Account) ([]CampaignSchedule, error) {
	if s.Temporal == nil {
		return nil, errNoTemporal
	}
	it, err := s.Temporal.ScheduleClient().List(ctx, client.ScheduleListOptions{PageSize: 500})
	if err != nil {
		return nil, UnavailableOr(err)
	}
	out := []CampaignSchedule{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, UnavailableOr(err)
		}
		orgID, kind, ok := parseScheduleID(e.ID)
		if !ok {
			continue
		}
		org, err := s.Store.Org(ctx, orgID)
		if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !acc.Can(termgoal.RoleAdmin, org.Path) {
			continue
		}
		sc := CampaignSchedule{ID: e.ID, OrgID: orgID, OrgName: org.Name, Kind: kind, Paused: e.Paused, NextRun: e.NextActionTimes}
		spec := e.Spec
		if spec == nil || len(spec.Calendars) == 0 {
			if d, err := s.Temporal.ScheduleClient().GetHandle(ctx, e.ID).Describe(ctx); err == nil {
				spec = d.Schedule.Spec
			}
		}
		sc.Month, sc.Day = calendarDay(spec)
		out = append(out, sc)
	}
	slices.SortFunc(out, func(a, b CampaignSchedule) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// calendarDay reads the month and day of a schedule's first calendar.
func calendarDay(spec *client.ScheduleSpec) (month, day int) {
	if spec == nil || len(spec.Calendars) == 0 {
		return 0, 0
	}
	cal := spec.Calendars[0]
	if len(cal.Month) > 0 {
		month = cal.Month[0].Start
	}
	if len(cal.DayOfMonth) > 0 {
		day = cal.DayOfMonth[0].Start
	}
	return month, day
}

// DeleteCampaignSchedule deletes schedule id as actor, an administrator of its org (acc);
// the campaigns it made stay.
func (s *Service) DeleteCampaignSchedule(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, id string) error {
	orgID, _, ok := parseScheduleID(id)
	if !ok {
		return errScheduleNotFound()
	}
	path, err := s.OrgPath(ctx, orgID)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		return errScheduleNotFound()
	}
	if err != nil {
		return err
	}
	if !acc.Can(termgoal.RoleAdmin, path) {
		return ErrForbidden()
	}
	if s.Temporal == nil {
		return errNoTemporal
	}
	err = s.Temporal.ScheduleClient().GetHandle(ctx, id).Delete(ctx)
	if errors.As(err, new(*serviceerror.NotFound)) {
		return errScheduleNotFound()
	}
	if err != nil {
		return UnavailableOr(err)
	}
	return s.Audit(ctx, actor, termgoal.Audit{Action: "campaign_schedule_deleted", Detail: map[string]any{"schedule_id": id, "org_id": orgID}})
}

func errScheduleNotFound() error {
	return termgoal.Errorf(termgoal.ENOTFOUND, "schedule.not_found", "no such campaign schedule")
}
