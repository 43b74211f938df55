package metrics

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/store"
)

// scrape is the collector of what is read when Prometheus asks: the
// queues, the reports, the pools and the channels' health. Reading them
// then, with one bounded query each, costs nothing between scrapes and is
// never stale; polling would cost the database all the time.
type scrape struct {
	m *Metrics

	inboxWaiting, inboxAge, outboxWaiting, outboxAge *prometheus.Desc
	openReports, overdue                             *prometheus.Desc
	poolAcquired, poolIdle, poolTotal, poolMax       *prometheus.Desc
	poolAcquires, poolEmptyAcquires, poolWait        *prometheus.Desc
	channelUp, channelVersion                        *prometheus.Desc
}

func newScrape(m *Metrics) *scrape {
	return &scrape{m: m,
		inboxWaiting:      m.desc("lapor_inbox_waiting", "Received messages not yet handled, per channel.", "channel"),
		inboxAge:          m.desc("lapor_inbox_oldest_age_seconds", "Age of the oldest received message not yet handled (0: none waits).", "channel"),
		outboxWaiting:     m.desc("lapor_outbox_waiting", "Messages to send neither sent nor failed yet, per channel.", "channel"),
		outboxAge:         m.desc("lapor_outbox_oldest_age_seconds", "Age of the oldest message not yet sent (0: none waits).", "channel"),
		openReports:       m.desc("lapor_reports_open", "Reports not closed or archived, per stage.", "stage"),
		overdue:           m.desc("lapor_reports_overdue", "Reports past their stage's deadline, per desk (responsible unit).", "desk"),
		poolAcquired:      m.desc("lapor_db_pool_acquired_connections", "Database connections in use.", "pool"),
		poolIdle:          m.desc("lapor_db_pool_idle_connections", "Database connections idle.", "pool"),
		poolTotal:         m.desc("lapor_db_pool_total_connections", "Database connections open.", "pool"),
		poolMax:           m.desc("lapor_db_pool_max_connections", "Most connections the pool may open.", "pool"),
		poolAcquires:      m.desc("lapor_db_pool_acquires_total", "Connections handed out by the pool.", "pool"),
		poolEmptyAcquires: m.desc("lapor_db_pool_empty_acquires_total", "Connections asked for while none was idle (waited or dialled).", "pool"),
		poolWait:          m.desc("lapor_db_pool_acquire_wait_seconds_total", "Time spent waiting for a database connection.", "pool"),
		channelUp:         m.desc("lapor_channel_up", "1 while the channel works (connected, logged in), else 0.", "channel"),
		channelVersion:    m.desc("lapor_channel_version_info", "Always 1; the label is the platform client's version (the WhatsApp Web version).", "channel", "version"),
	}
}

func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{s.inboxWaiting, s.inboxAge, s.outboxWaiting, s.outboxAge, s.openReports, s.overdue,
		s.poolAcquired, s.poolIdle, s.poolTotal, s.poolMax, s.poolAcquires, s.poolEmptyAcquires, s.poolWait,
		s.channelUp, s.channelVersion} {
		ch <- d
	}
}

func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	m := s.m
	now := m.o.Now()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	for _, c := range m.o.Channels {
		up := 1.0
		if c.Health != nil && c.Health() != nil {
			up = 0
		}
		gauge(s.channelUp, up, c.Name)
		if c.Version != nil {
			if v := c.Version(); v != "" {
				gauge(s.channelVersion, 1, c.Name, v)
			}
		}
	}
	if m.o.DB == nil {
		return
	}
	for _, p := range m.o.DB.PoolStats() {
		gauge(s.poolAcquired, float64(p.Acquired), p.Pool)
		gauge(s.poolIdle, float64(p.Idle), p.Pool)
		gauge(s.poolTotal, float64(p.Total), p.Pool)
		gauge(s.poolMax, float64(p.Max), p.Pool)
		counter(s.poolAcquires, float64(p.Acquires), p.Pool)
		counter(s.poolEmptyAcquires, float64(p.EmptyAcquires), p.Pool)
		counter(s.poolWait, p.AcquireWait.Seconds(), p.Pool)
	}
	queue := func(name string, read func(context.Context) ([]store.QueueDepth, error), waiting, age *prometheus.Desc) {
		var depths []store.QueueDepth
		if !s.query(name, func(ctx context.Context) (err error) { depths, err = read(ctx); return err }) {
			return
		}
		seen := map[string]bool{}
		for _, q := range depths {
			seen[q.Channel] = true
			gauge(waiting, float64(q.Waiting), q.Channel)
			gauge(age, max(0, now.Sub(q.Oldest).Seconds()), q.Channel)
		}
		// An empty queue shows as 0, not as a missing series.
		for _, c := range m.o.Channels {
			if !seen[c.Name] {
				gauge(waiting, 0, c.Name)
				gauge(age, 0, c.Name)
			}
		}
	}
	queue("inbox", m.o.DB.InboxDepth, s.inboxWaiting, s.inboxAge)
	queue("outbox", m.o.DB.OutboxDepth, s.outboxWaiting, s.outboxAge)
	var counts map[string]int
	if s.query("reports_open", func(ctx context.Context) (err error) { counts, err = m.o.DB.ReportsByStage(ctx); return err }) {
		// Every open stage is shown, 0 when empty, so a panel has its lines
		// from the start; a stage not in flows.Stages still shows.
		for _, st := range flows.Stages {
			if st != flows.StageClosed && st != flows.StageArchived {
				gauge(s.openReports, float64(counts[string(st)]), string(st))
				delete(counts, string(st))
			}
		}
		for stage, n := range counts {
			gauge(s.openReports, float64(n), stage)
		}
	}
	if s.query("reports_overdue", func(ctx context.Context) (err error) { counts, err = m.o.DB.OverdueByUnit(ctx, now); return err }) {
		for desk, n := range counts {
			gauge(s.overdue, float64(n), desk)
		}
	}
}

// query runs one scrape query within the query timeout; a failure is
// counted and logged, and its gauges are left out.
func (s *scrape) query(name string, run func(context.Context) error) bool {
	ctx, cancel := context.WithTimeout(context.Background(), s.m.o.QueryTimeout)
	defer cancel()
	err := run(ctx)
	if err == nil {
		return true
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%w after %s: %w", errTimeout, s.m.o.QueryTimeout, err)
	}
	s.m.queryFailure.WithLabelValues(name).Inc()
	s.m.o.Log.Warn("a metrics query failed; its gauges are left out of this scrape", "query", name, "err", err)
	return false
}

var _ prometheus.Collector = (*scrape)(nil)
