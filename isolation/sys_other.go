//go:build !unix

package isolation

import "os"

// limitMemory has no hard limit to set here: the supervisor's watch on
// resident memory is the limit.
func limitMemory(limit int64) error { return nil }

func exitPeakRSS(st *os.ProcessState) uint64 { return 0 }

func killedBy(st *os.ProcessState) string { return "" }
