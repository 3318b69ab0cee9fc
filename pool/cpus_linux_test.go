package pool

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// childWant is set in the environment of this test binary run again as a
// child process, to the CPUs the child must find it may use.
const childWant = "PICPOOL_TEST_USABLE_CPUS"

// TestUsableCPUsChild is the child's side of the tests below: it checks the
// figure, the default worker count and GOMAXPROCS in a default pool.
func TestUsableCPUsChild(t *testing.T) {
	raw := os.Getenv(childWant)
	if raw == "" {
		t.Skip("run by the tests below in a child process")
	}
	want, _ := strconv.Atoi(raw)
	c := UsableCPUs()
	t.Logf("usable CPUs %s; GOMAXPROCS %d; logical %d", c, runtime.GOMAXPROCS(0), LogicalCores())
	if c.N != want {
		t.Errorf("UsableCPUs() = %+v, want N = %d", c, want)
	}
	if got := New(Options{}).Workers(); got != want {
		t.Errorf("default workers %d, want %d", got, want)
	}
	// A pool of the default size caps GOMAXPROCS to its workers, and so to
	// the usable CPUs, even where the runtime's own default is higher (Go
	// keeps at least 2 under a cgroup quota).
	orig := runtime.GOMAXPROCS(0)
	if got := procsInJob(t, Options{}); got != min(want, orig) {
		t.Errorf("GOMAXPROCS in a default pool %d, want %d", got, min(want, orig))
	}
	if got := procsInJob(t, Options{Workers: 4 * LogicalCores()}); got != min(want, orig) {
		t.Errorf("GOMAXPROCS in a pool of %d workers %d, want %d (no more than the usable CPUs)", 4*LogicalCores(), got, min(want, orig))
	}
	if got := runtime.GOMAXPROCS(0); got != orig {
		t.Errorf("GOMAXPROCS after the pools %d, want %d restored", got, orig)
	}
}

// runChild runs TestUsableCPUsChild in a child process, through wrap (the
// command that starts it: taskset, a shell that joins a cgroup).
func runChild(t *testing.T, want int, env []string, wrap ...string) {
	t.Helper()
	args := append(wrap, os.Args[0], "-test.run=^TestUsableCPUsChild$", "-test.v")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(append(os.Environ(), env...), fmt.Sprintf("%s=%d", childWant, want))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestUsableCPUsChild") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
}

func TestUsableCPUsUnderTaskset(t *testing.T) {
	if _, err := exec.LookPath("taskset"); err != nil {
		t.Skip("no taskset (util-linux)")
	}
	runChild(t, 1, nil, "taskset", "-c", "0")
}

func TestUsableCPUsInASlurmTask(t *testing.T) {
	want := min(UsableCPUs().N, 1)
	runChild(t, want, []string{SlurmCPUsVar + "=1"})
}

// TestUsableCPUsUnderACgroupQuota makes a real cgroup with a quota of half
// a CPU (v2 cpu.max or v1 cpu.cfs_quota_us, whichever this machine lets
// root write) and runs the child in it: one usable CPU. It is skipped where
// cgroups cannot be made (not root, read-only /sys/fs/cgroup, no cpu
// controller).
func TestUsableCPUsUnderACgroupQuota(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to make a cgroup")
	}
	dir, v2, err := makeQuotaCgroup(50000, 100000)
	if err != nil {
		t.Skipf("cannot make a cgroup with a CPU quota here: %v", err)
	}
	defer func() {
		// The child has exited: the cgroup is empty and can go (retry
		// briefly, as the kernel lets go of it asynchronously).
		for i := 0; i < 50 && os.Remove(dir) != nil; i++ {
			time.Sleep(20 * time.Millisecond)
		}
	}()
	t.Logf("cgroup %s (v2 %v)", dir, v2)
	runChild(t, 1, nil, "sh", "-c", `echo $$ > "$0/cgroup.procs" && shift && exec "$@"`, dir, "_")
}

// makeQuotaCgroup makes a cgroup below this process's own, in the v2 or v1
// hierarchy that has the cpu controller, with the quota given.
func makeQuotaCgroup(quota, period int) (dir string, v2 bool, err error) {
	groups := readLines("/proc/self/cgroup")
	for _, m := range parseMounts(readLines("/proc/self/mountinfo")) {
		if !m.v2 && !slices.Contains(m.controllers, "cpu") {
			continue
		}
		group, ok := cgroupPath(groups, m.v2)
		if !ok {
			continue
		}
		parent, ok := m.dir(group)
		if !ok {
			continue
		}
		dir := filepath.Join(parent, fmt.Sprintf("picpool-test-%d", os.Getpid()))
		if err := os.Mkdir(dir, 0o755); err != nil {
			continue
		}
		file, value := "cpu.cfs_quota_us", strconv.Itoa(quota)
		if m.v2 {
			file, value = "cpu.max", fmt.Sprintf("%d %d", quota, period)
		} else if werr := os.WriteFile(filepath.Join(dir, "cpu.cfs_period_us"), []byte(strconv.Itoa(period)), 0o644); werr != nil {
			os.Remove(dir)
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, file), []byte(value), 0o644); err != nil {
			os.Remove(dir)
			continue
		}
		return dir, m.v2, nil
	}
	return "", false, errors.New("no writable cgroup with the cpu controller")
}
