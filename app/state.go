package app

import "encoding/json"

// StateValue decodes one entry of a process's state (a JSON object in the read model).
func StateValue[T any](state map[string]any, key string) T {
	var v T
	if raw, ok := state[key]; ok && raw != nil {
		if b, err := json.Marshal(raw); err == nil {
			_ = json.Unmarshal(b, &v)
		}
	}
	return v
}
