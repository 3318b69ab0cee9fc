//go:build race

package imgtest

// Race says whether the race detector is on.
const Race = true
