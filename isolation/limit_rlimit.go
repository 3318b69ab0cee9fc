//go:build linux || darwin

package isolation

import (
	"fmt"
	"syscall"
)

// rlimInfinity is RLIM_INFINITY as the Rlimit fields hold it.
const rlimInfinity = ^uint64(0)

// limitMemory makes an allocation far past limit fail at once, before the
// supervisor's watch on resident memory (the precise limit) could see pages
// being touched: the Go runtime then stops the process with "fatal error:
// out of memory", which the supervisor reports as such. The limit is on
// address space, which the runtime reserves in 64 MiB arenas ahead of use,
// so it gets 256 MiB of slack over what is mapped now. Under the race
// detector, whose shadow memory would hit it first, only the watch applies.
func limitMemory(limit int64) error {
	if raceEnabled {
		return nil
	}
	mapped := procStatus("VmSize")
	if mapped <= 0 {
		return nil // no /proc: the supervisor's watch still applies
	}
	var cur syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &cur); err != nil {
		return fmt.Errorf("isolation: cannot read the address-space limit: %w", err)
	}
	want := uint64(mapped + limit + 256<<20)
	if cur.Cur != rlimInfinity && cur.Cur < want {
		return nil // already tighter
	}
	if cur.Max != rlimInfinity && cur.Max < want {
		want = cur.Max
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: want, Max: cur.Max}); err != nil {
		return fmt.Errorf("isolation: cannot limit memory to %d bytes: %w", limit, err)
	}
	return nil
}
