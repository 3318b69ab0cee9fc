package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/picpool/picpool/pool"
)

// allocatedEngine is the real engine on a machine of 4 logical cores of
// which this process may use one (a cgroup quota of half a CPU).
type allocatedEngine struct{ *Real }

func (allocatedEngine) Machine() (pool.Machine, error) {
	return pool.Machine{PhysicalCores: 2, LogicalCores: 4, CPUs: pool.CPUs{N: 1, Logical: 4, Affinity: 4, Quota: 0.5},
		TotalMemory: 8e9, AvailableMemory: 6e9}, nil
}

// TestWindowFitsTheAllocation: the window shows the usable CPUs beside the
// core counts, and runs that many workers unless told otherwise.
func TestWindowFitsTheAllocation(t *testing.T) {
	h := newEngineHarness(t, test.NewTempApp(t), allocatedEngine{NewEngine()})
	want := "1 usable CPU (cgroup CPU quota 0.5) · 4 logical cores, 2 physical · 6.0 GB of 8.0 GB memory free"
	h.waitFor("the machine line", 5*time.Second, func() bool { return h.w.run.machine.Text != "" })
	if got := h.w.run.machine.Text; got != want {
		t.Errorf("machine line %q\nwant %q", got, want)
	}
	if h.w.run.workers != 1 || h.w.run.workersCtl.entry.Text != "1" {
		t.Errorf("workers %d (control %q), want 1", h.w.run.workers, h.w.run.workersCtl.entry.Text)
	}
	if m, _ := NewEngine().Machine(); !strings.Contains(machineText(m), "usable CPU") {
		t.Errorf("this machine: %q", machineText(m))
	}
}
