//go:build !unix

package isolation

// orphanParent needs unix signals (see supervisor_test.go); elsewhere the
// parent-death test does not run.
func orphanParent() int { return 2 }
