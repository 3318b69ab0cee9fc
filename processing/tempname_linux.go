package processing

import (
	"errors"
	"os"
	"strings"
	"syscall"
)

// machineIdentity is this boot's ID and the process's PID namespace: PIDs
// mean the same process only where both are the same.
func machineIdentity() string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(boot)) + " " + ns
}

// processGone reports whether no process has this PID (in this PID
// namespace). One that exists, even another user's or a zombie, is not gone.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
