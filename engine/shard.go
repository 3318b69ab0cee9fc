package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/plan"
	"github.com/picpool/picpool/processing"
	"github.com/picpool/picpool/shard"
)

// A batch split over many tasks: planned once (MakePlan), each task runs
// one shard of the plan (ShardBatch and Settings.Shard) into the same
// output folder and leaves its report there; MergeReports makes the
// batch's report of them.

// ShardRun makes a run one shard of a planned batch (Settings.Shard).
type ShardRun struct {
	Spec shard.Spec
	// Root is the folder the plan's paths are relative to, where this task
	// sees it: the journal names inputs relative to it.
	Root string
	// Attempt names this attempt at the shard (shard.Attempt): its journal
	// and its report are its own.
	Attempt string
}

// JournalName is the attempt's journal in the output folder.
func (s *ShardRun) JournalName() string {
	return journal.ShardPrefix(s.Spec.Tag()) + s.Attempt + ".jsonl"
}

// ReportPrefix starts the name of every report of the shards of a batch
// in its output folder: ReportPrefix + "shard-K-of-N." + attempt + ".json".
const ReportPrefix = ".picpool-report."

// ReportName is the attempt's report in the output folder.
func (s *ShardRun) ReportName() string {
	return ReportPrefix + s.Spec.Tag() + "." + s.Attempt + ".json"
}

// staleTemp is how old a temporary file must be before a resumed shard
// removes it: other shards write into the same folder meanwhile, and a
// temporary file lives for one output's write.
const staleTemp = 10 * time.Minute

// Fingerprint is the settings' fingerprint, as the journal and a plan hold
// it: two settings with the same fingerprint make the same files.
func Fingerprint(ps processing.Settings) string { return settingsFingerprint(ps) }

// MakePlan walks the inputs once and plans the batch over all of them:
// each input's path relative to the inputs' common folder, size, time,
// number and output names (see Plan and package plan). The plan's
// settings (a preset) are the caller's to fill.
func MakePlan(ctx context.Context, inputs []string, ps processing.Settings, assign plan.Assign) (*plan.Plan, error) {
	proc, err := processing.NewProcessor(ps)
	if err != nil {
		return nil, err
	}
	root, err := CommonRoot(inputs)
	if err != nil {
		return nil, err
	}
	out, err := filepath.Abs(ps.Naming.Dir)
	if err != nil {
		return nil, err
	}
	b := Collect(ctx, inputs, ps.Naming.Dir)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	p := &plan.Plan{Header: plan.Header{Created: time.Now().UTC(), Root: root, Out: out, Assign: assign,
		Fingerprint: settingsFingerprint(ps), Outputs: len(proc.Outputs())}}
	for _, sk := range b.Skipped {
		p.Ignored = append(p.Ignored, plan.Ignored{Path: relOrAbs(root, sk.Path), Reason: sk.Reason})
	}
	outs := proc.Outputs()
	for _, src := range planNames(b.Sources, proc) {
		path := relOrAbs(root, src.Path)
		if strings.HasPrefix(path, "/") || filepath.IsAbs(path) {
			return nil, fmt.Errorf("%s is not below the inputs' common folder %s", src.Path, root)
		}
		in := plan.Input{Path: path, Size: src.Size, N: src.Index, Dup: src.Dup, Outputs: make([]string, len(outs))}
		if rel := filepath.ToSlash(src.Rel); rel != path {
			in.Rel = rel
		}
		if st, err := os.Stat(src.Path); err == nil {
			in.ModTime = st.ModTime().UnixNano()
		}
		for j, o := range outs {
			if proc.NameFromPath(j) {
				in.Outputs[j] = relOrAbs(out, proc.Target(src, j, guessFormat(src, o.Format)))
			}
		}
		p.Inputs = append(p.Inputs, in)
	}
	return p, nil
}

// CommonRoot is the deepest folder holding every input (a folder given
// is its own root; a file's, the folder it is in), absolute.
func CommonRoot(inputs []string) (string, error) {
	var root string
	for i, in := range inputs {
		abs, err := filepath.Abs(in)
		if err != nil {
			return "", err
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			abs = filepath.Dir(abs)
		}
		if i == 0 {
			root = abs
			continue
		}
		for !isInside(abs, root) && abs != root {
			parent := filepath.Dir(root)
			if parent == root {
				break
			}
			root = parent
		}
	}
	if root == "" {
		return "", errors.New("no inputs")
	}
	return root, nil
}

// relOrAbs is path relative to dir with "/" when it lies inside, else
// the absolute path.
func relOrAbs(dir, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	if rel, err := filepath.Rel(dir, abs); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return abs
}

// ShardBatch is shard k of n of a plan, its inputs found below root (""
// is the plan's root): a batch whose sources keep the plan's numbers and
// names (Batch.Planned), {folder} included: the folder names the plan saw,
// the root's own where its inputs lie directly in it.
func ShardBatch(p *plan.Plan, spec shard.Spec, root string) Batch {
	if root == "" {
		root = p.Root
	}
	b := Batch{Planned: true}
	for _, i := range p.Shard(spec.Index, spec.Count) {
		in := p.Inputs[i]
		b.Sources = append(b.Sources, processing.Source{Path: filepath.Join(root, filepath.FromSlash(in.Path)),
			Rel: filepath.FromSlash(in.NamingRel()), Size: in.Size, Index: in.N, Dup: in.Dup,
			Folder: filepath.Base(filepath.Join(p.Root, filepath.Dir(filepath.FromSlash(in.Path))))})
	}
	return b
}

// journalKey is how the journal names an input: its absolute path, or in
// a shard its path relative to the plan's root.
func (r *Run) journalKey(path string) string {
	abs, _ := filepath.Abs(path)
	if r.shard == nil {
		return abs
	}
	return relOrAbs(r.shard.Root, abs)
}

// journalOutput is how the journal names an output: as made, or in a
// shard relative to the output folder.
func (r *Run) journalOutputName(output string) string {
	if r.shard == nil || output == "" {
		return output
	}
	return relOrAbs(r.outDir, output)
}
