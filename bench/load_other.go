//go:build !linux

package bench

// readCPUTimes has no /proc/stat to read here: other processes' load is not
// measured.
func readCPUTimes() (cpuTimes, bool) { return cpuTimes{}, false }
