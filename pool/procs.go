package pool

import (
	"runtime"
	"sync"
)

// procCap is the process-wide GOMAXPROCS limit shared by running pools (see
// the package documentation).
var procCap struct {
	mu      sync.Mutex
	pools   int // running pools that cap GOMAXPROCS
	workers int // their workers, summed
	orig    int // GOMAXPROCS before the first of them started
}

// capProcs lowers GOMAXPROCS to cover workers more workers (never above the
// value it had before any pool started) and returns the function that undoes
// it, restoring the original value when the last pool ends.
func capProcs(workers int) (release func()) {
	c := &procCap
	c.mu.Lock()
	if c.pools == 0 {
		c.orig = runtime.GOMAXPROCS(0)
	}
	c.pools++
	c.workers += workers
	c.apply()
	c.mu.Unlock()

	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.pools--
			c.workers -= workers
			if c.pools > 0 {
				c.apply()
				return
			}
			// Going back through SetDefaultGOMAXPROCS re-enables Go's automatic
			// updates (cgroup limit changes) when the original value was the
			// default; otherwise set the original value explicitly.
			runtime.SetDefaultGOMAXPROCS()
			if runtime.GOMAXPROCS(0) != c.orig {
				runtime.GOMAXPROCS(c.orig)
			}
		})
	}
}

// apply sets GOMAXPROCS to min(workers, orig). procCap.mu held.
func (c *struct {
	mu      sync.Mutex
	pools   int
	workers int
	orig    int
}) apply() {
}
