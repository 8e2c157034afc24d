package termgoal

// Role is what a grant lets an account do inside an org subtree (S2).
type Role string

// Roles. A grant of a role on an org applies to the org and everything under it.
const (
	RoleAdmin       Role = "admin"        // organization department / HR: sets up, watches, steers
	RoleHolder      Role = "holder"       // drafts, signs pledges (the principal for an org's term)
	RoleConsultee   Role = "consultee"    // gives opinions during consultation
	RoleExpert      Role = "expert"       // expert review
	RoleCommittee   Role = "committee"    // votes in the committee decision
	RoleSuperior    Role = "superior"     // approves plans, resolves objections
	RoleCongress    Role = "congress"     // the extra approval for principal posts of a local government
	RoleFilingClerk Role = "filing_clerk" // records the plan (备案)
	RoleAppraiser   Role = "appraiser"    // a member of the appraisal group (考评小组): scores
	RoleReviewer    Role = "reviewer"     // answers appeals, never the one who decided the result
)

// Roles lists every role, in the order the UI shows them.
var Roles = []Role{RoleAdmin, RoleHolder, RoleConsultee, RoleExpert, RoleCommittee, RoleSuperior, RoleCongress, RoleFilingClerk, RoleAppraiser, RoleReviewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return contains(Roles, r) }

// Grant gives an account a role on an org subtree.
type Grant struct {
	Role    Role   `json:"role"`
	OrgID   int64  `json:"org_id"`
	OrgPath string `json:"org_path,omitempty"`
	OrgName string `json:"org_name,omitempty"`
}

// Account is a sign-in identity.
type Account struct {
	ID          int64   `json:"id"`
	Username    string  `json:"username"`
	DisplayName string  `json:"display_name"`
	PersonID    *int64  `json:"person_id,omitempty"`
	Lang        string  `json:"lang"`
	Disabled    bool    `json:"disabled,omitempty"` // cannot sign in; its sessions and tokens have ended
	Grants      []Grant `json:"grants"`
}

// Can reports whether the account holds role on the org at orgPath (a grant on an ancestor
// counts).
func (a *Account) Can(role Role, orgPath string) bool {
	for _, g := range a.Grants {
		if g.Role == role && len(orgPath) >= len(g.OrgPath) && orgPath[:len(g.OrgPath)] == g.OrgPath {
			return true
		}
	}
	return false
}

// Actor is who performs an action, as the API passes it to a workflow.
type Actor struct {
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
	IP        string `json:"ip,omitempty"`
	// Admin is set by the API when the actor administers the process's org: administrative
	// operations (reassign, extend, move, cancel) require it. A request body cannot set it.
	Admin bool `json:"admin,omitempty"`
}

// System is the actor of automatic actions (timeouts, escalations); their audit entries carry
// a reason code.
var System = Actor{Name: "system"}
