package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// runWebCrowd: a regency website's embedded web chat with --citizens
// (10,000) pages open, each holding its event stream, and --typing (300)
// of them chatting for --duration. Measured: lapor's memory per open
// stream, its file descriptors, the database's transactions per second
// while the crowd is idle (with and without the streams), the time from a
// message's POST to the bot's reply on its stream, and refused requests.
// Targets (issue: a web chat crowd): 10,000 streams under 300 MB RSS, idle
// database work independent of the number of streams.
func runWebCrowd(ctx context.Context, o Options, rep *Report, log *slog.Logger) (err error) {
	rig, err := NewRig(ctx, o, rep, o.Limits, true, log)
	if err != nil {
		return err
	}
	defer func() { rig.Close(err != nil) }()
	setParams(rep, o, "citizens", "typing", "duration", "workers")
	// Pages come from many addresses (a school's NAT is one address with
	// many pages): 20 per loopback address, within the per-address limits.
	const perAddress = 20
	lapor, err := rig.startLapor(ctx, "lapor", map[string]string{
		"LAPOR_HTTP_MAX_CONNS":         fmt.Sprint(o.Citizens + o.Typing + 500),
		"LAPOR_HTTP_CONNS_PER_ADDRESS": fmt.Sprint(4 * perAddress),
		"LAPOR_LOG_LEVEL":              "warn",
	})
	if err != nil {
		return err
	}
	base := "http://" + lapor.Addr
	rssIdle := lapor.RSS()
	rep.Add("RSS lapor before the crowd", float64(rssIdle)/(1<<20), "MiB")
	idleNone, err := rig.transactionsPerSecond(ctx, 20*time.Second)
	if err != nil {
		return err
	}
	rep.Add("database transactions/s, idle, no streams", idleNone, "tx/s")

	// The crowd opens its pages.
	pages := make([]*page, o.Citizens)
	var refused atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	start := time.Now()
	for i := range pages {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ip := fmt.Sprintf("127.3.%d.%d", (i/perAddress)/250, 1+(i/perAddress)%250)
			p, err := openPage(ctx, base, ip)
			if err != nil {
				refused.Add(1)
				log.Debug("page not opened", "err", err)
				return
			}
			pages[i] = p
		}()
	}
	wg.Wait()
	defer func() {
		for _, p := range pages {
			if p != nil {
				p.close()
			}
		}
	}()
	open := 0
	for _, p := range pages {
		if p != nil {
			open++
		}
	}
	rep.AddDuration("time to open the pages", time.Since(start))
	rep.Add("open event streams", float64(open), "streams").
		Want(fmt.Sprintf("= %d", o.Citizens), open == o.Citizens)
	time.Sleep(5 * time.Second)
	rss := lapor.RSS()
	rep.Add("RSS lapor with the streams open", float64(rss)/(1<<20), "MiB").
		Want("< 300 MB (286.1 MiB)", rss < 300e6)
	if open > 0 {
		rep.Add("RSS per open stream", float64(rss-rssIdle)/float64(open)/1024, "KiB")
	}
	if n, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", lapor.Pid())); err == nil {
		rep.Add("file descriptors lapor", float64(len(n)), "fds")
	}
	idleStreams, err := rig.transactionsPerSecond(ctx, 20*time.Second)
	if err != nil {
		return err
	}
	rep.Add("database transactions/s, idle, with the streams", idleStreams, "tx/s").
		Want("no more than without streams (+2)", idleStreams <= idleNone+2)

	// Some of them type.
	typing := min(o.Typing, open)
	var mu sync.Mutex
	var lat []time.Duration
	var lost atomic.Int64
	end := time.Now().Add(o.Duration)
	for i := range typing {
		p := pages[i*open/max(typing, 1)]
		if p == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(rand.IntN(2000)) * time.Millisecond)
			for time.Now().Before(end) && ctx.Err() == nil {
				d, err := p.ask(ctx, "/start", 30*time.Second)
				if err != nil {
					lost.Add(1)
					log.Debug("no reply", "err", err)
				} else {
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
				time.Sleep(time.Duration(1000+rand.IntN(2000)) * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	rep.Add("replies", float64(len(lat)), "replies")
	if len(lat) > 0 {
		rep.AddDuration("reply p50", lat[len(lat)/2])
		rep.AddDuration("reply p99", lat[len(lat)*99/100]).
			Want("< 250 ms", lat[len(lat)*99/100] < 250*time.Millisecond)
	}
	rep.Add("messages without a reply", float64(lost.Load()), "messages").Want("0", lost.Load() == 0)
	refusedNow := refused.Load()
	for _, p := range pages {
		if p != nil && p.dropped.Load() {
			refusedNow++
		}
	}
	rep.Add("pages refused or streams dropped", float64(refusedNow), "pages").Want("0", refusedNow == 0)
	rep.Add("peak RSS lapor", float64(lapor.PeakRSS())/(1<<20), "MiB")
	return nil
}

// transactionsPerSecond measures the database's committed and rolled back
// transactions per second over d (PostgreSQL publishes a backend's counts
// within about a second when busy and ten when idle: the window starts
// after 11 s of settling).
func (r *Rig) transactionsPerSecond(ctx context.Context, d time.Duration) (float64, error) {
	read := func() (int64, error) {
		n, err := r.count(ctx, `SELECT (xact_commit + xact_rollback)::bigint FROM pg_stat_database WHERE datname = current_database()`)
		return int64(n), err
	}
	time.Sleep(11 * time.Second)
	a, err := read()
	if err != nil {
		return 0, err
	}
	time.Sleep(d)
	b, err := read()
	if err != nil {
		return 0, err
	}
	return float64(b-a-1) / d.Seconds(), nil
}

// page is one open web chat: its session and its event stream.
type page struct {
	base, csrf string
	client     *http.Client
	cancel     context.CancelFunc
	fromBot    chan struct{} // one per bot line on the stream
	dropped    atomic.Bool   // the stream ended while the page was open
}

func openPage(ctx context.Context, base, ip string) (*page, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 2,
		ReadBufferSize: 2048, WriteBufferSize: 2048}}
	resp, err := client.Post(base+"/api/session", "application/json", nil)
	if err != nil {
		return nil, err
	}
	var s struct{ CSRF string }
	err = json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil {
		return nil, fmt.Errorf("session: %d %v", resp.StatusCode, err)
	}
	sctx, cancel := context.WithCancel(ctx)
	req, _ := http.NewRequestWithContext(sctx, "GET", base+"/api/events?after=0", nil)
	stream, err := client.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if stream.StatusCode != 200 {
		stream.Body.Close()
		cancel()
		return nil, fmt.Errorf("stream: %d", stream.StatusCode)
	}
	p := &page{base: base, csrf: s.CSRF, client: client, cancel: cancel, fromBot: make(chan struct{}, 64)}
	go func() {
		defer stream.Body.Close()
		sc := bufio.NewScanner(stream.Body)
		sc.Buffer(make([]byte, 512), 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var m struct{ From string }
			if json.Unmarshal([]byte(data), &m) == nil && m.From == "bot" {
				select {
				case p.fromBot <- struct{}{}:
				default:
				}
			}
		}
		if sctx.Err() == nil {
			p.dropped.Store(true)
		}
	}()
	return p, nil
}

// ask posts text and waits for the bot's reply on the stream.
func (p *page) ask(ctx context.Context, text string, wait time.Duration) (time.Duration, error) {
	for len(p.fromBot) > 0 {
		<-p.fromBot
	}
	body, _ := json.Marshal(map[string]string{"text": text})
	req, _ := http.NewRequestWithContext(ctx, "POST", p.base+"/api/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", p.csrf)
	start := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return 0, fmt.Errorf("post: %d", resp.StatusCode)
	}
	select {
	case <-p.fromBot:
		return time.Since(start), nil
	case <-time.After(wait):
		return 0, fmt.Errorf("no reply within %v", wait)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (p *page) close() { p.cancel() }
