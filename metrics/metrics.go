// Package metrics owns the service's Prometheus registry: the counters the
// channels' dispatchers, the inbound handling and the scheduler move as
// things happen, and the gauges read at scrape time (queue depths, open
// reports per stage, overdue reports per desk, the database pools, the
// channels' health). It is served on the admin listener only, never on the
// public web chat port.
//
// Labels are internal keys (channel, stage, desk code, job name): metrics
// are read by operators, not by citizens or officers.
package metrics

import (
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// HandledOutcomes are the outcomes of inbound handling counted under their
// own label value (flows.Handled.Outcome); any other is counted as "other".
var HandledOutcomes = []string{"handled", "refused", "noted", "ignored", "retried", "failed", "postponed", "other"}

// Channel is one channel's health, as the metrics see it.
type Channel struct {
	Name string
	// Health is nil while the channel works (nil func: always up).
	Health func() error
	// Version is the platform client's version ("" or nil: none shown),
	// e.g. the WhatsApp Web version the service speaks.
	Version func() string
}

// Options configures the metrics.
type Options struct {
	DB       *store.DB
	Channels []Channel
	Version  string // the service's build
	// QueryTimeout bounds each query of a scrape (default 2 s); a query
	// that does not answer in time leaves its gauges out of that scrape
	// and counts in lapor_metrics_query_failures_total.
	QueryTimeout time.Duration
	Now          func() time.Time
	Log          *slog.Logger
}

// Metrics is the registry and its collectors. Its methods are safe for
// concurrent use; the ones on the hot path (Handled, a Meter's) look up
// series bound at New and allocate nothing.
type Metrics struct {
	reg   *prometheus.Registry
	o     Options
	names []string

	channels map[string]*channelSeries // fixed at New: read without a lock

	handled      *prometheus.CounterVec
	handling     *prometheus.HistogramVec
	retries      *prometheus.CounterVec
	sent         *prometheus.CounterVec
	rateLimited  *prometheus.CounterVec
	blocked      *prometheus.CounterVec
	leader       prometheus.Gauge
	jobRuns      *prometheus.CounterVec
	jobDuration  *prometheus.HistogramVec
	queryFailure *prometheus.CounterVec

	mu sync.Mutex // guards lateChannels
	// lateChannels are series of channels not given at New, bound on first use.
	lateChannels map[string]*channelSeries
}

// channelSeries are one channel's series, bound once.
type channelSeries struct {
	handled       map[string]prometheus.Counter
	handling      prometheus.Observer
	inboxRetries  prometheus.Counter
	outboxRetries prometheus.Counter
	sent          [bot.NumDeliveries]prometheus.Counter
	rateLimited   [2]prometheus.Counter // chat, account
	blocked       prometheus.Counter
}

// New registers every metric of the service.
func New(o Options) *Metrics {
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = 2 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{reg: prometheus.NewRegistry(), o: o, channels: map[string]*channelSeries{}, lateChannels: map[string]*channelSeries{}}
	m.handled = m.counterVec("lapor_messages_handled_total",
		"Inbound messages handled, per channel and outcome (handled, refused, noted, retried, failed, postponed, ...).", "channel", "outcome")
	m.handling = m.histogramVec("lapor_message_handling_seconds",
		"Time to handle one inbound message: claim, conversation step, commit.", []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}, "channel")
	m.retries = m.counterVec("lapor_retries_total",
		"Messages tried again after a failure: inbound handling (queue=inbox) or delivery, including rate limits (queue=outbox).", "channel", "queue")
	m.sent = m.counterVec("lapor_messages_sent_total",
		"Outbox delivery attempts, per channel and outcome (sent, failed, blocked, retried, rate_limited).", "channel", "outcome")
	m.rateLimited = m.counterVec("lapor_rate_limited_total",
		"The platform's \"too many requests\" answers (HTTP 429 or its like), for one chat or the whole account.", "channel", "scope")
	m.blocked = m.counterVec("lapor_chats_blocked_total",
		"Chats found refusing the bot (the user blocked it, the chat is gone).", "channel")
	m.leader = m.gauge("lapor_scheduler_leader", "1 while this process leads the scheduler (runs the sweeps), else 0.")
	m.jobRuns = m.counterVec("lapor_scheduler_job_runs_total", "Runs of the scheduler's jobs, per job and outcome (ok, error).", "job", "outcome")
	m.jobDuration = m.histogramVec("lapor_scheduler_job_duration_seconds",
		"How long a scheduler job (the deadline sweep, reminders, ...) ran.", []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}, "job")
	m.queryFailure = m.counterVec("lapor_metrics_query_failures_total",
		"Queries of a scrape that failed or ran out of time (their gauges are left out of that scrape).", "query")
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.gauge("lapor_build_info", "Always 1; the label is the running build.", "version")
	for _, c := range o.Channels {
		m.channels[c.Name] = m.bind(c.Name)
	}
	m.reg.MustRegister(newScrape(m))
	return m
}

// Registry is the registry, for tests and other handlers.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Names are the names of every metric family the service defines (not the
// Go runtime's and the process's, which are standard).
func (m *Metrics) Names() []string {
	out := append([]string(nil), m.names...)
	sort.Strings(out)
	return out
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Timeout: 10 * time.Second})
}

func (m *Metrics) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(v)
	m.names = append(m.names, name)
	return v
}

func (m *Metrics) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	v := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	m.reg.MustRegister(v)
	m.names = append(m.names, name)
	return v
}

// gauge registers a gauge; with one label it is an info metric set to 1
// for the service's version.
func (m *Metrics) gauge(name, help string, label ...string) prometheus.Gauge {
	if len(label) > 0 {
		v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, label)
		m.reg.MustRegister(v)
		m.names = append(m.names, name)
		g := v.WithLabelValues(m.o.Version)
		g.Set(1)
		return g
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	m.reg.MustRegister(g)
	m.names = append(m.names, name)
	return g
}

// desc is a scrape-time metric's description, its name recorded.
func (m *Metrics) desc(name, help string, labels ...string) *prometheus.Desc {
	m.names = append(m.names, name)
	return prometheus.NewDesc(name, help, labels, nil)
}

// bind makes one channel's series, so that they exist (at 0) from the
// start and the hot path finds them without building labels.
func (m *Metrics) bind(channel string) *channelSeries {
	s := &channelSeries{handled: map[string]prometheus.Counter{}}
	for _, o := range HandledOutcomes {
		s.handled[o] = m.handled.WithLabelValues(channel, o)
	}
	s.handling = m.handling.WithLabelValues(channel)
	s.inboxRetries = m.retries.WithLabelValues(channel, "inbox")
	s.outboxRetries = m.retries.WithLabelValues(channel, "outbox")
	for k := range bot.NumDeliveries {
		s.sent[k] = m.sent.WithLabelValues(channel, k.String())
	}
	s.rateLimited[0] = m.rateLimited.WithLabelValues(channel, "chat")
	s.rateLimited[1] = m.rateLimited.WithLabelValues(channel, "account")
	s.blocked = m.blocked.WithLabelValues(channel)
	return s
}

// series are channel's series: bound at New, or on first use for a
// channel not given then.
func (m *Metrics) series(channel string) *channelSeries {
	if s, ok := m.channels[channel]; ok {
		return s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.lateChannels[channel]
	if !ok {
		s = m.bind(channel)
		m.lateChannels[channel] = s
	}
	return s
}

// Handled counts one inbound message's handling (flows.Config.OnHandled).
func (m *Metrics) Handled(h flows.Handled) {
	s := m.series(h.Channel)
	c, ok := s.handled[h.Outcome]
	if !ok {
		c = s.handled["other"]
	}
	c.Inc()
	s.handling.Observe(h.Took.Seconds())
	if h.Outcome == "retried" {
		s.inboxRetries.Inc()
	}
}

// Meter is what channel's dispatcher counts its deliveries with.
func (m *Metrics) Meter(channel string) bot.Meter { return meter{m.series(channel)} }

type meter struct{ s *channelSeries }

func (t meter) Delivery(k bot.Delivery) {
	if k < 0 || k >= bot.NumDeliveries {
		return
	}
	t.s.sent[k].Inc()
	switch k {
	case bot.DeliveryRetried, bot.DeliveryRateLimited:
		t.s.outboxRetries.Inc()
	case bot.DeliveryBlocked:
		t.s.blocked.Inc()
	}
}

func (t meter) RateLimited(account bool) {
	if account {
		t.s.rateLimited[1].Inc()
	} else {
		t.s.rateLimited[0].Inc()
	}
}

// Leading records the scheduler's leadership (scheduler.Scheduler.Leading).
func (m *Metrics) Leading(leads bool) {
	if leads {
		m.leader.Set(1)
	} else {
		m.leader.Set(0)
	}
}

// Ran records one run of a scheduler job (scheduler.Scheduler.Ran).
func (m *Metrics) Ran(job string, took time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.jobRuns.WithLabelValues(job, outcome).Inc()
	m.jobDuration.WithLabelValues(job).Observe(took.Seconds())
}

// errTimeout marks a query that ran out of its time.
var errTimeout = errors.New("metrics: query timed out")
