package api

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"termgoal/workflows"
)

// TestOpenAPIListsEveryAction keeps the action enum of the document in step with the
// workflow's updates.
func TestOpenAPIListsEveryAction(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string
				Schema struct{ Enum []string }
			}
		}
	}
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		t.Fatal(err)
	}
	var enum []string
	for _, p := range doc.Paths["/processes/{id}/actions/{action}"]["post"].Parameters {
		if p.Name == "action" {
			enum = p.Schema.Enum
		}
	}
	slices.Sort(enum)
	want := slices.Sorted(maps.Keys(workflows.Actions))
	if !slices.Equal(enum, want) {
		t.Errorf("documented actions %v, want %v", enum, want)
	}
}
