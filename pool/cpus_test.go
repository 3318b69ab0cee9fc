package pool

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCombineCPUs(t *testing.T) {
	for _, c := range []struct {
		name             string
		logical, affin   int
		quota            float64
		slurm            string
		want             int
		reason           string
		wantQuota, slurN int
	}{
		{name: "nothing limits", logical: 8, affin: 8, want: 8},
		{name: "affinity unknown", logical: 8, want: 8},
		{name: "taskset -c 0", logical: 8, affin: 1, want: 1, reason: "CPU affinity"},
		{name: "quota rounded up", logical: 8, affin: 8, quota: 1.5, want: 2, reason: "cgroup CPU quota 1.5"},
		{name: "quota under one CPU", logical: 8, affin: 8, quota: 0.25, want: 1, reason: "cgroup CPU quota 0.25"},
		{name: "whole quota", logical: 8, affin: 8, quota: 3, want: 3, reason: "cgroup CPU quota 3"},
		{name: "quota above the cores", logical: 4, affin: 4, quota: 16, want: 4},
		{name: "slurm", logical: 8, affin: 8, slurm: "2", want: 2, reason: "SLURM_CPUS_PER_TASK=2"},
		{name: "slurm spaces", logical: 8, affin: 8, slurm: " 3\n", want: 3, reason: "SLURM_CPUS_PER_TASK=3"},
		{name: "slurm above affinity", logical: 8, affin: 2, slurm: "4", want: 2, reason: "CPU affinity"},
		{name: "slurm not a count", logical: 8, affin: 8, slurm: "two", want: 8},
		{name: "slurm zero", logical: 8, affin: 8, slurm: "0", want: 8},
		{name: "slurm negative", logical: 8, affin: 8, slurm: "-1", want: 8},
		{name: "smallest of all", logical: 16, affin: 6, quota: 4.2, slurm: "8", want: 5, reason: "cgroup CPU quota 4.2"},
		{name: "two agree", logical: 16, affin: 2, quota: 2, want: 2, reason: "CPU affinity, cgroup CPU quota 2"},
		{name: "no cores read", logical: 0, want: 1},
	} {
		got := combineCPUs(c.logical, c.affin, c.quota, c.slurm)
		if got.N != c.want || got.Reason() != c.reason {
			t.Errorf("%s: N %d (%q), want %d (%q)", c.name, got.N, got.Reason(), c.want, c.reason)
		}
		if got.Limited() != (c.reason != "") {
			t.Errorf("%s: Limited() = %v", c.name, got.Limited())
		}
	}
	if s := combineCPUs(8, 1, 0, "").String(); s != "1 (CPU affinity)" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseQuota(t *testing.T) {
	for in, want := range map[string]float64{
		"max 100000\n":    0,
		"max":             0,
		"150000 100000\n": 1.5,
		"50000 100000":    0.5,
		"200000 50000":    4,
		"100000":          1, // the period is the kernel's default
		"":                0,
		"-1 100000":       0,
		"abc 100000":      0,
		"100000 0":        0,
	} {
		if got := parseCPUMax(in); got != want {
			t.Errorf("parseCPUMax(%q) = %v, want %v", in, got, want)
		}
	}
	for _, c := range []struct {
		quota, period string
		want          float64
	}{
		{"-1\n", "100000\n", 0},
		{"250000\n", "100000\n", 2.5},
		{"50000", "100000", 0.5},
		{"100000", "", 0},
		{"", "100000", 0},
		{"0", "100000", 0},
	} {
		if got := parseCFS(c.quota, c.period); got != c.want {
			t.Errorf("parseCFS(%q, %q) = %v, want %v", c.quota, c.period, got, c.want)
		}
	}
}

// fakeRoot writes files under a temporary root: path -> content.
func fakeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestCgroupQuota(t *testing.T) {
	const (
		v2Mount     = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
		v1CPUMount  = "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
		v1MemMount  = "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
		hybridMount = "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
		otherMounts = "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n25 22 0:5 / /proc rw - proc proc rw\n"
	)
	for _, c := range []struct {
		name  string
		files map[string]string
		want  float64
	}{
		{name: "no cgroup files", want: 0},
		{name: "v2, no limit", want: 0, files: map[string]string{
			"proc/self/cgroup":    "0::/user.slice/session-1.scope\n",
			"proc/self/mountinfo": otherMounts + v2Mount,
			"sys/fs/cgroup/user.slice/session-1.scope/cpu.max": "max 100000\n",
		}},
		{name: "v2, a pod's limit", want: 1.5, files: map[string]string{
			"proc/self/cgroup":                        "0::/kubepods/pod1/ctr\n",
			"proc/self/mountinfo":                     otherMounts + v2Mount,
			"sys/fs/cgroup/kubepods/pod1/ctr/cpu.max": "max 100000\n",
			"sys/fs/cgroup/kubepods/pod1/cpu.max":     "150000 100000\n",
			"sys/fs/cgroup/kubepods/cpu.max":          "max 100000\n",
		}},
		{name: "v2, the smallest of the ancestors", want: 0.5, files: map[string]string{
			"proc/self/cgroup":          "0::/a/b\n",
			"proc/self/mountinfo":       v2Mount,
			"sys/fs/cgroup/a/b/cpu.max": "300000 100000\n",
			"sys/fs/cgroup/a/cpu.max":   "50000 100000\n",
		}},
		{name: "v2, cgroup namespace: the container's own cgroup at the mount", want: 2, files: map[string]string{
			"proc/self/cgroup":        "0::/\n",
			"proc/self/mountinfo":     v2Mount,
			"sys/fs/cgroup/cpu.max":   "200000 100000\n",
			"sys/fs/cgroup/x/cpu.max": "10000 100000\n", // not this process's
		}},
		{name: "v1, a Slurm job's cgroup", want: 2, files: map[string]string{
			"proc/self/cgroup":    "5:memory:/slurm/uid_0/job_5\n4:cpu,cpuacct:/slurm/uid_0/job_5\n1:name=systemd:/\n",
			"proc/self/mountinfo": otherMounts + v1CPUMount + v1MemMount,
			"sys/fs/cgroup/cpu,cpuacct/slurm/uid_0/job_5/cpu.cfs_quota_us":  "200000\n",
			"sys/fs/cgroup/cpu,cpuacct/slurm/uid_0/job_5/cpu.cfs_period_us": "100000\n",
			"sys/fs/cgroup/cpu,cpuacct/slurm/cpu.cfs_quota_us":              "-1\n",
			"sys/fs/cgroup/cpu,cpuacct/slurm/cpu.cfs_period_us":             "100000\n",
			"sys/fs/cgroup/memory/slurm/uid_0/job_5/cpu.cfs_quota_us":       "10000\n", // not a cpu hierarchy
			"sys/fs/cgroup/memory/slurm/uid_0/job_5/cpu.cfs_period_us":      "100000\n",
		}},
		{name: "v1, no quota", want: 0, files: map[string]string{
			"proc/self/cgroup":                            "4:cpu,cpuacct:/\n",
			"proc/self/mountinfo":                         v1CPUMount,
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":  "-1\n",
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
		}},
		{name: "v1, mounted from a parent cgroup (docker)", want: 1, files: map[string]string{
			"proc/self/cgroup":                            "4:cpu,cpuacct:/docker/abc\n",
			"proc/self/mountinfo":                         "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup cgroup rw,cpu,cpuacct\n",
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":  "100000\n",
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
		}},
		{name: "hybrid: v1 cpu and an empty v2", want: 0.75, files: map[string]string{
			"proc/self/cgroup":                          "4:cpu:/batch\n0::/\n",
			"proc/self/mountinfo":                       "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n" + hybridMount,
			"sys/fs/cgroup/cpu/batch/cpu.cfs_quota_us":  "75000",
			"sys/fs/cgroup/cpu/batch/cpu.cfs_period_us": "100000",
		}},
		{name: "a mount point with a space", want: 3, files: map[string]string{
			"proc/self/cgroup":           "0::/j\n",
			"proc/self/mountinfo":        `30 23 0:26 / /sys/fs/my\040cgroup rw - cgroup2 cgroup2 rw` + "\n",
			"sys/fs/my cgroup/j/cpu.max": "300000 100000",
		}},
		{name: "the group lies outside the mounted cgroup", want: 0, files: map[string]string{
			"proc/self/cgroup":      "0::/elsewhere\n",
			"proc/self/mountinfo":   "30 23 0:26 /mine /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
			"sys/fs/cgroup/cpu.max": "100000 100000",
		}},
	} {
		root := fakeRoot(t, c.files)
		if got := cgroupQuota(root); got != c.want {
			t.Errorf("%s: cgroupQuota = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestUsableCPUsHere(t *testing.T) {
	c := UsableCPUs()
	if c.N < 1 || c.N > c.Logical || c.Logical != LogicalCores() {
		t.Errorf("UsableCPUs() = %+v (logical cores %d)", c, LogicalCores())
	}
	if m, _ := ReadMachine(); m.CPUs != c {
		t.Errorf("ReadMachine().CPUs = %+v, want %+v", m.CPUs, c)
	}
	t.Logf("%+v: %s", c, c)
}

// TestCgroupLinesOfThisMachine reads the real files, which the fake roots
// above imitate: whatever the machine, the answer is a quota or none.
func TestCgroupLinesOfThisMachine(t *testing.T) {
	lines := readLines("/proc/self/mountinfo")
	if len(lines) == 0 {
		t.Skip("no /proc/self/mountinfo")
	}
	var kinds []string
	for _, m := range parseMounts(lines) {
		kinds = append(kinds, m.point)
	}
	t.Logf("cgroup mounts: %s; quota %v", strings.Join(kinds, ", "), cgroupQuota("/"))
	if q := cgroupQuota("/"); q < 0 {
		t.Errorf("quota %v", q)
	}
}
