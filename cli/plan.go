package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/plan"
	"github.com/picpool/picpool/shard"
)

func init() {
	register("plan", command{summary: "plan a batch once, to run it in shards on many machines (run -plan)", run: planCmd})
	register("report", command{summary: "report merge: one report of a planned batch from its shards' reports", run: reportCmd})
}

// planCmd is "picpool plan": the inputs walked once and written down with
// the settings, for "run -plan FILE -shard K/N".
func planCmd(env *Env, args []string) int {
	fs := flag.NewFlagSet("picpool plan", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f runFlags
	f.register(fs)
	from := fs.String("from", "", "read more inputs from this `file`, one path a line (- : standard input)")
	assign := fs.String("assign", "hash", "which input runs in which shard: hash (a stable hash of its path: shards stay put when inputs are added) or size (contiguous ranges of about equal bytes)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: picpool plan -out FOLDER [the run's options] FILE|FOLDER... > plan.jsonl\n\n"+
			"Writes the batch's plan (docs/cluster.md) on standard output; then on each task:\n"+
			"  picpool run -plan plan.jsonl -shards N      (or -shard K/N)\n"+
			"and after them:\n  picpool report merge -plan plan.jsonl > report.json\n\nOptions:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := usageFailure(env, "plan")
	var tasky []string
	fs.Visit(func(fl *flag.Flag) {
		if taskFlags[fl.Name] && fl.Name != "out" && fl.Name != "assign" && fl.Name != "allow-overwrite-sources" {
			tasky = append(tasky, "-"+fl.Name)
		}
	})
	if len(tasky) > 0 {
		return fail("%s: a task's option, give it to picpool run -plan", list(tasky))
	}
	if f.out == "" {
		return fail("-out FOLDER is required")
	}
	a, err := plan.ParseAssign(*assign)
	if err != nil {
		return fail("-assign: %v", err)
	}
	inputs := fs.Args()
	if *from != "" {
		more, err := readList(*from)
		if err != nil {
			return fail("-from: %v", err)
		}
		inputs = append(inputs, more...)
	}
	if len(inputs) == 0 {
		return fail("no inputs: give files or folders after the options, or -from FILE")
	}
	preset, err := f.presetOf(fs)
	if err != nil {
		return fail("%v", err)
	}
	s, err := f.settings(fs)
	if err != nil {
		return fail("%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := engine.MakePlan(ctx, inputs, s.Processing, a)
	if err != nil {
		if ctx.Err() != nil {
			return ExitCanceled
		}
		return fail("%v", err)
	}
	if len(p.Inputs) == 0 {
		return fail("no image files found in the inputs")
	}
	p.Settings, p.Program = preset, "picpool "+Version
	if err := plan.Write(env.Stdout, p); err != nil {
		fmt.Fprintf(env.Stderr, "picpool plan: cannot write the plan: %v\n", err)
		return ExitFailures
	}
	for _, ig := range p.Ignored {
		fmt.Fprintf(env.Stderr, "skip   %s: %s\n", ig.Path, ig.Reason)
	}
	fmt.Fprintf(env.Stderr, "plan   %s (%.1f MB) below %s into %s; %d other files ignored; assign by %s; settings %s\n",
		plural(len(p.Inputs), "input", "inputs"), float64(p.Bytes)/1e6, p.Root, p.Out, len(p.Ignored), p.Assign, p.Fingerprint)
	return ExitOK
}

// readList reads paths, one a line (empty lines left out), from a file or
// "-" (standard input).
func readList(name string) ([]string, error) {
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var paths []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if line := strings.TrimRight(sc.Text(), "\r"); strings.TrimSpace(line) != "" {
			paths = append(paths, line)
		}
	}
	return paths, sc.Err()
}

// reportCmd is "picpool report merge".
func reportCmd(env *Env, args []string) int {
	const usage = "Usage: picpool report merge -plan FILE [-out FOLDER] [-shards N] > report.json"
	if len(args) == 0 || args[0] != "merge" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintln(env.Stdout, usage)
			return ExitOK
		}
		fmt.Fprintln(env.Stderr, usage)
		return ExitUsage
	}
	fs := flag.NewFlagSet("picpool report merge", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	planFile := fs.String("plan", "", "the plan `file` the shards ran (required)")
	out := fs.String("out", "", "the output `folder` holding the shards' reports (default: the plan's)")
	shards := fs.Int("shards", 0, "the shard count `N` (default: the reports'); reports of other counts are left out")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, usage+"\n\n"+
			"Prints the batch's JSON report (run -report's schema) made of the shards' reports, and names the\n"+
			"shards to run again. Exit status: 0 complete, 1 complete with failed inputs, 2 bad usage,\n"+
			"3 incomplete: shards missing or unfinished (resubmit those).\n\nOptions:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	fail := usageFailure(env, "report merge")
	if *planFile == "" || fs.NArg() > 0 {
		return fail("give -plan FILE (and no other arguments)")
	}
	if *shards < 0 || *shards > shard.MaxCount {
		return fail("-shards %d: want 1 to %d, or 0 for the reports' count", *shards, shard.MaxCount)
	}
	file, err := os.Open(*planFile)
	if err != nil {
		return fail("%v", err)
	}
	p, err := plan.Read(file)
	file.Close()
	if err != nil {
		return fail("%s: %v", *planFile, err)
	}
	rep, err := engine.MergeReports(p, *out, *shards)
	if err != nil {
		return fail("%v", err)
	}
	if err := writeJSON(env.Stdout, rep); err != nil {
		fmt.Fprintf(env.Stderr, "picpool report merge: %v\n", err)
		return ExitFailures
	}
	return mergeVerdict(env.Stderr, rep)
}

// mergeVerdict says what the merge found on stderr and returns the exit
// status.
func mergeVerdict(w io.Writer, rep engine.Report) int {
	st, sum := rep.Shards, rep.Summary
	for _, s := range st.Skipped {
		fmt.Fprintln(w, "left out", s)
	}
	fmt.Fprintf(w, "merged %d reports of %d shards: processed %d, skipped %d, failed %d, not processed %d of %d; %d other files ignored\n",
		st.Reports, st.Count, sum.Done, sum.Skipped, sum.Failed, sum.Canceled, sum.Total, sum.Ignored)
	if st.Count == 0 {
		fmt.Fprintln(w, "incomplete: no shard has reported in the output folder yet")
		return ExitIncomplete
	}
	if !st.Complete() {
		if len(st.Missing) > 0 {
			fmt.Fprintf(w, "missing shards (no report): %s\n", ints(st.Missing))
		}
		if len(st.Unfinished) > 0 {
			fmt.Fprintf(w, "unfinished shards (inputs not processed): %s\n", ints(st.Unfinished))
		}
		fmt.Fprintf(w, "incomplete: run those shards again with -resume (e.g. sbatch --array=%s …), then merge again\n", ints(append(append([]int(nil), st.Missing...), st.Unfinished...)))
		return ExitIncomplete
	}
	if sum.Failed > 0 {
		return ExitFailures
	}
	return ExitOK
}

func ints(v []int) string {
	sort.Ints(v)
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

// ExitIncomplete is report merge's status when shards are missing.
const ExitIncomplete = 3

func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
