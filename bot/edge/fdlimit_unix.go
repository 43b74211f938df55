//go:build unix

package edge

import "syscall"

// fdLimit is the process's limit of open files (Go raises the soft limit
// to the hard one at start).
func fdLimit() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur == 0 {
		return 1024
	}
	return int(min(r.Cur, 1<<20))
}
