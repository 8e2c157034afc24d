// Package deploy_test validates deploy/ offline: no container engine or cluster is needed (or
// available on the build machines), so the files are loaded by the libraries the tools use and
// checked against the binary they run.
package deploy_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"termgoal/metrics"
	"termgoal/workflows"

	"github.com/compose-spec/compose-go/v2/loader"
	composetypes "github.com/compose-spec/compose-go/v2/types"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// binary is what `termgoal help` and `termgoal env` say the binary has.
type binary struct {
	commands, variables []string
}

var (
	binOnce sync.Once
	bin     binary
	binErr  error
)

// termgoal builds the binary once and asks it for its commands and variables.
func termgoal(t *testing.T) binary {
	t.Helper()
	binOnce.Do(func() {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("termgoal-deploy-test-%d", os.Getpid()))
		defer os.Remove(path)
		if out, err := exec.Command("go", "build", "-o", path, "../cmd/termgoal").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		help, err := exec.Command(path, "help").Output()
		if err != nil {
			binErr = fmt.Errorf("termgoal help: %w", err)
			return
		}
		inList := false
		for line := range strings.Lines(string(help)) {
			switch {
			case strings.HasPrefix(line, "commands:"):
				inList = true
			case inList && strings.HasPrefix(line, "  "):
				bin.commands = append(bin.commands, strings.Fields(line)[0])
			default:
				inList = false
			}
		}
		env, err := exec.Command(path, "env").Output()
		if err != nil {
			binErr = fmt.Errorf("termgoal env: %w", err)
			return
		}
		for line := range strings.Lines(string(env)) {
			name, _, _ := strings.Cut(line, "\t")
			bin.variables = append(bin.variables, name)
		}
		if len(bin.commands) < 5 || len(bin.variables) < 5 {
			binErr = fmt.Errorf("the binary lists commands %v and variables %v", bin.commands, bin.variables)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return bin
}

// checkRun reports a command the binary lacks and variables it does not read.
func (b binary) checkRun(where string, command []string, env []string) []error {
	var errs []error
	if len(command) == 0 || !slices.Contains(b.commands, command[0]) {
		errs = append(errs, fmt.Errorf("%s runs termgoal %v: not a command of the binary (%v)", where, command, b.commands))
	}
	for _, name := range env {
		if !slices.Contains(b.variables, name) {
			errs = append(errs, fmt.Errorf("%s sets %s, which termgoal does not read", where, name))
		}
	}
	return errs
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDockerfile(t *testing.T) {
	if errs := checkDockerfile(termgoal(t), read(t, "Dockerfile")); len(errs) > 0 {
		t.Error(errors.Join(errs...))
	}
}

var (
	dockerFrom = regexp.MustCompile(`(?m)^FROM\s+(\S+)`)
	dockerLine = regexp.MustCompile(`(?m)^(ENTRYPOINT|CMD|USER|COPY)\s+(.*)$`)
)

// checkDockerfile: the last stage is distroless nonroot, holds only the binary, runs it as
// nonroot, and its default command is one of the binary's.
func checkDockerfile(b binary, file []byte) []error {
	var errs []error
	froms := dockerFrom.FindAllSubmatch(file, -1)
	if len(froms) < 2 || !strings.HasPrefix(string(froms[len(froms)-1][1]), "gcr.io/distroless/static") ||
		!strings.HasSuffix(string(froms[len(froms)-1][1]), ":nonroot") {
		errs = append(errs, errors.New("Dockerfile: the last stage must be distroless static nonroot, after a build stage"))
	}
	last := file[bytes.LastIndex(file, []byte("\nFROM ")):]
	var entry, cmd []string
	copies := 0
	for _, m := range dockerLine.FindAllSubmatch(last, -1) {
		arg := string(m[2])
		switch string(m[1]) {
		case "ENTRYPOINT", "CMD":
			var list []string
			if err := yaml.Unmarshal([]byte(arg), &list); err != nil {
				errs = append(errs, fmt.Errorf("Dockerfile: %s %s is not an exec-form list", m[1], arg))
			}
			if string(m[1]) == "ENTRYPOINT" {
				entry = list
			} else {
				cmd = list
			}
		case "USER":
			if !strings.HasPrefix(arg, "nonroot") {
				errs = append(errs, fmt.Errorf("Dockerfile: USER %s, want nonroot", arg))
			}
		case "COPY":
			copies++
			if !strings.HasSuffix(strings.TrimSpace(arg), " /termgoal") {
				errs = append(errs, fmt.Errorf("Dockerfile: the image gets more than the binary: COPY %s", arg))
			}
		}
	}
	if !slices.Equal(entry, []string{"/termgoal"}) || copies != 1 {
		errs = append(errs, fmt.Errorf("Dockerfile: the entrypoint %v must be the one binary copied to /termgoal", entry))
	}
	return append(errs, b.checkRun("Dockerfile CMD", cmd, nil)...)
}

func TestCompose(t *testing.T) {
	b := termgoal(t)
	if errs := checkCompose(b, read(t, "compose.yaml"), composeEnv); len(errs) > 0 {
		t.Error(errors.Join(errs...))
	}
	// The database password and the payload keys are required, never defaulted.
	for _, name := range []string{"POSTGRES_PASSWORD", "TEMPORAL_PAYLOAD_KEYS"} {
		env := maps.Clone(composeEnv)
		delete(env, name)
		if errs := checkCompose(b, read(t, "compose.yaml"), env); len(errs) == 0 || !strings.Contains(errors.Join(errs...).Error(), name) {
			t.Errorf("compose.yaml loads without %s: %v", name, errs)
		}
	}
}

// composeEnv is the environment compose.yaml needs.
var composeEnv = map[string]string{"POSTGRES_PASSWORD": "secret", "TEMPORAL_PAYLOAD_KEYS": "k:AAAA"}

// composeServices are the services the compose file must have.
var composeServices = []string{"postgres", "temporal-schema", "temporal", "temporal-search-attributes", "temporal-ui", "migrate", "worker", "serve"}

// checkCompose loads the compose file as docker compose does (compose-go, with its schema
// validation), then checks the services and what termgoal's run.
func checkCompose(b binary, file []byte, env map[string]string) []error {
	project, err := loader.LoadWithContext(context.Background(), composetypes.ConfigDetails{
		WorkingDir:  ".",
		ConfigFiles: []composetypes.ConfigFile{{Filename: "compose.yaml", Content: file}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("termgoal", true) })
	if err != nil {
		return []error{fmt.Errorf("compose.yaml: %w", err)}
	}
	var errs []error
	for _, name := range composeServices {
		if _, ok := project.Services[name]; !ok {
			errs = append(errs, fmt.Errorf("compose.yaml: no service %s", name))
		}
	}
	for name, s := range project.Services {
		if !strings.HasPrefix(s.Image, "termgoal:") {
			continue
		}
		var vars []string
		for k := range s.Environment {
			vars = append(vars, k)
		}
		errs = append(errs, b.checkRun("compose.yaml service "+name, s.Command, vars)...)
	}
	if m := project.Services["migrate"]; m.Build == nil || m.Build.Dockerfile != "deploy/Dockerfile" {
		errs = append(errs, errors.New("compose.yaml: migrate must build the image from deploy/Dockerfile"))
	}
	// The worker starts once every search attribute the workflows set is registered.
	sa := project.Services["temporal-search-attributes"]
	for _, attr := range workflows.SearchAttributes {
		if !strings.Contains(strings.Join(sa.Command, " "), attr) {
			errs = append(errs, fmt.Errorf("compose.yaml: temporal-search-attributes does not create %s", attr))
		}
	}
	if dep, ok := project.Services["worker"].DependsOn["temporal-search-attributes"]; !ok || dep.Condition != composetypes.ServiceConditionCompletedSuccessfully {
		errs = append(errs, errors.New("compose.yaml: the worker must wait for the search attributes"))
	}
	for _, name := range []string{"worker", "serve"} {
		if dep, ok := project.Services[name].DependsOn["migrate"]; !ok || dep.Condition != composetypes.ServiceConditionCompletedSuccessfully {
			errs = append(errs, fmt.Errorf("compose.yaml: %s must wait for migrate to complete", name))
		}
	}
	return errs
}

func TestKubernetes(t *testing.T) {
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	docs := map[string][]byte{}
	for _, f := range files {
		docs[f] = read(t, f)
	}
	if errs := checkKubernetes(termgoal(t), docs); len(errs) > 0 {
		t.Error(errors.Join(errs...))
	}
}

// kinds are the objects deploy/k8s may hold, by apiVersion and kind.
var kinds = map[string]func() any{
	"v1/ConfigMap":                           func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                              func() any { return &corev1.Secret{} },
	"v1/Service":                             func() any { return &corev1.Service{} },
	"apps/v1/Deployment":                     func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                           func() any { return &batchv1.Job{} },
	"policy/v1/PodDisruptionBudget":          func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler": func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
}

// splitYAML splits a multi-document file on its "---" lines.
func splitYAML(b []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "---" {
			docs, cur = append(docs, bytes.Clone(cur.Bytes())), bytes.Buffer{}
			continue
		}
		cur.WriteString(sc.Text() + "\n")
	}
	return append(docs, cur.Bytes())
}

// checkKubernetes decodes every manifest strictly into its k8s.io/api type (an unknown or
// misspelt field fails), then checks that the objects fit together and run the binary as it
// is: commands, variables (set directly or through the ConfigMap), probes on /healthz and
// /readyz at the ports the ConfigMap gives, selectors that select, targets that exist.
func checkKubernetes(b binary, files map[string][]byte) []error {
	var errs []error
	var objects []any
	for name, file := range files {
		for i, doc := range splitYAML(file) {
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				errs = append(errs, fmt.Errorf("%s #%d: %w", name, i+1, err))
				continue
			}
			newObj, ok := kinds[tm.APIVersion+"/"+tm.Kind]
			if !ok {
				errs = append(errs, fmt.Errorf("%s #%d: unexpected %s %s", name, i+1, tm.APIVersion, tm.Kind))
				continue
			}
			obj := newObj()
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				errs = append(errs, fmt.Errorf("%s #%d (%s): %w", name, i+1, tm.Kind, err))
				continue
			}
			objects = append(objects, obj)
		}
	}
	configMaps := map[string]*corev1.ConfigMap{}
	deployments := map[string]*appsv1.Deployment{}
	var pods []labels.Set
	for _, o := range objects {
		switch o := o.(type) {
		case *corev1.ConfigMap:
			configMaps[o.Name] = o
		case *appsv1.Deployment:
			deployments[o.Name] = o
			pods = append(pods, o.Spec.Template.Labels)
		}
	}
	selects := func(sel *metav1.LabelSelector) bool {
		s, err := metav1.LabelSelectorAsSelector(sel)
		return err == nil && !s.Empty() && slices.ContainsFunc(pods, func(l labels.Set) bool { return s.Matches(l) })
	}
	for _, o := range objects {
		switch o := o.(type) {
		case *appsv1.Deployment:
			where := "Deployment " + o.Name
			if !selects(o.Spec.Selector) || !labels.SelectorFromSet(o.Spec.Selector.MatchLabels).Matches(labels.Set(o.Spec.Template.Labels)) {
				errs = append(errs, fmt.Errorf("%s: its selector does not select its pods", where))
			}
			errs = append(errs, checkPod(b, where, o.Spec.Template.Spec, configMaps, true)...)
		case *batchv1.Job:
			errs = append(errs, checkPod(b, "Job "+o.Name, o.Spec.Template.Spec, configMaps, false)...)
		case *corev1.Service:
			if !selects(&metav1.LabelSelector{MatchLabels: o.Spec.Selector}) {
				errs = append(errs, fmt.Errorf("Service %s selects no pods", o.Name))
			}
		case *policyv1.PodDisruptionBudget:
			if !selects(o.Spec.Selector) {
				errs = append(errs, fmt.Errorf("PodDisruptionBudget %s selects no pods", o.Name))
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			if ref := o.Spec.ScaleTargetRef; ref.Kind != "Deployment" || deployments[ref.Name] == nil {
				errs = append(errs, fmt.Errorf("HorizontalPodAutoscaler %s scales %s %s, which is not here", o.Name, ref.Kind, ref.Name))
			}
		}
	}
	for _, want := range []string{"termgoal-serve", "termgoal-worker"} {
		if deployments[want] == nil {
			errs = append(errs, fmt.Errorf("no Deployment %s", want))
		}
	}
	return errs
}

// checkPod checks the termgoal containers of a pod: the command, every variable, the secrets
// referred to rather than written, and for a long-running process its probes.
func checkPod(b binary, where string, spec corev1.PodSpec, configMaps map[string]*corev1.ConfigMap, probes bool) []error {
	var errs []error
	if len(spec.Containers) == 0 {
		return []error{fmt.Errorf("%s has no container", where)}
	}
	for _, c := range spec.Containers {
		where := where + " container " + c.Name
		var vars []string
		cfg := map[string]string{}
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef == nil || configMaps[from.ConfigMapRef.Name] == nil {
				errs = append(errs, fmt.Errorf("%s: envFrom names no ConfigMap of deploy/k8s", where))
				continue
			}
			for k, v := range configMaps[from.ConfigMapRef.Name].Data {
				vars, cfg[k] = append(vars, k), v
			}
		}
		for _, e := range c.Env {
			vars = append(vars, e.Name)
			if (e.Name == "DATABASE_URL" || strings.HasSuffix(e.Name, "PASSWORD") || strings.HasSuffix(e.Name, "SECRET") || strings.HasSuffix(e.Name, "KEYS")) && (e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
				errs = append(errs, fmt.Errorf("%s: %s must come from a Secret", where, e.Name))
			}
		}
		errs = append(errs, b.checkRun(where, append(c.Command, c.Args...), vars)...)
		if !slices.Contains(vars, "DATABASE_URL") {
			errs = append(errs, fmt.Errorf("%s: no DATABASE_URL", where))
		}
		// Whatever dials Temporal seals its payloads: without the key ring it does not start.
		if run := append(c.Command, c.Args...); len(run) > 0 && run[0] != "migrate" && !slices.Contains(vars, "TEMPORAL_PAYLOAD_KEYS") {
			errs = append(errs, fmt.Errorf("%s: no TEMPORAL_PAYLOAD_KEYS", where))
		}
		if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			errs = append(errs, fmt.Errorf("%s: must run with a read-only root and no privilege escalation", where))
		}
		if !probes {
			continue
		}
		addr := cfg["HTTP_ADDR"]
		if len(c.Args) > 0 && c.Args[0] == "worker" {
			addr = cfg["WORKER_HEALTH_ADDR"]
		}
		for probe, path := range map[*corev1.Probe]string{c.ReadinessProbe: "/readyz", c.LivenessProbe: "/healthz"} {
			if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Path != path {
				errs = append(errs, fmt.Errorf("%s: needs an HTTP probe on %s", where, path))
				continue
			}
			port := probe.HTTPGet.Port.String()
			for _, p := range c.Ports {
				if p.Name == port {
					port = fmt.Sprint(p.ContainerPort)
				}
			}
			if !strings.HasSuffix(addr, ":"+port) || !strings.HasPrefix(addr, "0.0.0.0:") {
				errs = append(errs, fmt.Errorf("%s: probes port %s, but the process listens on %q", where, port, addr))
			}
		}
	}
	return errs
}

func TestHelmValues(t *testing.T) {
	if errs := checkHelmValues(read(t, "helm/temporal-values.yaml")); len(errs) > 0 {
		t.Error(errors.Join(errs...))
	}
}

// checkHelmValues: the Temporal chart's values put both stores on PostgreSQL with the password
// from a secret, and turn off the chart's own databases.
func checkHelmValues(file []byte) []error {
	var v map[string]any
	if err := yaml.Unmarshal(file, &v); err != nil {
		return []error{fmt.Errorf("helm values: %w", err)}
	}
	get := func(path string) any {
		var cur any = v
		for key := range strings.SplitSeq(path, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = m[key]
		}
		return cur
	}
	var errs []error
	for path, want := range map[string]any{
		"server.config.persistence.default.driver":                "sql",
		"server.config.persistence.default.sql.driver":            "postgres12",
		"server.config.persistence.default.sql.existingSecret":    "temporal-postgres",
		"server.config.persistence.visibility.driver":             "sql",
		"server.config.persistence.visibility.sql.driver":         "postgres12",
		"server.config.persistence.visibility.sql.existingSecret": "temporal-postgres",
		"cassandra.enabled":     false,
		"mysql.enabled":         false,
		"postgresql.enabled":    false,
		"elasticsearch.enabled": false,
		"schema.setup.enabled":  true,
		"schema.update.enabled": true,
		"web.enabled":           true,
	} {
		if got := get(path); got != want {
			errs = append(errs, fmt.Errorf("helm values: %s = %v, want %v", path, got, want))
		}
	}
	return errs
}

// TestBrokenCopiesFail shows that each check fails on a broken copy of a good file.
func TestBrokenCopiesFail(t *testing.T) {
	b := termgoal(t)
	env := composeEnv
	serve, worker, cm := read(t, "k8s/serve.yaml"), read(t, "k8s/worker.yaml"), read(t, "k8s/configmap.yaml")
	k8s := func(edit func(serve, worker, cm []byte) ([]byte, []byte, []byte)) []error {
		s, w, c := edit(bytes.Clone(serve), bytes.Clone(worker), bytes.Clone(cm))
		return checkKubernetes(b, map[string][]byte{"serve.yaml": s, "worker.yaml": w, "configmap.yaml": c})
	}
	replace := func(b []byte, old, new string) []byte {
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("the good file has no %q", old)
		}
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}
	for name, errs := range map[string][]error{
		"a misspelt field": k8s(func(s, w, c []byte) ([]byte, []byte, []byte) {
			return replace(s, "  replicas: 2", "  replica: 2"), w, c
		}),
		"an unknown command": k8s(func(s, w, c []byte) ([]byte, []byte, []byte) {
			return replace(s, `args: ["serve"]`, `args: ["server"]`), w, c
		}),
		"a variable the binary does not read": k8s(func(s, w, c []byte) ([]byte, []byte, []byte) {
			return s, w, replace(c, "  HTTP_ADDR:", "  HTTP_ADDRESS:")
		}),
		"a probe on the wrong port": k8s(func(s, w, c []byte) ([]byte, []byte, []byte) {
			return s, w, replace(c, "WORKER_HEALTH_ADDR: 0.0.0.0:8081", "WORKER_HEALTH_ADDR: 0.0.0.0:9000")
		}),
		"a password in plain text": k8s(func(s, w, c []byte) ([]byte, []byte, []byte) {
			return s, replace(w, "            - name: SMTP_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: termgoal-smtp\n                  key: password\n                  optional: true",
				"            - name: SMTP_PASSWORD\n              value: hunter2"), c
		}),
		"payload keys in plain text": k8s(func(s, w, c []byte) ([]byte, []byte, []byte) {
			return s, replace(w, "            - name: TEMPORAL_PAYLOAD_KEYS\n              valueFrom:\n                secretKeyRef:\n                  name: termgoal\n                  key: payload-keys",
				"            - name: TEMPORAL_PAYLOAD_KEYS\n              value: k:AAAA"), c
		}),
		"a worker without payload keys": k8s(func(s, w, c []byte) ([]byte, []byte, []byte) {
			return s, replace(w, "            - name: TEMPORAL_PAYLOAD_KEYS\n              valueFrom:\n                secretKeyRef:\n                  name: termgoal\n                  key: payload-keys\n", ""), c
		}),
		"an autoscaler of nothing": k8s(func(s, w, c []byte) ([]byte, []byte, []byte) {
			return replace(s, "    name: termgoal-serve\n  minReplicas", "    name: termgoal-web\n  minReplicas"), w, c
		}),
		"compose: an unknown command": checkCompose(b, replace(read(t, "compose.yaml"), `command: ["worker"]`, `command: ["work"]`), env),
		"compose: an invalid key":     checkCompose(b, replace(read(t, "compose.yaml"), "    restart: unless-stopped", "    restarts: unless-stopped"), env),
		"compose: an unknown variable": checkCompose(b, replace(read(t, "compose.yaml"), "      WORKER_HEALTH_ADDR: 0.0.0.0:8081",
			"      WORKER_HEALTH: 0.0.0.0:8081"), env),
		"Dockerfile: a root image":       checkDockerfile(b, replace(read(t, "Dockerfile"), "static-debian12:nonroot", "static-debian12")),
		"Dockerfile: a shell entrypoint": checkDockerfile(b, replace(read(t, "Dockerfile"), `ENTRYPOINT ["/termgoal"]`, `ENTRYPOINT /termgoal`)),
		"helm: the chart's own database": checkHelmValues(replace(read(t, "helm/temporal-values.yaml"), "postgresql:\n  enabled: false", "postgresql:\n  enabled: true")),
	} {
		if len(errs) == 0 {
			t.Errorf("%s: the check passes", name)
		}
		t.Logf("%s: %v", name, errors.Join(errs...))
	}
}

// alertRules is the Prometheus rule file's shape, decoded strictly.
type alertRules struct {
	Groups []struct {
		Name  string `json:"name"`
		Rules []struct {
			Alert       string            `json:"alert"`
			Expr        string            `json:"expr"`
			For         string            `json:"for,omitempty"`
			Labels      map[string]string `json:"labels,omitempty"`
			Annotations map[string]string `json:"annotations,omitempty"`
		} `json:"rules"`
	} `json:"groups"`
}

// grafanaDashboard is the part of Grafana's dashboard model the test reads.
type grafanaDashboard struct {
	Title  string `json:"title"`
	UID    string `json:"uid"`
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

var seriesName = regexp.MustCompile(`\btermgoal_[a-z_]+`)

// checkExprs reports a PromQL expression that uses a termgoal series the binary does not
// export, or none at all, or brackets that do not pair.
func checkExprs(where string, exprs []string) []error {
	var errs []error
	for _, e := range exprs {
		names := seriesName.FindAllString(e, -1)
		if len(names) == 0 {
			errs = append(errs, fmt.Errorf("%s: %q uses no termgoal series", where, e))
		}
		for _, n := range names {
			if !slices.Contains(metrics.SeriesNames(), n) {
				errs = append(errs, fmt.Errorf("%s: %q uses %s, which termgoal does not export", where, e, n))
			}
		}
		for _, pair := range []string{"()", "[]", "{}"} {
			if strings.Count(e, pair[:1]) != strings.Count(e, pair[1:]) {
				errs = append(errs, fmt.Errorf("%s: %q has unpaired %s", where, e, pair))
			}
		}
	}
	return errs
}

func checkAlerts(file []byte) []error {
	var r alertRules
	if err := yaml.UnmarshalStrict(file, &r); err != nil {
		return []error{fmt.Errorf("alerts.yaml: %w", err)}
	}
	var errs []error
	var exprs []string
	for _, g := range r.Groups {
		for _, rule := range g.Rules {
			if rule.Alert == "" || rule.Labels["severity"] == "" || rule.Annotations["summary"] == "" {
				errs = append(errs, fmt.Errorf("alerts.yaml: rule %q needs a name, a severity and a summary", rule.Alert))
			}
			exprs = append(exprs, rule.Expr)
		}
	}
	if len(exprs) < 3 {
		errs = append(errs, fmt.Errorf("alerts.yaml: %d rules", len(exprs)))
	}
	return append(errs, checkExprs("alerts.yaml", exprs)...)
}

func checkDashboard(file []byte) []error {
	var d grafanaDashboard
	if err := json.Unmarshal(file, &d); err != nil {
		return []error{fmt.Errorf("grafana-dashboard.json: %w", err)}
	}
	var exprs []string
	for _, p := range d.Panels {
		for _, t := range p.Targets {
			exprs = append(exprs, t.Expr)
		}
	}
	if d.UID == "" || len(exprs) < 5 {
		return []error{fmt.Errorf("grafana-dashboard.json: uid %q, %d queries", d.UID, len(exprs))}
	}
	return checkExprs("grafana-dashboard.json", exprs)
}

func TestMonitoring(t *testing.T) {
	errs := append(checkAlerts(read(t, "monitoring/alerts.yaml")), checkDashboard(read(t, "monitoring/grafana-dashboard.json"))...)
	if len(errs) > 0 {
		t.Error(errors.Join(errs...))
	}
	for name, errs := range map[string][]error{
		"an alert on a series that does not exist": checkAlerts(bytes.Replace(read(t, "monitoring/alerts.yaml"),
			[]byte("termgoal_tasks_overdue)"), []byte("termgoal_tasks_late)"), 1)),
		"a misspelt rule field": checkAlerts(bytes.Replace(read(t, "monitoring/alerts.yaml"), []byte("    for: 10m"), []byte("    fore: 10m"), 1)),
		"a panel on a series that does not exist": checkDashboard(bytes.Replace(read(t, "monitoring/grafana-dashboard.json"),
			[]byte("termgoal_actions_total"), []byte("termgoal_action_total"), 1)),
	} {
		if len(errs) == 0 {
			t.Errorf("%s: the check passes", name)
		}
	}
}
