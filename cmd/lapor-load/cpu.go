package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc CPU times (100 on Linux).
const clockTicks = 100

// CPUSample is the CPU time spent so far by the parts of the run.
type CPUSample struct {
	At       time.Time
	Service  time.Duration // every lapor (or echo) process, alive now
	Postgres time.Duration // the postmaster, its reaped children and its live children
	Tool     time.Duration // this process: the fake Bot API and the simulated people
	Busy     time.Duration // the whole machine, all cores: non-idle time
}

// Usage is CPU use between two samples, in cores (1.0 = one core busy).
type Usage struct {
	Service, Postgres, Tool, Machine float64
}

// Since is the CPU use from an earlier sample to s.
func (s CPUSample) Since(e CPUSample) Usage {
	wall := s.At.Sub(e.At).Seconds()
	if wall <= 0 {
		return Usage{}
	}
	// A process restarted in between (faults) starts its count again:
	// its earlier life is lost from the difference, never negative.
	f := func(a, b time.Duration) float64 { return max(a-b, 0).Seconds() / wall }
	return Usage{Service: f(s.Service, e.Service), Postgres: f(s.Postgres, e.Postgres), Tool: f(s.Tool, e.Tool), Machine: f(s.Busy, e.Busy)}
}

// SampleCPU reads the CPU times of the service processes (by pid), of the
// PostgreSQL cluster in pgDir and of this process.
func SampleCPU(servicePIDs []int, pgDir string) CPUSample {
	s := CPUSample{At: time.Now()}
	for _, pid := range servicePIDs {
		if pid > 0 {
			u, _, _ := procTimes(pid)
			s.Service += u
		}
	}
	s.Postgres = postgresCPU(pgDir)
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.Tool = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	s.Busy = machineBusy()
	return s
}

// procTimes returns a process's own CPU time, the CPU time of its reaped
// children, and its parent's pid.
func procTimes(pid int) (own, children time.Duration, ppid int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, 0
	}
	// The command name may hold spaces; fields start after its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 15 {
		return 0, 0, 0
	}
	n := func(k int) int64 { v, _ := strconv.ParseInt(f[k], 10, 64); return v }
	tick := func(v int64) time.Duration { return time.Duration(v) * time.Second / clockTicks }
	// f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
	return tick(n(11) + n(12)), tick(n(13) + n(14)), int(n(1))
}

// postgresCPU sums the CPU time of the cluster whose data folder is in dir.
func postgresCPU(dir string) time.Duration {
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		return 0
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return 0
	}
	own, reaped, _ := procTimes(pm)
	total := own + reaped
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if u, _, ppid := procTimes(pid); ppid == pm {
			total += u
		}
	}
	return total
}

// machineBusy is the non-idle CPU time of all cores since boot.
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest times are already in user
			break
		}
		busy += n
	}
	return time.Duration(busy) * time.Second / clockTicks
}

// hostInfo describes the machine for the report.
func hostInfo() map[string]string {
	h := map[string]string{"cores": strconv.Itoa(runtime.NumCPU()), "go": runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				h["cpu"] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		if f := strings.Fields(line); len(f) >= 2 {
			kib, _ := strconv.ParseInt(f[1], 10, 64)
			h["memory"] = fmt.Sprintf("%.1fGiB", float64(kib)/(1<<20))
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		h["loadavg_at_start"] = strings.Join(strings.Fields(string(b))[:3], ",")
	}
	return h
}
