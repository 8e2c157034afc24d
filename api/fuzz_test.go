package api

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"termgoal/workflows"
)

// endsSignIns are the routes a fuzzed request must not reach: they end the fixture's own
// sessions and tokens, and every later request would then be anonymous.
var endsSignIns = []string{"/logout", "/auth/logout", "/sessions", "/disable", "/password", "/settings/sessions/end"}

// FuzzRoutes sends any body, content type, query and path value to any route, as the top
// administrator or anonymously: every JSON decoder, form parser and query reader behind them
// answers; nothing answers 5xx.
func FuzzRoutes(f *testing.F) {
	fx := newFixture(f)
	fx.h.setTemporal(&refusingTemporal{})
	routes := slices.DeleteFunc(fx.h.engine.Routes(), func(r gin.RouteInfo) bool {
		return slices.ContainsFunc(endsSignIns, func(s string) bool { return strings.HasSuffix(r.Path, s) })
	})
	slices.SortFunc(routes, func(a, b gin.RouteInfo) int { return strings.Compare(a.Method+a.Path, b.Method+b.Path) })
	for i := range routes {
		f.Add(uint16(i), "application/json", `{"name":"x","org_id":1,"items":[{"title":"t"}],"comment":"同意"}`, "limit=5&org_id=1", "1", false)
	}
	f.Add(uint16(0), "application/x-www-form-urlencoded", "action=approve&comment=%E5%90%8C%E6%84%8F&key=k", "page=2", "goalsetting-term-1", false)
	f.Add(uint16(1), "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--x--\r\n", "", "1", true)
	f.Fuzz(func(t *testing.T, route uint16, ctype, body, query, param string, anonymous bool) {
		rt := routes[int(route)%len(routes)]
		segs := strings.Split(rt.Path, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
				segs[i] = url.PathEscape(param)
			}
		}
		token := fx.rootTok
		if anonymous {
			token = ""
		}
		w := fx.send(rt.Method, strings.Join(segs, "/")+"?"+query, token, ctype, body)
		if w.Code >= 500 {
			t.Errorf("%s %s %q %q: %d %.300s", rt.Method, rt.Path, ctype, body, w.Code, w.Body.String())
		}
	})
}

// FuzzActions sends any body to every action of a process, as JSON to the API and as the task
// page's form: every action input's decoder and the forms' readers answer; nothing 5xx.
func FuzzActions(f *testing.F) {
	fx := newFixture(f)
	fx.h.setTemporal(&refusingTemporal{})
	p := fx.seedProcess("goalsetting-fuzz", fx.a1, "draft", "running", "2026-03-01", fx.accounts["holderA1"].ID)
	names := slices.Sorted(maps.Keys(workflows.Actions))
	for i := range names {
		f.Add(uint8(i), `{"comment":"同意","items":[{"title":"发展","weight":50,"targets":{"2026":"10"}}],"score":90,"grade":"excellent"}`, false)
		f.Add(uint8(i), "comment=%E5%90%8C%E6%84%8F&title_1=x&weight_1=50&score_1=90&key=k", true)
	}
	f.Fuzz(func(t *testing.T, action uint8, body string, form bool) {
		name := names[int(action)%len(names)]
		w := fx.send("POST", "/api/v1/processes/"+p.ID+"/actions/"+name, fx.a1Tok, "application/json", body)
		if form {
			w = fx.send("POST", "/tasks/"+p.ID+"-1/act", fx.a1Tok, "application/x-www-form-urlencoded", "action="+url.QueryEscape(name)+"&"+body)
		}
		if w.Code >= 500 {
			t.Errorf("%s %v %q: %d %.300s", name, form, body, w.Code, w.Body.String())
		}
	})
}
