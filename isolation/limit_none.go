//go:build !linux && !darwin

package isolation

// limitMemory has no hard limit to set here (no address-space limit with
// unsigned Rlimit fields, or no /proc): the supervisor's watch on resident
// memory is the limit.
func limitMemory(limit int64) error { return nil }
