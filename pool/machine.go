package pool

import (
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/mem"
	"github.com/shirou/gopsutil/v4/process"
)

// Machine is what the machine offers, and what of it this process may use.
type Machine struct {
	PhysicalCores, LogicalCores  int
	CPUs                         CPUs   // the CPUs this process may use: the default worker count
	TotalMemory, AvailableMemory uint64 // bytes
}

// ReadMachine reads core counts and memory through gopsutil. Core counts fall
// back to runtime.NumCPU() when gopsutil cannot tell; the error reports a
// failure to read memory, with the counts still filled in.
func ReadMachine() (Machine, error) {
	m := Machine{
		PhysicalCores: countCores(false),
		LogicalCores:  LogicalCores(),
		CPUs:          UsableCPUs(),
	}
	vm, err := mem.VirtualMemory()
	if err != nil {
		return m, err
	}
	m.TotalMemory, m.AvailableMemory = vm.Total, vm.Available
	return m, nil
}

// LogicalCores is the number of logical cores (hardware threads) of the
// machine, read once. The default number of workers is UsableCPUs, which
// may be fewer.
func LogicalCores() int { return logicalCores() }

var logicalCores = sync.OnceValue(func() int { return countCores(true) })

func countCores(logical bool) int {
	n, err := cpu.Counts(logical)
	if err != nil || n <= 0 {
		return runtime.NumCPU()
	}
	return n
}

// ProcStats are one process's figures for the worker list.
type ProcStats struct {
	PID        int32
	CPUPercent float64 // since the previous sample, over all cores like top: 200 = two cores busy
	RSS        uint64  // resident memory, bytes
}

// ProcSampler samples a process's CPU use and memory. It is safe for
// concurrent use.
type ProcSampler struct {
	proc *process.Process

	mu   sync.Mutex
	cpu  float64 // CPU seconds (user+system) at the previous sample
	when time.Time
}

// NewProcSampler starts sampling process pid (os.Getpid() for this process).
// The first Sample covers the time since NewProcSampler.
func NewProcSampler(pid int32) (*ProcSampler, error) {
	p, err := process.NewProcess(pid)
	if err != nil {
		return nil, err
	}
	s := &ProcSampler{proc: p}
	s.cpu, err = cpuSeconds(p)
	if err != nil {
		return nil, err
	}
	s.when = time.Now()
	return s, nil
}

// Sample returns CPU% since the previous sample and the current RSS.
func (s *ProcSampler) Sample() (ProcStats, error) {
	st := ProcStats{PID: s.proc.Pid}
	cpuNow, errCPU := cpuSeconds(s.proc)
	now := time.Now()
	if errCPU == nil {
		s.mu.Lock()
		if wall := now.Sub(s.when).Seconds(); wall > 0 {
			st.CPUPercent = max(cpuNow-s.cpu, 0) / wall * 100
		}
		s.cpu, s.when = cpuNow, now
		s.mu.Unlock()
	}
	mi, errMem := s.proc.MemoryInfo()
	if errMem == nil {
		st.RSS = mi.RSS
	}
	return st, errors.Join(errCPU, errMem)
}

func cpuSeconds(p *process.Process) (float64, error) {
	t, err := p.Times()
	if err != nil {
		return 0, err
	}
	return t.User + t.System, nil
}
