package e2e

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace/noop"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"

	"termgoal/tracing"
)

// TestOneTraceFromHTTPToTheActivity: with tracing set up (an in-memory exporter here, OTLP in
// production), one action is one trace: the HTTP request's span, the Temporal update, the
// workflow's handling of it and the read-model write's activity; a refused request answers
// its trace id.
func TestOneTraceFromHTTPToTheActivity(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	shutdown := tracing.Install(sdktrace.NewSimpleSpanProcessor(exp), "termgoal-test")
	t.Cleanup(func() {
		_ = shutdown(context.Background())
		otel.SetTracerProvider(noop.NewTracerProvider())
	})
	tracer, err := tracing.Interceptor()
	if err != nil {
		t.Fatal(err)
	}
	s := startWith(t, options{client: func(o *client.Options) { o.Interceptors = []interceptor.ClientInterceptor{tracer} }})
	s.setup()
	p := s.toCommittee(t, village(nil))
	exp.Reset()
	s.act("mem1", p, "vote", map[string]any{"choice": "for"}, "traced-vote", 200)

	var root sdktrace.ReadOnlySpan
	for _, sp := range exp.GetSpans().Snapshots() {
		if sp.Name() == "POST /api/v1/processes/:id/actions/:action" {
			root = sp
		}
	}
	if root == nil {
		t.Fatalf("no span for the HTTP request among %d", len(exp.GetSpans()))
	}
	names := map[string]bool{}
	for _, sp := range exp.GetSpans().Snapshots() {
		if sp.SpanContext().TraceID() == root.SpanContext().TraceID() {
			names[sp.Name()] = true
		}
	}
	for _, want := range []string{"UpdateWorkflow:vote", "HandleUpdate:vote", "RunActivity:Apply"} {
		if !names[want] {
			t.Errorf("the action's trace has no %s span: %v", want, names)
		}
	}

	r := s.do("mem1", "POST", "/api/v1/processes/"+p+"/actions/vote", map[string]any{"choice": "maybe"}, "")
	if r.status < http.StatusBadRequest {
		t.Fatalf("a bad vote: %d", r.status)
	}
	req, _ := http.NewRequest("POST", s.srv.URL+"/api/v1/processes/"+p+"/actions/vote", nil)
	req.Header.Set("Authorization", "Bearer "+s.tokens["mem1"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode < 400 || len(res.Header.Get("X-Trace-ID")) != 32 {
		t.Errorf("a failed request: %d, trace id %q", res.StatusCode, res.Header.Get("X-Trace-ID"))
	}
}
