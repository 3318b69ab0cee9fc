package pool

import (
	"runtime"
	"sync"
)

// procCap is the process-wide GOMAXPROCS limit shared by running pools (see
// the package documentation).
var procCap procLimit

type procLimit struct {
	mu      sync.Mutex
	pools   int // running pools that cap GOMAXPROCS
	workers int // their workers, summed
	orig    int // GOMAXPROCS before the first of them started
}

// capProcs counts workers more workers into the GOMAXPROCS limit and returns
// the function that takes them out again; when the last running pool ends it
// restores the value GOMAXPROCS had before the first one started.
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

// apply sets GOMAXPROCS to the workers of the running pools, but not above
// the CPUs this process may use (UsableCPUs: affinity, cgroup quota, Slurm)
// nor above the value GOMAXPROCS had before (which may be lower, from the
// GOMAXPROCS variable). c.mu held.
func (c *procLimit) apply() {
	n := max(min(c.workers, c.orig, UsableCPUs().N), 1)
	if runtime.GOMAXPROCS(0) != n {
		runtime.GOMAXPROCS(n)
	}
}
