// Package pool runs batches of independent jobs on a fixed set of worker
// goroutines and reports what every worker is doing while they run.
//
// The pool knows workers, not images: a Job is a name, an input size, a memory
// cost and a Run function. Jobs report the stages they go through with
// Progress.Stage, which is also where a paused pool holds them. Run is a classic
// bounded pipeline: one feeder hands jobs to Options.Workers goroutines over an
// unbuffered channel, everything selects on ctx.Done(), and every goroutine has
// been joined when Run returns. Snapshot gives a consistent copy of per-worker
// states and batch totals for a GUI or a progress line and never holds up the
// workers for longer than that copy.
//
// # Workers, cores and GOMAXPROCS
//
// The image engine uses github.com/disintegration/imaging v1.6.2, which splits
// every resize, blur and sharpen over runtime.GOMAXPROCS(0) goroutines and has no
// setting to stop it. A pool of N workers therefore does not mean N cores: each
// worker fans out over the whole machine, so a single worker already keeps every
// core busy and more workers mostly add memory. Measured on 2 vCPUs: one worker
// that fans out managed 1.52 images/s, two workers 2.33 images/s, with 55% more
// memory for two. With fan-out left on, a "1 worker" figure is really an
// "all cores" figure and any scaling table built from it is wrong.
//
// So by default (Options.FanOut false) a running pool lowers runtime.GOMAXPROCS
// to the number of workers: while pools run, GOMAXPROCS is the sum of the
// workers of all running pools, but never more than the CPUs this process
// may use (UsableCPUs) nor the value GOMAXPROCS had before the first of them
// started (which may be lower, from the GOMAXPROCS variable). The change is reference-counted under a package-level
// mutex, so overlapping pools cooperate, and the original value is restored when
// the last running pool ends. N workers then use at most N cores, and a
// one-worker run is honestly a one-core run. GOMAXPROCS is process-wide: code
// running beside a pool (the GUI, for one) shares the lower limit while it runs.
//
// Options.FanOut true leaves GOMAXPROCS alone, so each job may spread over all
// cores the way imaging does by itself; that can help when there are fewer jobs
// than cores, at the cost of the honest per-worker figures.
//
// # The CPUs this process may use
//
// Options.Workers 0 means one worker per CPU this process may use
// (UsableCPUs), not per core of the machine: the smallest of the CPU
// affinity mask (taskset, a batch system's task binding), the cgroup CPU
// quota rounded up (a container's or a Kubernetes pod's CPU limit; cgroup v2
// cpu.max or v1 cpu.cfs_quota_us, the process's cgroup and those above it)
// and, in a Slurm job, SLURM_CPUS_PER_TASK. Inside an allocation a batch so
// fits it instead of oversubscribing it; Machine keeps the physical and
// logical core counts beside that figure.
//
// The classic one-process-per-core model, where each worker is a child process
// running with GOMAXPROCS=1, is a later isolation mode meant to sit on top of
// this package rather than inside it. Progress.Worker tells a job which worker
// runs it, so such a layer can keep one child process per worker and send each
// job to its worker's child.
package pool
