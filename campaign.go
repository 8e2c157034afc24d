package termgoal

import "time"

// Campaign starts one process per holder in an org subtree (P7): goal setting for every term
// without one after a general election (换届), and later the yearly appraisal. A campaign is
// re-runnable: each process has a deterministic ID, so a second run starts nothing twice.
type Campaign struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Kind       string     `json:"kind"` // the process kind it starts: goal_setting, annual_appraisal
	OrgID      int64      `json:"org_id"`
	Year       int        `json:"year,omitempty"`        // the year an appraisal campaign appraises
	ScheduleID string     `json:"schedule_id,omitempty"` // the Temporal Schedule that made it, once a year
	OrgName    string     `json:"org_name,omitempty"`
	Status     string     `json:"status"` // running, done
	Started    int        `json:"started"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// CampaignProgress counts the campaign's processes: how many terms it covers, how many have
// their process, and where those stand.
type CampaignProgress struct {
	Terms     int            `json:"terms"`
	Started   int            `json:"started"`
	Running   int            `json:"running"`
	Completed int            `json:"completed"`
	Overdue   int            `json:"overdue"`
	ByStep    map[string]int `json:"by_step"`
}
