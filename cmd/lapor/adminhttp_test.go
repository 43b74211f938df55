package main

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// channelOK reports whether the admin listener at addr says channel works
// (/readyz/{channel} answers 200).
func channelOK(addr, channel string) bool {
	resp, err := http.Get("http://" + addr + "/readyz/" + channel)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

// get is a GET's status code and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metricValue is the value of the first series of /metrics text whose
// line starts with series (a name with its labels, as Prometheus writes
// them); ok is false when there is none.
func metricValue(text, series string) (float64, bool) {
	for line := range strings.SplitSeq(text, "\n") {
		rest, found := strings.CutPrefix(line, series+" ")
		if !found {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		return v, err == nil
	}
	return 0, false
}

// The admin listener: a citizen's conversation on Telegram moves the
// handling and delivery counters on /metrics; the scheduler's leadership
// and its sweep are there; /readyz reports each channel; none of it is on
// the public web port.
func TestAdminListenerServesMetricsAndReadiness(t *testing.T) {
	t.Parallel()
	fake := fastTelegram(t)
	env := serviceEnv(t, fake, pg.NewDatabase(t))
	env["LAPOR_ADMIN_ADDR"] = freeAddr(t)
	env["LAPOR_SWEEP_EVERY"] = "1s"
	startInProcess(t, env)
	admin := "http://" + env["LAPOR_ADMIN_ADDR"]
	c := newCitizen(fake, 6101)
	if _, err := c.say("/start", "Selamat datang"); err != nil {
		t.Fatal(err)
	}

	wants := []struct {
		series  string
		atLeast float64
	}{
		{`lapor_messages_handled_total{channel="telegram",outcome="handled"}`, 1},
		{`lapor_message_handling_seconds_count{channel="telegram"}`, 1},
		{`lapor_messages_sent_total{channel="telegram",outcome="sent"}`, 1},
		{`lapor_messages_sent_total{channel="web",outcome="sent"}`, 0},
		{`lapor_inbox_waiting{channel="telegram"}`, 0},
		{`lapor_outbox_oldest_age_seconds{channel="web"}`, 0},
		{`lapor_channel_up{channel="telegram"}`, 1},
		{`lapor_channel_up{channel="web"}`, 1},
		{`lapor_scheduler_leader`, 1},
		{`lapor_scheduler_job_runs_total{job="deadline-sweep",outcome="ok"}`, 1},
		{`lapor_scheduler_job_duration_seconds_count{job="deadline-sweep"}`, 1},
		{`lapor_db_pool_acquires_total{pool="main"}`, 1},
		{`lapor_build_info{version="` + version + `"}`, 1},
	}
	var text string
	deadline := time.Now().Add(15 * time.Second)
	for {
		var code int
		code, text = get(t, admin+"/metrics")
		missing := ""
		for _, w := range wants {
			if v, ok := metricValue(text, w.series); code != 200 || !ok || v < w.atLeast {
				missing = w.series
				break
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics (%d) has no %s at its value:\n%s", code, missing, grepLapor(text))
		}
		time.Sleep(200 * time.Millisecond)
	}

	code, body := get(t, admin+"/readyz")
	if code != 200 || !strings.Contains(body, `"channels":{"telegram":"ok","web":"ok"}`) || !strings.Contains(body, `"database":"ok"`) {
		t.Fatalf("admin /readyz: %d %s", code, body)
	}
	if code, body := get(t, admin+"/readyz/telegram"); code != 200 || !strings.Contains(body, `"telegram":"ok"`) {
		t.Fatalf("admin /readyz/telegram: %d %s", code, body)
	}
	if code, _ := get(t, admin+"/readyz/sms"); code != 404 {
		t.Fatalf("admin /readyz of a channel that does not exist: %d", code)
	}
	if code, body := get(t, admin+"/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("admin /healthz: %d %q", code, body)
	}
	// The public port has readiness for a load balancer, not the metrics.
	public := "http://" + env["LAPOR_HTTP_ADDR"]
	if code, body := get(t, public+"/readyz"); code != 200 || strings.Contains(body, "telegram") {
		t.Fatalf("public /readyz: %d %s", code, body)
	}
	if _, body := get(t, public+"/metrics"); strings.Contains(body, "lapor_") {
		t.Fatalf("the public port serves the metrics:\n%.300s", body)
	}
}

// LAPOR_ADMIN_ADDR=off opens no admin listener; the service runs.
func TestAdminListenerOff(t *testing.T) {
	t.Parallel()
	env := webEnv(t, pg.NewDatabase(t))
	env["LAPOR_ADMIN_ADDR"], env["LAPOR_LOG_LEVEL"] = "off", "info"
	logs, _ := startInProcess(t, env)
	waitForWeb(t, "http://"+env["LAPOR_HTTP_ADDR"])
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "lapor is ready") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !regexp.MustCompile(`lapor is ready.* admin=off`).MatchString(logs.String()) {
		t.Fatalf("the log does not say the admin listener is off:\n%s", logs)
	}
}

func grepLapor(text string) string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		if strings.HasPrefix(line, "lapor_") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
