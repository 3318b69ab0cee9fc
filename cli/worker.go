package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/isolation"
	"github.com/picpool/picpool/journal"
)

func init() {
	register(isolation.WorkerCommand, command{summary: "serve jobs as a worker process (internal)", hidden: true, run: workerCmd})
}

// workerCmd is "picpool __worker": a child of "run -isolation process",
// speaking the worker protocol on its standard input and output.
func workerCmd(env *Env, args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(env.Stderr, "picpool __worker: internal command started by \"picpool run -isolation process\"; it takes no arguments")
		return ExitUsage
	}
	// The protocol owns standard output: anything else printed by mistake
	// goes to standard error instead of corrupting a frame.
	out := os.Stdout
	os.Stdout = os.Stderr
	err := isolation.Serve(os.Stdin, out)
	if err != nil && !errors.Is(err, isolation.ErrParentGone) {
		fmt.Fprintln(env.Stderr, "picpool __worker:", err)
		return ExitFailures
	}
	return ExitOK
}

func (f *runFlags) registerIsolation(fs *flag.FlagSet) {
	fs.StringVar(&f.isolation, "isolation", "goroutine", "where workers run: goroutine, or process (one child process per worker, on one core each: a file that crashes, hangs or runs out of memory fails alone)")
	fs.StringVar(&f.memoryBudget, "memory-budget", "auto", "start a file only when its estimated memory fits beside the running ones: auto (3/4 of the available memory), off, or a `size` such as 512MiB or 2G")
	fs.DurationVar(&f.timeout, "timeout", 0, "with -isolation process: stop a file after this long, e.g. 2m (0: no limit)")
	fs.StringVar(&f.workerMemory, "worker-memory", "0", "with -isolation process: the memory one worker process may use, e.g. 1GiB (0: no limit)")
	fs.BoolVar(&f.resume, "resume", false, "skip the inputs an interrupted run into the same output folder finished (same size and time), and complete the rest")
	fs.BoolVar(&f.keepJournal, "keep-journal", false, "keep the resume journal ("+journal.FileName+") in the output folder after a run that finished every input (it always stays while inputs failed or remain)")
}

// isolationSettings reads -isolation, -memory-budget, -timeout and
// -worker-memory.
func (f *runFlags) isolationSettings() (engine.Settings, error) {
	var s engine.Settings
	var err error
	if s.Isolation, err = engine.ParseIsolation(f.isolation); err != nil {
		return s, fmt.Errorf("-isolation: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(f.memoryBudget)) {
	case "", "off", "none", "0":
	case "auto":
		s.MemoryBudget = engine.AutoMemoryBudget()
	default:
		if s.MemoryBudget, err = parseSize(f.memoryBudget); err != nil || s.MemoryBudget <= 0 {
			return s, fmt.Errorf("-memory-budget %q: want auto, off or a size such as 512MiB", f.memoryBudget)
		}
	}
	if f.workerMemory != "" {
		if s.WorkerMemory, err = parseSize(f.workerMemory); err != nil || s.WorkerMemory < 0 {
			return s, fmt.Errorf("-worker-memory %q: want a size such as 1GiB, or 0", f.workerMemory)
		}
	}
	if f.timeout < 0 {
		return s, fmt.Errorf("-timeout %v: must be 0 (none) or more", f.timeout)
	}
	s.Timeout = f.timeout
	if s.Isolation != engine.Processes && (s.Timeout > 0 || s.WorkerMemory > 0) {
		return s, errors.New("-timeout and -worker-memory need -isolation process: a goroutine cannot be stopped")
	}
	return s, nil
}

// parseSize reads a byte count with an optional unit: 512MiB, 2G, 300mb,
// 1048576. K, M, G and T are binary (1024) with or without "iB" or "B".
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = strings.TrimSpace(t[:n-1])
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || v*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * float64(mult)), nil
}

// printResume adds what resuming skipped, any warning, and where the
// resume journal stays when it does (keep: -keep-journal, asked for), to
// the summary.
func printResume(w io.Writer, s engine.Summary, keep bool) {
	if s.Resumed > 0 {
		fmt.Fprintf(w, "resumed: %d of the skipped inputs were done by an earlier run\n", s.Resumed)
	}
	for _, warn := range s.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	switch {
	case s.Journal == "" || keep || s.Interrupted: // see printCanceled
	case s.Canceled > 0:
		fmt.Fprintf(w, "journal: %s records what is done; the same command with -resume finishes the rest\n", s.Journal)
	case s.Failed > 0:
		fmt.Fprintf(w, "journal: %s stays while inputs failed; the same command with -resume retries only those\n", s.Journal)
	}
}

// printCanceled says what an interrupted run (Ctrl-C, SIGTERM) left.
func printCanceled(w io.Writer, s engine.Summary) {
	fmt.Fprintln(w, "canceled: finished files are complete; files in progress were abandoned and left no partial output")
	if s.Journal != "" {
		fmt.Fprintf(w, "journal: %s records what is done; the same command with -resume finishes the rest\n", s.Journal)
	}
}
