// Package tracing sets up OpenTelemetry tracing (O3). It is off unless
// OTEL_EXPORTER_OTLP_ENDPOINT is set; then every process sends its spans there by OTLP over
// HTTP, and one action is one trace from the HTTP request through the Temporal update, the
// workflow and its activities: the API's handler opens the request's span, and Temporal's
// OpenTelemetry interceptor, on the client that the API and the worker share, carries the
// context across Temporal.
package tracing

import (
	"context"
	"os"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// Setup installs the process's tracer provider, exporting by OTLP over HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the other OTEL_EXPORTER_OTLP_*
// settings itself), and nothing otherwise. shutdown flushes what is left.
func Setup(ctx context.Context, service string) (shutdown func(context.Context) error, err error) {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	return Install(sdktrace.NewBatchSpanProcessor(exp), service), nil
}

// Install makes a tracer provider that hands its spans to sp the global one, with W3C trace
// context propagation, and returns its shutdown. Tests install an in-memory exporter with it.
func Install(sp sdktrace.SpanProcessor, service string) func(context.Context) error {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sp),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(service))))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return tp.Shutdown
}

// Interceptor is Temporal's OpenTelemetry interceptor on the global tracer provider, for the
// client's options: the worker built on that client traces workflows and activities with it.
func Interceptor() (interceptor.ClientInterceptor, error) {
	return temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{})
}
