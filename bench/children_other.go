//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package bench

import "time"

// childCPU cannot read the ended children's CPU time here: the worker
// processes' CPU use is summed from samples instead.
func childCPU() (time.Duration, bool) { return 0, false }

// selfCPU cannot be read exactly here: other processes' load is not
// measured.
func selfCPU() (time.Duration, bool) { return 0, false }
