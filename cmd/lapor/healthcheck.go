package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheck asks the running service whether it is ready, for a
// container's HEALTHCHECK (the runtime image has no shell, curl or wget):
// GET /readyz on the admin listener (LAPOR_ADMIN_ADDR), which answers 200
// while the database does, whatever the channels' state; with the admin
// listener off, GET /healthz on LAPOR_HTTP_ADDR. Exit 0 when it answers
// 200 within 3 seconds, 1 otherwise, with the reason on stderr. It opens
// no database.
func healthcheck(ctx context.Context, cfg Config, stdout, stderr io.Writer) int {
	setting, addr, path := "LAPOR_ADMIN_ADDR", cfg.AdminAddr, "/readyz"
	if addr == "" {
		setting, addr, path = "LAPOR_HTTP_ADDR", cfg.HTTPAddr, "/healthz"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(stderr, "lapor: %s %q: %v\n", setting, addr, err)
		return 2
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1" // listening on every address: ask the local one
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintln(stderr, "lapor:", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "lapor: %s: %v\n", url, err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "lapor: %s answered %s\n", url, resp.Status)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
