package workflows_test

import (
	"slices"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"termgoal/workflows"
)

// Every search attribute the workflows set is in the list the servers register, with its
// type, and nothing else is: an unregistered one would fail every workflow task that sets it.
func TestSearchAttributesAreRegistered(t *testing.T) {
	names := map[enumspb.IndexedValueType]string{
		enumspb.INDEXED_VALUE_TYPE_KEYWORD: "Keyword", enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST: "KeywordList",
		enumspb.INDEXED_VALUE_TYPE_INT: "Int", enumspb.INDEXED_VALUE_TYPE_DATETIME: "Datetime",
	}
	var want []string
	for _, k := range []temporal.SearchAttributeKey{workflows.SearchKind, workflows.SearchOrgs, workflows.SearchTerm, workflows.SearchStep,
		workflows.SearchStatus, workflows.SearchStepDue, workflows.SearchTemplateVersion, workflows.SearchCampaign} {
		want = append(want, k.GetName()+"="+names[k.GetValueType()])
	}
	slices.Sort(want)
	if got := slices.Sorted(slices.Values(workflows.SearchAttributes)); !slices.Equal(got, want) {
		t.Errorf("registered %v, set %v", got, want)
	}
}
