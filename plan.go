package termgoal

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// PlanItem is one goal of a plan (P3). Targets holds the indicator for each year of the term,
// keyed by the year as a string so it survives JSON ("2026": "3 new enterprises").
type PlanItem struct {
	Category     string            `json:"category" text:"line"`
	Title        string            `json:"title" text:"line"`
	Description  string            `json:"description,omitempty"`
	Quantitative bool              `json:"quantitative"`
	Unit         string            `json:"unit,omitempty" text:"line"`
	Targets      map[string]string `json:"targets" limit:"10"`
	Weight       float64           `json:"weight"`
	Owner        string            `json:"owner" text:"line"`
	Evidence     string            `json:"evidence,omitempty"`
}

// PlanVersion is one recorded version of a term's plan: every submission creates one, and each
// step that acts on it records which version it saw.
type PlanVersion struct {
	TermID  int64      `json:"term_id"`
	Version int        `json:"version"`
	Items   []PlanItem `json:"items"`
	Note    string     `json:"note,omitempty"`
	Step    Step       `json:"step"`   // the step that produced it
	Status  string     `json:"status"` // draft, in_force, superseded
	// InForceFrom and InForceUntil bound the time the version was in force, [from, until):
	// both nil for a version never in force, until nil for the version in force now.
	InForceFrom  *time.Time `json:"in_force_from,omitempty"`
	InForceUntil *time.Time `json:"in_force_until,omitempty"`
}

// ValidateItems checks a plan's items against its term: at least one item, every field a
// user must fill, a target for every year of the term, and weights that sum to 100.
func ValidateItems(items []PlanItem, years []int, categories []string) error {
	if len(items) == 0 {
		return Errorf(EINVALID, "plan.no_items", "a plan needs at least one goal item")
	}
	var sum float64
	for i, it := range items {
		n := i + 1
		switch {
		case strings.TrimSpace(it.Title) == "":
			return Errorf(EINVALID, "plan.item_title", fmt.Sprintf("item %d needs a title", n), "n", n)
		case strings.TrimSpace(it.Category) == "":
			return Errorf(EINVALID, "plan.item_category", fmt.Sprintf("item %d needs a category", n), "n", n)
		case len(categories) > 0 && !contains(categories, it.Category):
			return Errorf(EINVALID, "plan.item_category_unknown", fmt.Sprintf("item %d: category %q is not in the template", n, it.Category), "n", n, "category", it.Category)
		case strings.TrimSpace(it.Owner) == "":
			return Errorf(EINVALID, "plan.item_owner", fmt.Sprintf("item %d needs an owner", n), "n", n)
		case it.Quantitative && strings.TrimSpace(it.Unit) == "":
			return Errorf(EINVALID, "plan.item_unit", fmt.Sprintf("item %d is quantitative and needs a unit", n), "n", n)
		case it.Weight <= 0 || math.IsNaN(it.Weight):
			return Errorf(EINVALID, "plan.item_weight", fmt.Sprintf("item %d needs a positive weight", n), "n", n)
		}
		for _, y := range years {
			if strings.TrimSpace(it.Targets[fmt.Sprint(y)]) == "" {
				return Errorf(EINVALID, "plan.item_target", fmt.Sprintf("item %d needs a target for %d", n, y), "n", n, "year", y)
			}
		}
		for k := range it.Targets {
			if !contains(yearsAsStrings(years), k) {
				return Errorf(EINVALID, "plan.item_target_year", fmt.Sprintf("item %d has a target for %s, outside the term", n, k), "n", n, "year", k)
			}
		}
		sum += it.Weight
	}
	if math.Abs(sum-100) > 0.001 {
		return Errorf(EINVALID, "plan.weights_sum", fmt.Sprintf("the weights add up to %g, not 100", sum), "sum", sum)
	}
	return nil
}

func yearsAsStrings(years []int) []string {
	s := make([]string, len(years))
	for i, y := range years {
		s[i] = fmt.Sprint(y)
	}
	return s
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
