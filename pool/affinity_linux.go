package pool

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// affinityCPUs is the number of CPUs in this process's affinity mask now
// (runtime.NumCPU is the same count, but read at start-up).
func affinityCPUs() int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return runtime.NumCPU()
	}
	return set.Count()
}
