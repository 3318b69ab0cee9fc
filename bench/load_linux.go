package bench

import (
	"os"

	"golang.org/x/sys/unix"
)

// readCPUTimes reads /proc/stat's lines for the CPUs in this process's
// affinity mask: the CPUs its workers run on.
func readCPUTimes() (cpuTimes, bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, false
	}
	var set unix.CPUSet
	watch := func(int) bool { return true }
	if unix.SchedGetaffinity(0, &set) == nil && set.Count() > 0 {
		watch = set.IsSet
	}
	return parseProcStat(string(data), watch)
}
