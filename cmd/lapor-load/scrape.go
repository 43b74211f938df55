package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// scrape reads the /metrics of the admin listener at addr: each series
// (its name with its labels, as written) with its value.
func scrape(ctx context.Context, addr string) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/metrics of %s: %s", addr, resp.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

// family is the metric family a series belongs to (a histogram's
// _bucket, _sum and _count are its own family).
func family(series string) string {
	name, _, _ := strings.Cut(series, "{")
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && strings.HasPrefix(base, "lapor_") {
			return base
		}
	}
	return name
}

// metricsWatch is what a run's scrapes of one lapor saw.
type metricsWatch struct {
	scrapes     int
	first, last map[string]float64
	peak        map[string]float64 // each series' largest value seen
	err         error              // the last scrape's failure
}

// watchMetrics scrapes p's /metrics every interval from now until the
// returned stop is called, which scrapes once more and returns what was seen.
func (r *Rig) watchMetrics(ctx context.Context, p *Proc, every time.Duration) (stop func() metricsWatch) {
	w := metricsWatch{peak: map[string]float64{}}
	var mu sync.Mutex
	take := func() {
		m, err := scrape(ctx, p.AdminAddr)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			w.err = err
			return
		}
		w.scrapes++
		if w.first == nil {
			w.first = m
		}
		w.last = m
		for k, v := range m {
			if v > w.peak[k] {
				w.peak[k] = v
			}
		}
	}
	take()
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-t.C:
				take()
			}
		}
	}()
	return func() metricsWatch {
		cancel()
		<-done
		take()
		mu.Lock()
		defer mu.Unlock()
		return w
	}
}

// loadFamilies are the families a load run must show: counters that grow
// between the first and the last scrape (moving), and gauges that are
// there (a queue may be empty at every scrape of a light load; the gauges
// seen above 0 are listed).
var loadFamilies = []struct {
	name   string
	moving bool
}{
	{"lapor_messages_handled_total", true},
	{"lapor_message_handling_seconds", true},
	{"lapor_messages_sent_total", true},
	{"lapor_db_pool_acquires_total", true},
	{"lapor_inbox_waiting", false},
	{"lapor_inbox_oldest_age_seconds", false},
	{"lapor_outbox_waiting", false},
	{"lapor_outbox_oldest_age_seconds", false},
	{"lapor_reports_open", false},
	{"lapor_db_pool_acquired_connections", false},
	{"lapor_channel_up", false},
	{"lapor_scheduler_leader", false},
}

// reportMetrics adds to the report what the scrapes of lapor's /metrics
// saw during the run, and checks the families every load must show.
func reportMetrics(rep *Report, w metricsWatch) {
	if w.first == nil {
		rep.Add("metrics scrapes during the run", 0, "scrapes").Want("/metrics answers", false)
		if w.err != nil {
			rep.Note("scraping /metrics: %v", w.err)
		}
		return
	}
	grew, seen, above := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for k, v := range w.last {
		f := family(k)
		seen[f] = true
		if v > w.first[k] {
			grew[f] = true
		}
	}
	for k, v := range w.peak {
		if v > 0 {
			above[family(k)] = true
		}
	}
	var missing []string
	for _, f := range loadFamilies {
		if f.moving && !grew[f.name] || !seen[f.name] {
			missing = append(missing, f.name)
		}
	}
	rep.Add("metrics scrapes during the run", float64(w.scrapes), "scrapes")
	rep.Add("metric families shown", float64(len(loadFamilies)-len(missing)), "families").
		Want(fmt.Sprintf("all %d (counters growing)", len(loadFamilies)), len(missing) == 0)
	if len(missing) > 0 {
		rep.Note("metrics missing or not moving: %s", strings.Join(missing, ", "))
	}
	// The rest (retries, 429s, blocked chats, the sweeps) move only when
	// the run makes them happen: listed, not checked.
	var moved []string
	for f := range seen {
		if strings.HasPrefix(f, "lapor_") && (grew[f] || above[f]) {
			moved = append(moved, f)
		}
	}
	sort.Strings(moved)
	rep.Note("lapor metrics growing or above 0 during the run: %s", strings.Join(moved, ", "))
}

// freeAdminAddr is an admin listener's address for one lapor: a free port
// of its own, so that replicas on one machine do not share one ("off"
// when none can be found).
func freeAdminAddr() string {
	a, err := freeAddr()
	if err != nil {
		return "off"
	}
	return a
}

// faultFamilies are the counters a window of failing API calls must move:
// the failed sends are retried, and the fake's 429 answers are counted.
var faultFamilies = []string{"lapor_retries_total", "lapor_rate_limited_total", "lapor_messages_sent_total"}

// reportFaultMetrics checks that lapor's /metrics showed the API faults
// while they happened.
func reportFaultMetrics(rep *Report, w metricsWatch) {
	grew := map[string]float64{}
	for k, v := range w.last {
		if d := v - w.first[k]; d > 0 {
			grew[family(k)] += d
		}
	}
	for _, f := range faultFamilies {
		rep.Add("api faults: "+f+" grew by", grew[f], "").Want("> 0", grew[f] > 0)
	}
	if w.err != nil {
		rep.Note("scraping /metrics during the api faults: %v", w.err)
	}
}
