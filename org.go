package termgoal

import (
	"slices"
	"time"
)

// OrgType selects the goal template and the appraisal rules of a party organization.
type OrgType string

// Organization types of DOMAIN.md.
const (
	OrgVillage    OrgType = "village_community" // 行政村和社区
	OrgAgency     OrgType = "agency"            // 机关、事业单位
	OrgEnterprise OrgType = "enterprise"        // 企业
	OrgOther      OrgType = "other"             // 其它
	// A township (乡镇): its posts may be held for more consecutive terms (the term rules).
	OrgTownship OrgType = "township"
	// A university (高校): its middle managers' end-of-term appraisal starts earlier.
	OrgUniversity OrgType = "university"
)

// OrgTypes lists the types in the order a form offers them.
var OrgTypes = []OrgType{OrgVillage, OrgTownship, OrgAgency, OrgUniversity, OrgEnterprise, OrgOther}

// Valid reports whether t is one of the known types.
func (t OrgType) Valid() bool {
	return slices.Contains(OrgTypes, t)
}

// Org is a node of the organization tree. Path lists the IDs from the root down to the org
// itself ("/1/4/9/"), so a subtree is a prefix match and scope checks need no recursion.
type Org struct {
	ID       int64   `json:"id"`
	ParentID *int64  `json:"parent_id,omitempty"`
	Name     string  `json:"name"`
	Type     OrgType `json:"type"`
	Path     string  `json:"path"`
}

// Person is someone who can hold a post.
type Person struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Gender    string     `json:"gender,omitempty"` // "male" | "female"
	BirthDate *time.Time `json:"birth_date,omitempty"`
	// NonParty: a non-party cadre (党外干部), who may serve more consecutive terms.
	NonParty bool `json:"non_party,omitempty"`
}

// Post is a position inside an organization.
type Post struct {
	ID        int64  `json:"id"`
	OrgID     int64  `json:"org_id"`
	Title     string `json:"title"`
	Rank      string `json:"rank,omitempty"`
	Principal bool   `json:"principal"` // the principal (主要负责人) of the org
	// Specialist: a post of strong professional content (专业性较强), held for more
	// consecutive terms; Congress: a people's congress or political consultative post (人大、
	// 政协), whose age limit is higher. The term rules read them for the terms in the post.
	Specialist bool `json:"specialist,omitempty"`
	Congress   bool `json:"congress,omitempty"`
}

// Appointment is how a cadre holds office.
type Appointment string

// Ways of holding office.
const (
	Elected    Appointment = "elected"    // 选任制
	Appointed  Appointment = "appointed"  // 委任制
	Contracted Appointment = "contracted" // 聘任制
)

// Valid reports whether a is known.
func (a Appointment) Valid() bool { return a == Elected || a == Appointed || a == Contracted }

// HolderKind says whether a term is held by an organization (its principal acts for it) or by
// a person.
type HolderKind string

// Holder kinds.
const (
	HolderOrg    HolderKind = "org"
	HolderPerson HolderKind = "person"
)

// Term is one holder's term in a post (P1).
type Term struct {
	ID             int64       `json:"id"`
	OrgID          int64       `json:"org_id"`
	HolderKind     HolderKind  `json:"holder_kind"`
	PersonID       *int64      `json:"person_id,omitempty"`
	PostID         *int64      `json:"post_id,omitempty"`
	Appointment    Appointment `json:"appointment"`
	ProbationStart *time.Time  `json:"probation_start,omitempty"`
	Start          time.Time   `json:"start"`
	End            time.Time   `json:"end"`
	TemplateID     int64       `json:"template_id"`
	ProcessID      string      `json:"process_id,omitempty"` // the goal-setting workflow, once started
	Status         string      `json:"status"`
	// Read-only conveniences filled by queries.
	OrgName    string `json:"org_name,omitempty"`
	HolderName string `json:"holder_name,omitempty"`
}

// Years lists the calendar years the term touches, in order; plan targets are given per year.
func (t Term) Years() []int {
	var ys []int
	for y := t.Start.Year(); y <= t.End.Year(); y++ {
		ys = append(ys, y)
	}
	return ys
}

// Validate checks a term's own fields.
func (t Term) Validate() error {
	switch {
	case t.OrgID == 0:
		return Errorf(EINVALID, "term.org_required", "the organization is required")
	case t.HolderKind != HolderOrg && t.HolderKind != HolderPerson:
		return Errorf(EINVALID, "term.holder_kind", "the holder must be an organization or a person")
	case t.HolderKind == HolderPerson && t.PersonID == nil:
		return Errorf(EINVALID, "term.person_required", "a person's term needs the person")
	case !t.Appointment.Valid():
		return Errorf(EINVALID, "term.appointment", "how the holder was appointed must be elected, appointed or contracted")
	case t.Start.IsZero() || !t.End.After(t.Start):
		return Errorf(EINVALID, "term.dates", "the term must end after it starts")
	case t.End.Sub(t.Start) > 6*366*24*time.Hour:
		return Errorf(EINVALID, "term.too_long", "a term lasts at most 5 years")
	case t.ProbationStart != nil && t.ProbationStart.After(t.Start):
		return Errorf(EINVALID, "term.probation", "probation cannot start after the term")
	case t.TemplateID == 0:
		return Errorf(EINVALID, "term.template_required", "a goal template is required")
	}
	return nil
}
