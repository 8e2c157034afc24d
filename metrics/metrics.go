// Package metrics holds termgoal's Prometheus metrics (O3): one registry per process with the
// Go runtime's collectors, the series the HTTP server, the actions and the read-model writes
// update, and the read model's gauges (open and overdue tasks, campaign progress), computed from
// PostgreSQL when scraped. Handler serves them; the commands put it on its own listener
// (METRICS_ADDR), never on the public one.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"

	"termgoal/postgres"
)

// Action outcomes.
const (
	Applied = "applied" // the workflow applied it
	Refused = "refused" // a rule refused it (4xx)
	Unknown = "unknown" // no answer in time (503: retry with the same key)
	Failed  = "failed"  // an internal error (500)
)

// The names of termgoal's own series (dashboards and alert rules in deploy/ use no others).
const (
	HTTPDuration    = "termgoal_http_request_duration_seconds"
	ActionsTotal    = "termgoal_actions_total"
	WriteDuration   = "termgoal_read_model_write_seconds"
	TasksOpen       = "termgoal_tasks_open"
	TasksOverdue    = "termgoal_tasks_overdue"
	CampaignStarted = "termgoal_campaign_processes_started"
	ReadModelErrors = "termgoal_read_model_scrape_errors"
)

// SeriesNames lists every series name termgoal exports, the histograms' _bucket, _sum and
// _count included.
func SeriesNames() []string {
	var names []string
	for _, h := range []string{HTTPDuration, WriteDuration} {
		names = append(names, h+"_bucket", h+"_sum", h+"_count")
	}
	return append(names, ActionsTotal, TasksOpen, TasksOverdue, CampaignStarted, ReadModelErrors)
}

// Metrics are one process's series. A nil *Metrics records nothing.
type Metrics struct {
	registry *prometheus.Registry
	http     *prometheus.HistogramVec
	actions  *prometheus.CounterVec
	writes   prometheus.Histogram
}

// New registers the series; with a store it also reports the read model's gauges.
func New(s *postgres.Store) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		http: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: HTTPDuration, Help: "HTTP requests by route template, method and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "status"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: ActionsTotal, Help: "Actions on processes by name and outcome (applied, refused, unknown, failed).",
		}, []string{"action", "outcome"}),
		writes: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: WriteDuration, Help: "Time to write one workflow change to the read model.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
	}
	m.registry.MustRegister(m.http, m.actions, m.writes, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if s != nil {
		m.registry.MustRegister(&readModel{store: s})
	}
	return m
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// ObserveHTTP records one request.
func (m *Metrics) ObserveHTTP(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.http.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}

// CountAction records one action's outcome.
func (m *Metrics) CountAction(action, outcome string) {
	if m != nil {
		m.actions.WithLabelValues(action, outcome).Inc()
	}
}

// ObserveWrite records one read-model write.
func (m *Metrics) ObserveWrite(d time.Duration) {
	if m != nil {
		m.writes.Observe(d.Seconds())
	}
}

// readModel reports gauges computed from PostgreSQL at each scrape.
type readModel struct{ store *postgres.Store }

var (
	tasksOpen    = prometheus.NewDesc(TasksOpen, "Open tasks by the depth of their org in the tree (1: the root).", []string{"level"}, nil)
	tasksOverdue = prometheus.NewDesc(TasksOverdue, "Open tasks past their due date, by org depth.", []string{"level"}, nil)
	campaignDone = prometheus.NewDesc(CampaignStarted, "Processes a running campaign has started so far.", []string{"campaign", "kind"}, nil)
	scrapeErrors = prometheus.NewDesc(ReadModelErrors, "1 when the read model's gauges could not be read at this scrape.", nil, nil)
)

func (r *readModel) Describe(ch chan<- *prometheus.Desc) {
	ch <- tasksOpen
	ch <- tasksOverdue
	ch <- campaignDone
	ch <- scrapeErrors
}

func (r *readModel) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	failed := 0.0
	levels, err := r.store.TaskCountsByLevel(ctx)
	if err != nil {
		failed = 1
	}
	for _, l := range levels {
		ch <- prometheus.MustNewConstMetric(tasksOpen, prometheus.GaugeValue, float64(l.Open), l.Level)
		ch <- prometheus.MustNewConstMetric(tasksOverdue, prometheus.GaugeValue, float64(l.Overdue), l.Level)
	}
	camps, err := r.store.RunningCampaignProgress(ctx)
	if err != nil {
		failed = 1
	}
	for _, c := range camps {
		ch <- prometheus.MustNewConstMetric(campaignDone, prometheus.GaugeValue, float64(c.Started), c.ID, c.Kind)
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrors, prometheus.GaugeValue, failed)
}

// Temporal returns a handler for the Temporal SDK's own metrics (task latencies, pollers,
// schedule-to-start times, …), for the client's options: they are exported through this
// registry, named temporal_*. A failure to record one is logged, never fatal.
func (m *Metrics) Temporal(log *slog.Logger) (client.MetricsHandler, error) {
	exp, err := otelprom.New(otelprom.WithRegisterer(m.registry), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:   mp.Meter("temporal-sdk-go"),
		OnError: func(err error) { log.Warn("temporal metric", "err", err.Error()) },
	}), nil
}
