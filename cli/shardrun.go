package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/picpool/picpool/engine"
	"github.com/picpool/picpool/plan"
	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/shard"
)

// shardFlags are run's options for one shard of a batch.
type shardFlags struct {
	planFile, shardSpec, root, assign string
	shards                            int
}

func (f *shardFlags) registerShard(fs *flag.FlagSet) {
	fs.StringVar(&f.planFile, "plan", "", "run a shard of the batch this plan `file` holds (picpool plan): its inputs, settings and output folder")
	fs.StringVar(&f.shardSpec, "shard", "", "run shard `K/N` only: K from 0 to N-1 (with -plan, or over the inputs given, which every shard must give alike)")
	fs.IntVar(&f.shards, "shards", 0, "run one shard of `N`, K read from the task's environment: "+envNames()+" (N is never read from the engine)")
	fs.StringVar(&f.root, "root", "", "with -plan: the `folder` the plan's inputs lie in here, when it is not the plan's root (the store mounted elsewhere)")
	fs.StringVar(&f.assign, "assign", "hash", "shards from the inputs given (no -plan): hash (a stable hash of each path) or size (contiguous ranges of about equal bytes)")
}

func envNames() string {
	names := make([]string, len(shard.Vars))
	for i, v := range shard.Vars {
		names[i] = v.Name
	}
	return list(names)
}

// sharded reports whether run was asked for a shard.
func (f *shardFlags) sharded() bool { return f.planFile != "" || f.shardSpec != "" || f.shards != 0 }

// spec is the shard to run, from -shard or -shards and the environment.
func (f *shardFlags) spec(env *Env) (shard.Spec, error) {
	switch {
	case f.shardSpec != "" && f.shards != 0:
		return shard.Spec{}, fmt.Errorf("give -shard K/N or -shards N, not both")
	case f.shardSpec != "":
		return shard.Parse(f.shardSpec)
	case f.shards != 0:
		if _, err := shard.ParseCount(fmt.Sprint(f.shards)); err != nil {
			return shard.Spec{}, err
		}
		s, v, err := shard.FromEnv(os.Getenv, f.shards)
		if err == nil {
			fmt.Fprintf(env.Stderr, "shard  %s (%s=%d, %s)\n", s, v.Name, s.Index, v.Engine)
		}
		return s, err
	}
	return shard.Spec{}, fmt.Errorf("-plan runs one shard: give -shard K/N, or -shards N with the index in the environment")
}

// taskFlags are run's flags that say how a task runs, not what it makes:
// they may differ from a plan's.
var taskFlags = map[string]bool{"out": true, "report": true, "quiet": true, "workers": true, "isolation": true, "memory-budget": true,
	"timeout": true, "worker-memory": true, "resume": true, "keep-journal": true, "allow-overwrite-sources": true,
	"plan": true, "shard": true, "shards": true, "root": true, "assign": true}

// settingFlags lists the flags set that are settings of the batch.
func settingFlags(fs *flag.FlagSet) []string {
	var names []string
	fs.Visit(func(fl *flag.Flag) {
		if !taskFlags[fl.Name] {
			names = append(names, "-"+fl.Name)
		}
	})
	sort.Strings(names)
	return names
}

// shardPlan reads the plan (-plan) and the settings to run it with: the
// plan's, with the task's own options; settings given again must be the
// plan's.
func shardPlan(f *runFlags, fs *flag.FlagSet) (*plan.Plan, engine.Settings, error) {
	file, err := os.Open(f.planFile)
	if err != nil {
		return nil, engine.Settings{}, err
	}
	defer file.Close()
	p, err := plan.Read(file)
	if err != nil {
		return nil, engine.Settings{}, fmt.Errorf("%s: %w", f.planFile, err)
	}
	if fs.NArg() > 0 {
		return nil, engine.Settings{}, fmt.Errorf("-plan takes its inputs from the plan: give no inputs (%s…)", fs.Arg(0))
	}
	if f.out == "" {
		f.out = p.Out
	}
	if given := settingFlags(fs); len(given) > 0 {
		f.base = &p.Settings
		s, err := f.settings(fs)
		if err != nil {
			return nil, engine.Settings{}, err
		}
		if fp := engine.Fingerprint(s.Processing); fp != p.Fingerprint {
			return nil, engine.Settings{}, fmt.Errorf("%s differ from the plan's settings (fingerprint %s, not the plan's %s): run the plan without them, or make a new plan",
				list(given), fp, p.Fingerprint)
		}
	}
	f.base = &p.Settings
	s, err := f.settings(fs)
	if err != nil {
		return nil, engine.Settings{}, err
	}
	if s.Processing, err = engine.PlanSettings(p, f.out); err != nil {
		return nil, engine.Settings{}, err
	}
	return p, s, nil
}

// runShard is "picpool run" for one shard: of a plan (-plan), or of the
// inputs given, planned here as every other shard plans them.
func runShard(env *Env, fs *flag.FlagSet, f *runFlags) int {
	fail := usageFailure(env, "run")
	spec, err := f.spec(env)
	if err != nil {
		return fail("%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var p *plan.Plan
	var s engine.Settings
	root := f.root
	if f.planFile != "" {
		if p, s, err = shardPlan(f, fs); err != nil {
			return fail("%v", err)
		}
		if root == "" {
			root = p.Root
		}
		if st, err := os.Stat(root); err != nil || !st.IsDir() {
			return fail("the inputs' folder %s is not here: give -root FOLDER where the plan's root (%s) is mounted on this host", root, p.Root)
		}
	} else {
		if root != "" {
			return fail("-root moves a plan's inputs: give it with -plan")
		}
		if f.out == "" {
			return fail("-out FOLDER is required")
		}
		if fs.NArg() == 0 {
			return fail("no inputs: give files or folders after the options (the same in every shard), or -plan FILE")
		}
		assign, err := plan.ParseAssign(f.assign)
		if err != nil {
			return fail("-assign: %v", err)
		}
		if s, err = f.settings(fs); err != nil {
			return fail("%v", err)
		}
		if p, err = engine.MakePlan(ctx, fs.Args(), s.Processing, assign); err != nil {
			return fail("%v", err)
		}
		if err := p.Seal(); err != nil {
			return fail("%v", err)
		}
		root = p.Root
		for _, ig := range p.Ignored {
			if spec.Index == 0 {
				fmt.Fprintf(env.Stderr, "skip   %s: %s\n", ig.Path, ig.Reason)
			}
		}
	}
	if root, err = filepath.Abs(root); err != nil {
		return fail("%v", err)
	}
	out, err := filepath.Abs(f.out)
	if err != nil {
		return fail("%v", err)
	}
	sr := &engine.ShardRun{Spec: spec, Root: root, Attempt: shard.Attempt()}
	s.Journal, s.Resume, s.KeepJournal, s.Shard = true, f.resume, f.keepJournal, sr
	batch := engine.ShardBatch(p, spec, root)
	started := time.Now()
	run, err := engine.Start(ctx, batch, s)
	if err != nil {
		return fail("%v", err)
	}
	if !f.quiet {
		fmt.Fprintf(env.Stderr, "shard  %s: %d of the plan's %d inputs, attempt %s\n", spec, len(batch.Sources), len(p.Inputs), sr.Attempt)
		fmt.Fprintln(env.Stderr, startLine(len(batch.Sources), run.Workers(), pool.UsableCPUs()))
	}
	sum, records := watch(env, run, f.quiet)
	printSummary(env.Stderr, sum, 0)
	printResume(env.Stderr, sum, f.keepJournal)
	rep := engine.NewReport(batch, sum, records)
	rep.Shard = &engine.ShardReport{Plan: p.ID, Fingerprint: p.Fingerprint, Index: spec.Index, Count: spec.Count, Attempt: sr.Attempt,
		Root: root, Out: out, Inputs: len(batch.Sources), Started: started.UTC(), Ended: time.Now().UTC()}
	for _, path := range []string{filepath.Join(out, sr.ReportName()), f.report} {
		if path == "" {
			continue
		}
		if err := engine.WriteReport(path, rep); err != nil {
			fmt.Fprintf(env.Stderr, "picpool run: cannot write the report: %v\n", err)
			if sum.Failed == 0 && !sum.Interrupted {
				return ExitFailures // the merge would miss this shard: say so
			}
		}
	}
	return exitStatus(env, sum)
}
