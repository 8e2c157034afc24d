package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"termgoal/app"
	"termgoal/demo"
)

// runChaos starts a fresh cluster under .data/chaos (make chaos) and runs chaos on it:
// --processes (300), --actions (1,000), --clients (20), --kills (10). It prints the counts and fails unless
// nothing was lost, doubled or stuck and the read model equals the workflows' state.
func runChaos(ctx context.Context, cfg config, _ *slog.Logger) error {
	flags := flag.NewFlagSet("chaos", flag.ContinueOnError)
	actions := flags.Int("actions", 1000, "how many actions to send")
	clients := flags.Int("clients", 20, "how many clients send them side by side")
	kills := flags.Int("kills", 10, "how many times to kill -9 a worker, a server or the Temporal server")
	processes := flags.Int("processes", 300, "how many goal settings to add to the demo's processes and act on")
	if err := flags.Parse(os.Args[2:]); err != nil {
		return err
	}
	cl, err := startDataCluster(ctx, cfg, "chaos", true)
	if err != nil {
		return err
	}
	defer cl.Stop()
	fmt.Printf("chaos: %d actions from %d clients through http://%s, %d kills; logs in %s\n", *actions, *clients, cl.Addr, *kills, cl.dir)
	counts, err := chaos(ctx, cl, *processes, *actions, *clients, *kills, os.Stdout)
	fmt.Println("chaos:", counts)
	if err != nil {
		return err
	}
	if !counts.ok() {
		return fmt.Errorf("chaos: something was lost, doubled or stuck")
	}
	return nil
}

// chaosCounts are what a chaos run reports. Every action is a comment with a text of its own
// and an Idempotency-Key of its own, sent again (same key) on 502 and 503 as the API advises.
type chaosCounts struct {
	Sent         int // actions sent at least once
	Acknowledged int // answered 200
	Applied      int // whose comment is in the audit log
	Doubled      int // whose comment is there more than once
	Lost         int // acknowledged but not in the audit log
	Stuck        int // processes that answer no new action within a minute after the run
	Differences  int // read model against workflow state (termgoal reconcile)
	Kills        int
	Processes    int // running processes acted on
}

func (c chaosCounts) String() string {
	return fmt.Sprintf("sent %d, acknowledged %d, applied %d, doubled %d, lost %d, stuck %d, differences %d (%d processes, %d kills)",
		c.Sent, c.Acknowledged, c.Applied, c.Doubled, c.Lost, c.Stuck, c.Differences, c.Processes, c.Kills)
}

// ok reports a run that lost, doubled and stuck nothing.
func (c chaosCounts) ok() bool {
	return c.Doubled == 0 && c.Lost == 0 && c.Stuck == 0 && c.Differences == 0 && c.Applied >= c.Acknowledged
}

// chaos adds processes goal settings (addProcesses), then drives actions actions through the
// cluster's proxy with clients clients, as the administrator commenting on the running
// processes in turn, while it kills -9 a worker, a
// server or the Temporal server kills times at random moments and starts each again; then it
// counts what was applied.
func chaos(ctx context.Context, cl *cluster, processes, actions, clients, kills int, log io.Writer) (chaosCounts, error) {
	var counts chaosCounts
	h := &chaosClient{base: "http://" + cl.Addr, http: &http.Client{Timeout: 30 * time.Second}, log: log}
	if err := h.signIn(ctx, "admin"); err != nil {
		return counts, err
	}
	if err := h.addProcesses(ctx, processes); err != nil {
		return counts, err
	}
	procs, err := h.runningProcesses(ctx)
	if err != nil {
		return counts, err
	}
	if len(procs) == 0 {
		return counts, fmt.Errorf("chaos: no running process to act on")
	}
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	acked := make([]bool, actions)
	var wg sync.WaitGroup
	next := make(chan int)
	for range clients {
		wg.Go(func() {
			for i := range next {
				acked[i] = h.comment(ctx, procs[i%len(procs)], fmt.Sprintf("chaos-%s-%d", run, i))
			}
		})
	}
	killer := make(chan error, 1)
	go func() { killer <- cl.killAtRandom(ctx, kills, time.Duration(actions)*40*time.Millisecond, log) }()
	for i := range actions {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := <-killer; err != nil {
		return counts, err
	}
	counts.Kills, counts.Sent, counts.Processes = kills, actions, len(procs)
	applied, err := appliedComments(ctx, cl.store.DB(), "chaos-"+run+"-")
	if err != nil {
		return counts, err
	}
	for i, ok := range acked {
		n := applied[fmt.Sprintf("chaos-%s-%d", run, i)]
		if ok {
			counts.Acknowledged++
		}
		switch {
		case n > 1:
			counts.Doubled++
		case n == 0 && ok:
			counts.Lost++
		}
		if n > 0 {
			counts.Applied++
		}
	}
	for _, p := range procs {
		if !h.comment(ctx, p, fmt.Sprintf("chaos-%s-after-%s", run, p)) {
			counts.Stuck++
		}
	}
	c, err := cl.client()
	if err != nil {
		return counts, err
	}
	defer c.Close()
	diffs, err := app.Reconcile(ctx, cl.store, c)
	for _, d := range diffs {
		fmt.Fprintln(log, "difference:", d)
	}
	counts.Differences = len(diffs)
	return counts, err
}

// chaosClient is the driver's side of the HTTP API.
type chaosClient struct {
	base  string
	http  *http.Client
	token string
	log   io.Writer
}

// call sends a JSON request and decodes a 200 answer into out; it returns the status (0: no
// answer).
func (h *chaosClient) call(ctx context.Context, method, path, key string, body, out any) int {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, rd)
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := h.http.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	if res.StatusCode/100 == 2 && out != nil {
		if json.NewDecoder(res.Body).Decode(out) != nil {
			return 0
		}
	}
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

func (h *chaosClient) signIn(ctx context.Context, user string) error {
	var tok struct{ Token string }
	if st := h.call(ctx, "POST", "/api/v1/auth/token", "", map[string]string{"username": user, "password": demo.Password}, &tok); st != http.StatusOK {
		return fmt.Errorf("chaos: sign in as %s: %d", user, st)
	}
	h.token = tok.Token
	return nil
}

// runningProcesses lists the IDs of the running processes, 200 a page.
func (h *chaosClient) runningProcesses(ctx context.Context) ([]string, error) {
	var ids []string
	for {
		var page struct {
			Items []struct{ ID string }
			Total int
		}
		if st := h.call(ctx, "GET", fmt.Sprintf("/api/v1/processes?status=running&limit=200&offset=%d", len(ids)), "", nil, &page); st != http.StatusOK {
			return nil, fmt.Errorf("chaos: list processes: %d", st)
		}
		for _, p := range page.Items {
			ids = append(ids, p.ID)
		}
		if len(page.Items) == 0 || len(ids) >= page.Total {
			return ids, nil
		}
	}
}

// addProcesses adds n villages, each with a term of its own, under a new town below the
// administrator's root org, and starts their goal settings with a campaign over the town; it
// returns once the running processes number at least n more than before.
func (h *chaosClient) addProcesses(ctx context.Context, n int) error {
	before, err := h.runningProcesses(ctx)
	if err != nil {
		return err
	}
	type org struct {
		ID       int64
		ParentID int64 `json:"parent_id"`
	}
	type template struct {
		ID      int64
		OrgType string `json:"org_type"`
	}
	var orgs struct{ Items []org }
	var tpls struct{ Items []template }
	if st := h.call(ctx, "GET", "/api/v1/orgs?limit=200", "", nil, &orgs); st != http.StatusOK {
		return fmt.Errorf("chaos: list orgs: %d", st)
	}
	if st := h.call(ctx, "GET", "/api/v1/templates?limit=200", "", nil, &tpls); st != http.StatusOK {
		return fmt.Errorf("chaos: list templates: %d", st)
	}
	root := slices.IndexFunc(orgs.Items, func(o org) bool { return o.ParentID == 0 })
	tpl := slices.IndexFunc(tpls.Items, func(t template) bool { return t.OrgType == "village_community" })
	if root < 0 || tpl < 0 {
		return fmt.Errorf("chaos: no root org or no template for villages")
	}
	var town struct{ ID int64 }
	if st := h.call(ctx, "POST", "/api/v1/orgs", "", map[string]any{"name": "混沌测试镇", "type": "other", "parent_id": orgs.Items[root].ID}, &town); st != http.StatusCreated {
		return fmt.Errorf("chaos: add the town: %d", st)
	}
	start := time.Now().UTC().Truncate(24 * time.Hour)
	for i := range n {
		var village struct{ ID int64 }
		if st := h.call(ctx, "POST", "/api/v1/orgs", "", map[string]any{"name": fmt.Sprintf("混沌村%04d", i+1), "type": "village_community", "parent_id": town.ID}, &village); st != http.StatusCreated {
			return fmt.Errorf("chaos: add a village: %d", st)
		}
		term := map[string]any{"org_id": village.ID, "holder_kind": "org", "appointment": "elected",
			"start": start, "end": start.AddDate(5, 0, -1), "template_id": tpls.Items[tpl].ID}
		if st := h.call(ctx, "POST", "/api/v1/terms", "", term, nil); st != http.StatusCreated {
			return fmt.Errorf("chaos: add a term: %d", st)
		}
	}
	if st := h.call(ctx, "POST", "/api/v1/campaigns", "", map[string]any{"name": "混沌测试", "org_id": town.ID, "kind": "goal_setting"}, nil); st != http.StatusCreated {
		return fmt.Errorf("chaos: start the campaign: %d", st)
	}
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(time.Second) {
		now, err := h.runningProcesses(ctx)
		if err != nil {
			return err
		}
		if len(now) >= len(before)+n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("chaos: the campaign started %d of %d goal settings in 3 minutes", len(now)-len(before), n)
		}
	}
}

// comment comments text on process under the key text until it is answered 200 (true) or
// anything but "try again" (502, 503, no answer), for at most three minutes.
func (h *chaosClient) comment(ctx context.Context, process, text string) bool {
	deadline := time.Now().Add(3 * time.Minute)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		switch st := h.call(ctx, "POST", "/api/v1/processes/"+process+"/actions/comment", text, map[string]string{"text": text}, nil); st {
		case http.StatusOK:
			return true
		case 0, http.StatusBadGateway, http.StatusServiceUnavailable:
		default:
			fmt.Fprintf(h.log, "chaos: %s on %s answered %d\n", text, process, st)
			return false
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(wait)
	}
}

// appliedComments counts the audit log's comments whose text starts with prefix, by text.
func appliedComments(ctx context.Context, db *sql.DB, prefix string) (map[string]int, error) {
	rows, err := db.QueryContext(ctx, `SELECT detail->>'text', count(*) FROM audit_log
		WHERE action = 'commented' AND starts_with(detail->>'text', $1) GROUP BY 1`, prefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := map[string]int{}
	for rows.Next() {
		var text string
		var count int
		if err := rows.Scan(&text, &count); err != nil {
			return nil, err
		}
		n[text] = count
	}
	return n, rows.Err()
}

// killAtRandom kills -9 a worker, a server or the Temporal server (in turn, each worker and
// server in turn too) kills times, at random moments spread over about span, and starts each
// again after a second or two.
func (cl *cluster) killAtRandom(ctx context.Context, kills int, span time.Duration, log io.Writer) error {
	for k := range kills {
		time.Sleep(upTo(span / time.Duration(kills)))
		name, kill, start := "the Temporal server", cl.Temporal.Kill, cl.RestartTemporal
		switch k % 3 {
		case 0:
			p := cl.Workers[k/3%len(cl.Workers)]
			name, kill, start = p.Name, p.Kill, p.Start
		case 1:
			p := cl.Servers[k/3%len(cl.Servers)]
			name, kill, start = p.Name, p.Kill, p.Start
		}
		fmt.Fprintln(log, "chaos: kill -9", name)
		kill()
		time.Sleep(time.Second + upTo(time.Second))
		if err := start(ctx); err != nil {
			return err
		}
	}
	return nil
}

// upTo is a random wait of at most d.
func upTo(d time.Duration) time.Duration {
	return time.Duration(rand.Int64N(int64(d) + 1)) // #nosec G404 -- when to kill, not a secret
}
