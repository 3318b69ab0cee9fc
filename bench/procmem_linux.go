package bench

import (
	"os"
	"strconv"
	"strings"
)

// procMemory reads process pid's high-water mark of resident memory (VmHWM)
// and the part of its resident memory mapped from files (RssFile: the
// program's code and libraries, which physical memory holds once for every
// process that maps them) from /proc/PID/status, in bytes; zeros when it
// cannot be read.
func procMemory(pid int) (hwm, file uint64) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	kb := func(rest string) uint64 {
		n, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		return n << 10
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = kb(rest)
		} else if rest, ok := strings.CutPrefix(line, "RssFile:"); ok {
			file = kb(rest)
		}
	}
	return hwm, file
}
