package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

type openapiDoc struct {
	OpenAPI string                                `json:"openapi"`
	Servers []struct{ URL string }                `json:"servers"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

var ginParam = regexp.MustCompile(`:([a-z_]+)`)

// TestOpenAPIMatchesRoutes keeps the document and the route table in step: every API route
// is documented and every documented operation is routed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc openapiDoc
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("openapi %q servers %v", doc.OpenAPI, doc.Servers)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
			var op struct {
				Responses  map[string]json.RawMessage  `json:"responses"`
				Parameters []struct{ Name, In string } `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			if op.Responses["default"] == nil {
				t.Errorf("%s %s: no default (error) response", method, path)
			}
			for _, m := range regexp.MustCompile(`\{([a-z_]+)\}`).FindAllStringSubmatch(path, -1) {
				found := false
				for _, p := range op.Parameters {
					found = found || (p.Name == m[1] && p.In == "path")
				}
				if !found {
					t.Errorf("%s %s: path parameter %s not described", method, path, m[1])
				}
			}
		}
	}
	routed := map[string]bool{}
	for _, r := range testHandler(t).engine.Routes() {
		path, ok := strings.CutPrefix(r.Path, "/api/v1")
		if !ok {
			continue // web pages
		}
		routed[r.Method+" "+ginParam.ReplaceAllString(path, "{$1}")] = true
	}
	for k := range routed {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if !routed[k] {
			t.Errorf("openapi.json documents %s, which is not routed", k)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	w := httptest.NewRecorder()
	testHandler(t).wrap().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if w.Code != 200 || !json.Valid(w.Body.Bytes()) {
		t.Errorf("GET openapi.json: %d", w.Code)
	}
}
