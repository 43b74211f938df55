package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the result of one scenario: what was measured, what was
// asserted, and everything needed to repeat it.
type Report struct {
	Scenario string            `json:"scenario"`
	Command  string            `json:"command"`
	Started  time.Time         `json:"started"`
	Took     time.Duration     `json:"took_ns"`
	Host     map[string]string `json:"host"`
	Postgres map[string]string `json:"postgres,omitempty"`
	Params   map[string]any    `json:"params"`
	Metrics  []*Metric         `json:"metrics"`
	Checks   []Check           `json:"checks,omitempty"`
	Notes    []string          `json:"notes,omitempty"`
	Log      map[string]int    `json:"service_log,omitempty"` // warnings and errors by message
}

// Metric is one measured number, with its target when the issue sets one.
type Metric struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Target string  `json:"target,omitempty"`
	Met    *bool   `json:"met,omitempty"`
}

// Check is one assertion; a failed check makes the tool exit non-zero.
type Check struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped,omitempty"` // could not be exercised in this run; not a failure
	Detail  string `json:"detail,omitempty"`
}

// NewReport starts a report.
func NewReport(scenario, command string) *Report {
	return &Report{Scenario: scenario, Command: command, Started: time.Now(), Host: hostInfo(), Params: map[string]any{}}
}

// Add records a metric.
func (r *Report) Add(name string, value float64, unit string) *Metric {
	m := &Metric{Name: name, Value: value, Unit: unit}
	r.Metrics = append(r.Metrics, m)
	return m
}

// AddDuration records a duration in milliseconds.
func (r *Report) AddDuration(name string, d time.Duration) *Metric {
	return r.Add(name, float64(d.Microseconds())/1000, "ms")
}

// Metric returns the metric named name, or nil.
func (r *Report) Metric(name string) *Metric {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Want states the metric's target and whether it was met.
func (m *Metric) Want(target string, met bool) *Metric {
	m.Target, m.Met = target, &met
	return m
}

// Check records an assertion.
func (r *Report) Check(name string, ok bool, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
}

// Skip records an assertion this run could not exercise, and why.
func (r *Report) Skip(name, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, OK: true, Skipped: true, Detail: fmt.Sprintf(format, args...)})
}

// Note adds a free-text remark.
func (r *Report) Note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// Failed reports whether any check failed.
func (r *Report) Failed() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return true
		}
	}
	return false
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report for a person.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "lapor-load %s — %s, took %s\n", r.Scenario, r.Started.Format(time.RFC3339), r.Took.Round(time.Second))
	fmt.Fprintf(w, "command: %s\n", r.Command)
	fmt.Fprintf(w, "host: %s\n", joinMap(r.Host))
	if len(r.Postgres) > 0 {
		fmt.Fprintf(w, "postgres: %s\n", joinMap(r.Postgres))
	}
	fmt.Fprintf(w, "params: %s\n\n", joinAny(r.Params))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tvalue\tunit\ttarget\t")
	for _, m := range r.Metrics {
		verdict := ""
		if m.Met != nil {
			verdict = "  MISSED"
			if *m.Met {
				verdict = "  met"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\t\n", m.Name, formatValue(m.Value), m.Unit, m.Target, verdict)
	}
	tw.Flush()
	if len(r.Checks) > 0 {
		fmt.Fprintln(w)
		for _, c := range r.Checks {
			mark := "PASS"
			switch {
			case c.Skipped:
				mark = "SKIP"
			case !c.OK:
				mark = "FAIL"
			}
			fmt.Fprintf(w, "%s  %s", mark, c.Name)
			if c.Detail != "" {
				fmt.Fprintf(w, ": %s", c.Detail)
			}
			fmt.Fprintln(w)
		}
	}
	if len(r.Log) > 0 {
		fmt.Fprintln(w, "\nservice log (warnings and errors by message):")
		keys := make([]string, 0, len(r.Log))
		for k := range r.Log {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return r.Log[keys[i]] > r.Log[keys[j]] })
		for i, k := range keys {
			if i == 12 {
				fmt.Fprintf(w, "  … %d more kinds\n", len(keys)-i)
				break
			}
			fmt.Fprintf(w, "  %6d  %s\n", r.Log[k], k)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func formatValue(v float64) string {
	switch {
	case v == float64(int64(v)) && v < 1e15 && v > -1e15:
		return fmt.Sprintf("%d", int64(v))
	case v >= 100 || v <= -100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1 || v <= -1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.4f", v)
}

func joinMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, " ")
}

func joinAny(m map[string]any) string {
	s := map[string]string{}
	for k, v := range m {
		s[k] = fmt.Sprint(v)
	}
	return joinMap(s)
}

// setParams copies the named options into the report.
func setParams(rep *Report, o Options, names ...string) {
	all := map[string]any{"citizens": o.Citizens, "officers": o.Officers, "officer-rate": o.OfficerRate, "rate": o.Rate,
		"duration": o.Duration.String(), "workers": o.Workers, "poll-timeout": o.PollTimeout.String(),
		"outbox-lease": o.OutboxLease.String(), "steps": o.Steps, "batch": o.Batch, "fault-share": o.FaultShare,
		"replicas": o.Replicas, "sweep-every": o.SweepEvery.String(), "overdue": o.Overdue, "wait": o.Wait.String(),
		"flood-per-minute": o.Flood, "typing": o.Typing}
	for _, n := range names {
		rep.Params[n] = all[n]
	}
}
