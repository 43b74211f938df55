package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is one child process of the run: a `lapor serve`, or the echo bot.
// It can be killed and started again with the same environment; its peak
// RSS is the largest over all its lives.
type Proc struct {
	Name string
	Addr string // its LAPOR_HTTP_ADDR ("" for the echo bot)
	// AdminAddr is its LAPOR_ADMIN_ADDR, where /metrics is.
	AdminAddr string
	LogPath   string
	bin       string
	args      []string
	env       []string
	log       *slog.Logger

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	peakKiB int64
	lives   int
}

// NewProc describes a child process; Start runs it.
func NewProc(name, dir, bin string, args []string, env map[string]string, log *slog.Logger) *Proc {
	return &Proc{Name: name, Addr: env["LAPOR_HTTP_ADDR"], AdminAddr: env["LAPOR_ADMIN_ADDR"], LogPath: filepath.Join(dir, name+".log"), bin: bin, args: args,
		env: childEnv(env), log: log}
}

// childEnv is the environment of a child process: this one's, without any
// LAPOR_* setting (the run decides every one), plus env.
func childEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LAPOR_") {
			out = append(out, kv)
		}
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+env[k])
	}
	return out
}

// Start runs the process. Its output is appended to LogPath.
func (p *Proc) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return fmt.Errorf("%s is already running", p.Name)
	}
	logf, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = logf, logf
	// The service must not outlive the tool, whatever happens to it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	p.lives++
	done := p.done
	go func() {
		_ = cmd.Wait()
		logf.Close()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			p.notePeak(ru.Maxrss) // KiB on Linux
		}
		close(done)
	}()
	go p.sampleRSS(cmd.Process.Pid, done)
	p.log.Info("started", "proc", p.Name, "pid", cmd.Process.Pid, "addr", p.Addr)
	return nil
}

// sampleRSS reads the kernel's high-water mark of the process while it
// runs: after a SIGKILL rusage is still available, but reading it here too
// costs nothing and survives a lost Wait.
func (p *Proc) sampleRSS(pid int, done <-chan struct{}) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		if kib, ok := procStatusKiB(pid, "VmHWM"); ok {
			p.notePeak(kib)
		}
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}

func (p *Proc) notePeak(kib int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.peakKiB = max(p.peakKiB, kib)
}

// PeakRSS is the largest resident set of any life of the process, in bytes.
func (p *Proc) PeakRSS() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peakKiB << 10
}

// RSS is the current resident set in bytes (0 when not running).
func (p *Proc) RSS() int64 {
	pid := p.Pid()
	if pid == 0 {
		return 0
	}
	kib, _ := procStatusKiB(pid, "VmRSS")
	return kib << 10
}

// Pid is the running process's id, 0 when it is not running.
func (p *Proc) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Running reports whether the process is alive.
func (p *Proc) Running() bool {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// Kill sends SIGKILL and waits for the process to be gone.
func (p *Proc) Kill() { p.signal(syscall.SIGKILL, 10*time.Second) }

// Stop asks the process to stop (SIGTERM) and kills it after timeout.
func (p *Proc) Stop(timeout time.Duration) { p.signal(syscall.SIGTERM, timeout) }

func (p *Proc) signal(sig syscall.Signal, timeout time.Duration) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	if kib, ok := procStatusKiB(cmd.Process.Pid, "VmHWM"); ok {
		p.notePeak(kib)
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(timeout):
		p.log.Warn("did not stop in time; killing", "proc", p.Name, "signal", sig)
		_ = cmd.Process.Kill()
		<-done
	}
	p.mu.Lock()
	p.cmd, p.done = nil, nil
	p.mu.Unlock()
	p.log.Info("stopped", "proc", p.Name, "signal", sig.String())
}

// WaitReady polls /readyz until it answers 200 and returns how long that
// took.
func (p *Proc) WaitReady(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.Addr+"/readyz", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		select {
		case <-ctx.Done():
			return time.Since(start), fmt.Errorf("%s: /readyz did not answer 200 within %s", p.Name, timeout)
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// LogSummary counts the process's warnings and errors by message.
func (p *Proc) LogSummary() (warn, errs int, byMsg map[string]int) {
	byMsg = map[string]int{}
	f, err := os.Open(p.LogPath)
	if err != nil {
		return 0, 0, byMsg
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		level := ""
		switch {
		case strings.Contains(line, "level=WARN"):
			level, warn = "WARN", warn+1
		case strings.Contains(line, "level=ERROR"):
			level, errs = "ERROR", errs+1
		default:
			continue
		}
		byMsg[level+" "+logMsg(line)]++
	}
	return warn, errs, byMsg
}

// logMsg extracts msg="…" from a slog text line.
func logMsg(line string) string {
	i := strings.Index(line, "msg=")
	if i < 0 {
		return line
	}
	rest := line[i+4:]
	if strings.HasPrefix(rest, `"`) {
		if s, err := strconv.QuotedPrefix(rest); err == nil {
			u, _ := strconv.Unquote(s)
			return u
		}
	}
	msg, _, _ := strings.Cut(rest, " ")
	return msg
}

// LogContains reports whether the process's log has a line containing s
// after byte offset from, and the log's current size.
func (p *Proc) LogContains(s string, from int64) (bool, int64) {
	b, err := os.ReadFile(p.LogPath)
	if err != nil || int64(len(b)) < from {
		return false, 0
	}
	return strings.Contains(string(b[from:]), s), int64(len(b))
}

// procStatusKiB reads a "Vm…: N kB" field of /proc/pid/status.
func procStatusKiB(pid int, field string) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// buildLapor builds ./cmd/lapor of the module the tool runs in.
func buildLapor(ctx context.Context, dir string, log *slog.Logger) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "lapor")
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/lapor")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/lapor: %v\n%s", err, b)
	}
	log.Info("built lapor", "path", out, "took", time.Since(start).Round(time.Millisecond))
	return out, nil
}

// moduleRoot finds the lapor module from the working directory upwards.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/lapor-id/lapor\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the lapor module: run from the repository or pass --lapor PATH")
		}
		dir = parent
	}
}
