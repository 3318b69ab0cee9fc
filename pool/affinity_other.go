//go:build !linux

package pool

import "runtime"

// affinityCPUs is the number of CPUs this process may run on, as the Go
// runtime counts them (on Windows, the process's affinity mask).
func affinityCPUs() int { return runtime.NumCPU() }
