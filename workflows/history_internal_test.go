package workflows

import (
	"testing"

	"termgoal"
)

func TestHistoryRoom(t *testing.T) {
	for _, tc := range []struct {
		events, bytes int
		repeatable    bool
		full          bool
	}{
		{100, 1 << 20, true, false},
		{repeatableHistoryEvents - 1, repeatableHistoryBytes - 1, true, false},
		{repeatableHistoryEvents, 0, true, true},
		{0, repeatableHistoryBytes, true, true},
		{repeatableHistoryEvents, repeatableHistoryBytes, false, false}, // a decision still goes through
		{anyHistoryEvents, 0, false, true},
		{0, anyHistoryBytes, false, true},
	} {
		err := historyRoom(tc.events, tc.bytes, tc.repeatable)
		if full := termgoal.ErrorCode(err) == termgoal.ECONFLICT; full != tc.full {
			t.Errorf("%d events, %d bytes, repeatable %v: %v", tc.events, tc.bytes, tc.repeatable, err)
		}
	}
	for _, name := range []string{UpdateFileObjection, UpdateComment, UpdateUrge} {
		if !repeatable[name] {
			t.Errorf("%s is not bounded as repeatable", name)
		}
	}
	if repeatable[UpdateApprove] || repeatable[UpdateResolveObjection] {
		t.Error("a decision is bounded as repeatable")
	}
}
