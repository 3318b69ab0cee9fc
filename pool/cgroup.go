package pool

import (
	"bufio"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The cgroup CPU quota of this process: the CPU time its cgroup, or any
// cgroup above it, may use per period. Under cgroup v2 it is cpu.max
// ("max 100000" or "150000 100000"), under v1 cpu.cfs_quota_us (-1 for
// none) over cpu.cfs_period_us. The cgroup is found from /proc/self/cgroup
// and the mount points from /proc/self/mountinfo, as the Go runtime does;
// machines with both hierarchies (a "hybrid" layout) are read in both.

// cgroupQuota returns the smallest CPU quota, in CPUs, of the cgroups of
// this process and their ancestors, reading the files under root ("/" but
// in tests); 0 when there is none or it cannot be read.
func cgroupQuota(root string) float64 {
	groups := readLines(filepath.Join(root, "proc/self/cgroup"))
	mounts := readLines(filepath.Join(root, "proc/self/mountinfo"))
	quota := 0.0
	for _, m := range parseMounts(mounts) {
		group, ok := cgroupPath(groups, m.v2)
		if !ok {
			continue
		}
		if !m.v2 && !slices.Contains(m.controllers, "cpu") {
			continue
		}
		dir, ok := m.dir(group)
		if !ok {
			continue
		}
		for {
			if q := readQuota(filepath.Join(root, dir), m.v2); q > 0 && (quota == 0 || q < quota) {
				quota = q
			}
			if dir == m.point || dir == "/" || dir == "." {
				break
			}
			dir = path.Dir(dir)
		}
	}
	return quota
}

// cgroupMount is a cgroup file system mounted somewhere.
type cgroupMount struct {
	root, point string   // the cgroup mounted, and where
	v2          bool     // cgroup2; else a v1 hierarchy of controllers
	controllers []string // v1: from the super options
}

// parseMounts reads the cgroup mounts from mountinfo lines:
// "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER".
func parseMounts(lines []string) []cgroupMount {
	var out []cgroupMount
	for _, l := range lines {
		fields := strings.Fields(l)
		sep := slices.Index(fields, "-")
		if sep < 5 || len(fields) < sep+4 {
			continue
		}
		m := cgroupMount{root: unescapeMount(fields[3]), point: unescapeMount(fields[4])}
		switch fields[sep+1] {
		case "cgroup2":
			m.v2 = true
		case "cgroup":
			m.controllers = strings.Split(fields[sep+3], ",")
		default:
			continue
		}
		out = append(out, m)
	}
	return out
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cgroupPath finds this process's cgroup in /proc/self/cgroup lines
// ("HIERARCHY:CONTROLLERS:PATH"): the v2 line ("0::/path"), or the v1
// line whose controllers include cpu.
func cgroupPath(lines []string, v2 bool) (string, bool) {
	for _, l := range lines {
		parts := strings.SplitN(l, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if v2 && parts[0] == "0" && parts[1] == "" {
			return parts[2], true
		}
		if !v2 && slices.Contains(strings.Split(parts[1], ","), "cpu") {
			return parts[2], true
		}
	}
	return "", false
}

// dir is the folder of cgroup group under the mount point; false when the
// group does not lie under the mounted cgroup (another namespace's).
func (m cgroupMount) dir(group string) (string, bool) {
	rel, ok := strings.CutPrefix(group, m.root)
	if !ok || (rel != "" && m.root != "/" && !strings.HasPrefix(rel, "/")) {
		return "", false
	}
	return path.Join(m.point, rel), true
}

// readQuota reads one cgroup folder's quota in CPUs; 0 for none.
func readQuota(dir string, v2 bool) float64 {
	if v2 {
		data, err := os.ReadFile(filepath.Join(dir, "cpu.max"))
		if err != nil {
			return 0
		}
		return parseCPUMax(string(data))
	}
	q, err1 := os.ReadFile(filepath.Join(dir, "cpu.cfs_quota_us"))
	p, err2 := os.ReadFile(filepath.Join(dir, "cpu.cfs_period_us"))
	if err1 != nil || err2 != nil {
		return 0
	}
	return parseCFS(string(q), string(p))
}

// parseCPUMax reads cgroup v2's cpu.max, "QUOTA PERIOD" in microseconds or
// "max PERIOD": the quota in CPUs, 0 for none or nonsense.
func parseCPUMax(s string) float64 {
	f := strings.Fields(s)
	if len(f) == 0 || f[0] == "max" {
		return 0
	}
	period := "100000" // the kernel's default when only the quota is shown
	if len(f) > 1 {
		period = f[1]
	}
	return quotaOver(f[0], period)
}

// parseCFS reads cgroup v1's cpu.cfs_quota_us (-1: none) and
// cpu.cfs_period_us: the quota in CPUs, 0 for none or nonsense.
func parseCFS(quota, period string) float64 { return quotaOver(quota, period) }

func quotaOver(quota, period string) float64 {
	q, err1 := strconv.ParseInt(strings.TrimSpace(quota), 10, 64)
	p, err2 := strconv.ParseInt(strings.TrimSpace(period), 10, 64)
	if err1 != nil || err2 != nil || q <= 0 || p <= 0 {
		return 0
	}
	v := float64(q) / float64(p)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return v
}

// readLines reads a small file's lines; none when it cannot be read.
func readLines(name string) []string {
	f, err := os.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
