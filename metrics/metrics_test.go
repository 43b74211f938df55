package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/lapor-id/lapor/bot"
	"github.com/lapor-id/lapor/flows"
	"github.com/lapor-id/lapor/metrics"
	"github.com/lapor-id/lapor/store"
	"github.com/lapor-id/lapor/store/pgtest"
)

var pg *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// sample is one series' value in a gathered registry: the value of the
// series of name whose labels include want, and whether there is one.
func sample(fams []*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if have[k] != v {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

// Every metric the service defines is there after things happen, with the
// value they make: the counters from the calls the dispatcher, the
// handling and the scheduler make, the gauges from the database as it is
// at scrape time.
func TestEveryMetricReflectsWhatHappened(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pg.NewDB(t)
	now := t0.Add(time.Hour)

	// Two messages wait in Telegram's inbox since t0, one in its outbox.
	if _, err := db.StoreInbound(ctx, []store.Inbound{
		{Channel: "telegram", ExternalID: "1", ChatID: "7", Payload: []byte(`{}`), ReceivedAt: t0},
		{Channel: "telegram", ExternalID: "2", ChatID: "8", Payload: []byte(`{}`), ReceivedAt: t0.Add(time.Minute)},
	}); err != nil {
		t.Fatal(err)
	}
	// Reports: one with an agency past its deadline, one new, one closed.
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.Enqueue(ctx, "telegram", "7", []byte(`{"text":"x"}`), t0.Add(30*time.Minute)); err != nil {
			return err
		}
		for i, r := range []store.Report{
			{Stage: "at_agency", ResponsibleUnit: "dinkes", StageDeadline: t0, DeadlineBase: t0.Add(-240 * time.Hour), DeadlineDays: 10},
			{Stage: "submitted", ResponsibleUnit: "super_admin", StageDeadline: now.Add(time.Hour), DeadlineBase: t0, DeadlineDays: 3},
			{Stage: "closed", ResponsibleUnit: ""},
		} {
			r.TrackingID, r.Type, r.Description = fmt.Sprintf("MGT-METR%d", i), "pengaduan", "jalan rusak di depan pasar"
			r.Channel, r.ChatID, r.Lang, r.StageStartedAt, r.SubmittedAt = "telegram", "7", "id", t0, t0
			if err := tx.CreateReport(ctx, &r); err != nil {
				return err
			}
			if err := tx.UpdateReport(ctx, &r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	m := metrics.New(metrics.Options{DB: db, Version: "1.2.3", Now: func() time.Time { return now },
		Channels: []metrics.Channel{
			{Name: "telegram", Health: func() error { return nil }},
			{Name: "whatsapp", Health: func() error { return errors.New("logged out") }, Version: func() string { return "2.3000.1" }},
			{Name: "web"},
		}})
	m.Handled(flows.Handled{Channel: "telegram", Outcome: "handled", Took: 30 * time.Millisecond})
	m.Handled(flows.Handled{Channel: "telegram", Outcome: "retried", Took: time.Second})
	m.Handled(flows.Handled{Channel: "telegram", Outcome: "something new"})
	m.Handled(flows.Handled{Channel: "sms", Outcome: "handled"}) // a channel not given at New
	tg := m.Meter("telegram")
	tg.Delivery(bot.Delivered)
	tg.Delivery(bot.Delivered)
	tg.RateLimited(true)
	tg.Delivery(bot.DeliveryRateLimited)
	tg.Delivery(bot.DeliveryBlocked)
	tg.Delivery(bot.DeliveryRetried)
	m.Leading(true)
	m.Ran("deadline-sweep", 2*time.Second, nil)
	m.Ran("deadline-sweep", time.Second, errors.New("database gone"))

	// A second registry on a closed database: its queries fail and say so.
	gone := pg.NewDB(t)
	gone.Close()
	broken := metrics.New(metrics.Options{DB: gone, QueryTimeout: time.Second})

	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	// A scrape collects its parts at once: the failures counted while it
	// runs show in the next one.
	if _, err := broken.Registry().Gather(); err != nil {
		t.Fatal(err)
	}
	brokenFams, err := broken.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name   string
		labels map[string]string
		value  float64
	}
	l := func(kv ...string) map[string]string {
		out := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	wants := []want{
		{"lapor_messages_handled_total", l("channel", "telegram", "outcome", "handled"), 1},
		{"lapor_messages_handled_total", l("channel", "telegram", "outcome", "retried"), 1},
		{"lapor_messages_handled_total", l("channel", "telegram", "outcome", "other"), 1},
		{"lapor_messages_handled_total", l("channel", "telegram", "outcome", "refused"), 0},
		{"lapor_messages_handled_total", l("channel", "sms", "outcome", "handled"), 1},
		{"lapor_message_handling_seconds", l("channel", "telegram"), 3},
		{"lapor_retries_total", l("channel", "telegram", "queue", "inbox"), 1},
		{"lapor_retries_total", l("channel", "telegram", "queue", "outbox"), 2},
		{"lapor_messages_sent_total", l("channel", "telegram", "outcome", "sent"), 2},
		{"lapor_messages_sent_total", l("channel", "telegram", "outcome", "rate_limited"), 1},
		{"lapor_messages_sent_total", l("channel", "telegram", "outcome", "blocked"), 1},
		{"lapor_messages_sent_total", l("channel", "whatsapp", "outcome", "sent"), 0},
		{"lapor_rate_limited_total", l("channel", "telegram", "scope", "account"), 1},
		{"lapor_rate_limited_total", l("channel", "telegram", "scope", "chat"), 0},
		{"lapor_chats_blocked_total", l("channel", "telegram"), 1},
		{"lapor_scheduler_leader", nil, 1},
		{"lapor_scheduler_job_runs_total", l("job", "deadline-sweep", "outcome", "ok"), 1},
		{"lapor_scheduler_job_runs_total", l("job", "deadline-sweep", "outcome", "error"), 1},
		{"lapor_scheduler_job_duration_seconds", l("job", "deadline-sweep"), 2},
		{"lapor_build_info", l("version", "1.2.3"), 1},
		{"lapor_inbox_waiting", l("channel", "telegram"), 2},
		{"lapor_inbox_oldest_age_seconds", l("channel", "telegram"), 3600},
		{"lapor_inbox_waiting", l("channel", "whatsapp"), 0},
		{"lapor_outbox_waiting", l("channel", "telegram"), 1},
		{"lapor_outbox_oldest_age_seconds", l("channel", "telegram"), 1800},
		{"lapor_outbox_waiting", l("channel", "web"), 0},
		{"lapor_reports_open", l("stage", "at_agency"), 1},
		{"lapor_reports_open", l("stage", "submitted"), 1},
		{"lapor_reports_open", l("stage", "at_ppid"), 0},
		{"lapor_reports_overdue", l("desk", "dinkes"), 1},
		{"lapor_channel_up", l("channel", "telegram"), 1},
		{"lapor_channel_up", l("channel", "whatsapp"), 0},
		{"lapor_channel_up", l("channel", "web"), 1},
		{"lapor_channel_version_info", l("channel", "whatsapp", "version", "2.3000.1"), 1},
		{"lapor_db_pool_max_connections", l("pool", "main"), -1}, // -1: any value above 0
		{"lapor_db_pool_total_connections", l("pool", "main"), -1},
		{"lapor_db_pool_acquires_total", l("pool", "main"), -1},
		{"lapor_db_pool_acquired_connections", l("pool", "marks"), 0},
		{"lapor_db_pool_idle_connections", l("pool", "main"), -1},
		{"lapor_db_pool_empty_acquires_total", l("pool", "main"), -1},
		{"lapor_db_pool_acquire_wait_seconds_total", l("pool", "main"), -1},
	}
	checked := map[string]bool{}
	for _, w := range wants {
		checked[w.name] = true
		got, ok := sample(fams, w.name, w.labels)
		switch {
		case !ok:
			t.Errorf("%s%v: no such series", w.name, w.labels)
		case w.value < 0 && got <= 0:
			t.Errorf("%s%v = %v, want more than 0", w.name, w.labels, got)
		case w.value >= 0 && got != w.value:
			t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.value)
		}
	}
	if _, ok := sample(fams, "lapor_reports_open", l("stage", "closed")); ok {
		t.Errorf("closed reports counted as open")
	}
	if _, ok := sample(fams, "lapor_reports_overdue", l("desk", "super_admin")); ok {
		t.Errorf("a report within its deadline counted as overdue")
	}
	for _, q := range []string{"inbox", "outbox", "reports_open", "reports_overdue"} {
		if got, _ := sample(brokenFams, "lapor_metrics_query_failures_total", l("query", q)); got < 1 {
			t.Errorf("query %s on a closed database: %v failures counted, want at least 1", q, got)
		}
	}
	checked["lapor_metrics_query_failures_total"] = true
	// Every defined metric is checked above: a new one needs a line here.
	var unchecked []string
	for _, n := range m.Names() {
		if !checked[n] {
			unchecked = append(unchecked, n)
		}
	}
	sort.Strings(unchecked)
	if len(unchecked) > 0 {
		t.Errorf("metrics this test does not check: %s", strings.Join(unchecked, ", "))
	}
}

// The hot path (a handled message, a delivery) allocates nothing: the
// series are bound when the registry is made.
func TestHotPathAllocatesNothing(t *testing.T) {
	m := metrics.New(metrics.Options{Channels: []metrics.Channel{{Name: "telegram"}}})
	meter := m.Meter("telegram")
	h := flows.Handled{Channel: "telegram", Outcome: "handled", Took: time.Millisecond}
	if n := testing.AllocsPerRun(1000, func() {
		m.Handled(h)
		meter.Delivery(bot.Delivered)
	}); n != 0 {
		t.Fatalf("%v allocations per handled and delivered message", n)
	}
}

func BenchmarkHandled(b *testing.B) {
	m := metrics.New(metrics.Options{Channels: []metrics.Channel{{Name: "telegram"}, {Name: "whatsapp"}, {Name: "web"}}})
	h := flows.Handled{Channel: "whatsapp", Outcome: "handled", Took: 3 * time.Millisecond}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Handled(h)
		}
	})
}
