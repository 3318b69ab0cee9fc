package pool

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
)

// CPUs is how many CPUs this process may use, and what limits it: the CPU
// affinity mask (taskset, numactl, a batch system's task plugin), the
// cgroup CPU quota (a container's or a Kubernetes pod's CPU limit, a systemd
// CPUQuota; cgroup v2 cpu.max or v1 cpu.cfs_quota_us) and, in a Slurm job,
// SLURM_CPUS_PER_TASK. The smallest of those that apply is the default
// number of workers, so a batch inside an allocation does not oversubscribe
// it; the core counts of the machine stay what they are (see Machine).
type CPUs struct {
	N        int     // the CPUs this process may use: the smallest limit, at least 1
	Logical  int     // the machine's logical cores
	Affinity int     // CPUs in the affinity mask; 0 when it cannot be read
	Quota    float64 // the cgroup CPU quota in CPUs (1.5 = 150 ms per 100 ms); 0 when none
	Slurm    int     // SLURM_CPUS_PER_TASK; 0 when not set (or not a count)
}

// SlurmCPUsVar is the variable Slurm sets to the CPUs given to each task
// (sbatch/srun --cpus-per-task).
const SlurmCPUsVar = "SLURM_CPUS_PER_TASK"

// UsableCPUs returns the CPUs this process may use, read once.
func UsableCPUs() CPUs { return usableCPUs() }

var usableCPUs = sync.OnceValue(func() CPUs {
	return combineCPUs(LogicalCores(), affinityCPUs(), cgroupQuota("/"), os.Getenv(SlurmCPUsVar))
})

// combineCPUs takes the smallest of the limits that apply: the logical
// cores, the affinity count (0: unknown), the quota rounded up (0: none)
// and the Slurm variable (ignored unless a whole number of 1 or more).
func combineCPUs(logical, affinity int, quota float64, slurm string) CPUs {
	c := CPUs{Logical: max(logical, 1), Affinity: max(affinity, 0)}
	if quota > 0 && !math.IsInf(quota, 0) && !math.IsNaN(quota) {
		c.Quota = quota
	}
	if n, err := strconv.Atoi(strings.TrimSpace(slurm)); err == nil && n > 0 {
		c.Slurm = n
	}
	c.N = c.Logical
	if c.Affinity > 0 {
		c.N = min(c.N, c.Affinity)
	}
	if c.Quota > 0 {
		c.N = min(c.N, max(int(math.Ceil(c.Quota-1e-9)), 1))
	}
	if c.Slurm > 0 {
		c.N = min(c.N, c.Slurm)
	}
	return c
}

// Limited reports whether this process may use fewer CPUs than the
// machine's logical cores.
func (c CPUs) Limited() bool { return c.N < c.Logical }

// Reason names what limits the count, e.g. "CPU affinity" or "cgroup CPU
// quota 1.5"; several when they agree; "" when nothing does.
func (c CPUs) Reason() string {
	if !c.Limited() {
		return ""
	}
	var why []string
	if c.Affinity > 0 && c.Affinity == c.N {
		why = append(why, "CPU affinity")
	}
	if c.Quota > 0 && max(int(math.Ceil(c.Quota-1e-9)), 1) == c.N {
		why = append(why, "cgroup CPU quota "+strconv.FormatFloat(c.Quota, 'f', -1, 64))
	}
	if c.Slurm > 0 && c.Slurm == c.N {
		why = append(why, fmt.Sprintf("%s=%d", SlurmCPUsVar, c.Slurm))
	}
	return strings.Join(why, ", ")
}

// String is "2" or "1 (CPU affinity)".
func (c CPUs) String() string {
	if r := c.Reason(); r != "" {
		return fmt.Sprintf("%d (%s)", c.N, r)
	}
	return strconv.Itoa(c.N)
}
