//go:build !unix

package isolation

import "os"

// limitMemory has no hard limit to set here: the supervisor's watch on
// resident memory is the limit.
func limitMemory(limit int64) error { return nil }

func killedBy(st *os.ProcessState) string { return "" }
