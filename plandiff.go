package termgoal

import (
	"maps"
	"slices"
)

// ItemChange is how one item of a plan differs from one version to another (the process page
// shows two versions side by side with the changes marked).
type ItemChange struct {
	Change string    `json:"change"` // added, removed, changed or same
	Old    *PlanItem `json:"old,omitempty"`
	New    *PlanItem `json:"new,omitempty"`
	// Fields names what changed: title, category, description, kind (quantitative or not, and
	// the unit), targets, weight, owner, evidence.
	Fields []string `json:"fields,omitempty"`
}

// Has reports whether field changed (the pages mark the changed cells with it).
func (c ItemChange) Has(field string) bool { return slices.Contains(c.Fields, field) }

// ComparePlans compares the items of an older and a newer version. Items are matched by title
// (an item is known by what it promises); those left are matched in order within the same
// category (a renamed item), and the rest are added or removed. The changes come in the newer
// version's order, the removed items last.
func ComparePlans(older, newer []PlanItem) []ItemChange {
	matched := make([]int, len(newer)) // the older item each newer one matches, or -1
	used := make([]bool, len(older))
	for i, n := range newer {
		matched[i] = -1
		for j, o := range older {
			if !used[j] && o.Title == n.Title {
				matched[i], used[j] = j, true
				break
			}
		}
	}
	for i, n := range newer {
		for j, o := range older {
			if matched[i] < 0 && !used[j] && o.Category == n.Category {
				matched[i], used[j] = j, true
			}
		}
	}
	out := make([]ItemChange, 0, len(newer))
	for i := range newer {
		c := ItemChange{Change: "added", New: &newer[i]}
		if j := matched[i]; j >= 0 {
			c.Old = &older[j]
			c.Fields = itemFieldsChanged(older[j], newer[i])
			c.Change = "same"
			if len(c.Fields) > 0 {
				c.Change = "changed"
			}
		}
		out = append(out, c)
	}
	for j := range older {
		if !used[j] {
			out = append(out, ItemChange{Change: "removed", Old: &older[j]})
		}
	}
	return out
}

func itemFieldsChanged(a, b PlanItem) []string {
	var fields []string
	for _, f := range []struct {
		name string
		same bool
	}{
		{"title", a.Title == b.Title},
		{"category", a.Category == b.Category},
		{"description", a.Description == b.Description},
		{"kind", a.Quantitative == b.Quantitative && a.Unit == b.Unit},
		{"targets", maps.Equal(a.Targets, b.Targets)},
		{"weight", a.Weight == b.Weight},
		{"owner", a.Owner == b.Owner},
		{"evidence", a.Evidence == b.Evidence},
	} {
		if !f.same {
			fields = append(fields, f.name)
		}
	}
	return fields
}
