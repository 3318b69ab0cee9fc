package engine

import (
	"context"
	"errors"
	"os"
	"sync"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

// What a batch reads before its first file starts: the resume journal's
// view of each input and each file's memory estimate for the budget.

// AutoMemoryBudget is the default memory budget: three quarters of the
// memory available now (gopsutil), or 0 (none) when that cannot be read.
func AutoMemoryBudget() int64 {
	m, err := pool.ReadMachine()
	if err != nil || m.AvailableMemory == 0 {
		return 0
	}
	return int64(m.AvailableMemory / 4 * 3)
}

// JournalRun is one run recorded in an output folder's resume journal.
type JournalRun = journal.Run

// Unfinished reports whether the last batch written into outDir stopped
// before its end (crash, kill, power cut, cancel), with what it had done:
// the window asks whether to resume it (Settings.Resume).
func Unfinished(outDir string) (JournalRun, bool) {
	run, unfinished, err := journal.Unfinished(outDir)
	return run, unfinished && err == nil
}

// ErrResumeSettings is returned by Start when Settings.Resume meets an
// unfinished batch made with other settings.
var ErrResumeSettings = errors.New("the unfinished batch in the output folder used other settings")

func settingsFingerprint(ps processing.Settings) string {
	ps.Naming.Dir = ""        // the journal lies in it; "out" and "/abs/out" are one folder
	ps.AdoptIdentical = false // what resuming sets, not a setting of the batch
	if c, err := codec.ParseColorMode(string(ps.Color)); err == nil && c == codec.ColorSRGB {
		ps.Color = "" // the default, however it was spelled
	}
	ps.Metadata = ps.Metadata.OrDefault()
	return journal.Fingerprint(ps)
}

// prepare reads what the jobs need before they start, a few files at a
// time: modification times for the journal, what an earlier run finished
// (a job whose every output was made becomes "done before"; one with some
// made makes the others only), and with a memory budget each file's
// estimated memory from its header. It returns the count done before.
func (r *Run) prepare(ctx context.Context, jobs []pool.Job, costs []int64, s Settings, prior *journal.Journal, fp string) int {
	needStat, needCost := s.Journal || prior != nil, s.MemoryBudget > 0
	if !needStat && !needCost {
		return 0
	}
	head := stepsOf(s.Processing.Chain)
	tails := make([][]*processing.Pipeline, len(r.outs))
	for i, o := range r.outs {
		tails[i] = stepsOf(o.Chain)
	}
	var next, resumed int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 { // headers are small reads: a few at once hide the disk's latency
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= int64(len(jobs)) {
					return
				}
				job := &jobs[i]
				if needStat {
					f := &r.files[i]
					f.abs = r.journalKey(job.Name)
					if st, err := os.Stat(job.Name); err == nil {
						f.modTime = st.ModTime().UnixNano()
					}
					if r.lookupPrior(f, prior, job.Size, fp) {
						job.Run = doneBefore(*f.before[0])
						mu.Lock()
						resumed++
						mu.Unlock()
						continue
					}
				}
				if needCost {
					if info, err := codec.Probe(job.Name, s.Processing.Decode); err == nil {
						job.Cost = jobCost(info, head, tails, r.outs, s.Processing.Decode)
						costs[i] = job.Cost
					}
				}
			}
		})
	}
	wg.Wait()
	r.mu.Lock()
	r.resumed = int(resumed)
	r.mu.Unlock()
	return int(resumed)
}

// lookupPrior looks up each output of an input in the prior run's journal:
// it fills f.before, and f.only with the outputs still to make, and
// reports whether every output was made.
func (r *Run) lookupPrior(f *fileState, prior *journal.Journal, size int64, fp string) bool {
	var todo []int
	for j := range r.outs {
		if e, ok := prior.DoneOutput(f.abs, j, size, f.modTime, fp); ok {
			if f.before == nil {
				f.before = make([]*journal.Entry, len(r.outs))
			}
			f.before[j] = &e
			continue
		}
		todo = append(todo, j)
	}
	if f.before != nil && len(todo) > 0 {
		f.only = todo
	}
	if len(todo) == 0 {
		f.note = inputFacts(f.before)
	}
	return len(todo) == 0
}

// stepsOf compiles each enabled step of a chain on its own (for sizes).
func stepsOf(c processing.Chain) []*processing.Pipeline {
	var steps []*processing.Pipeline
	for _, st := range c {
		if p, err := (processing.Chain{st}).Compile(); err == nil && p.Len() > 0 {
			steps = append(steps, p)
		}
	}
	return steps
}

// jobCost estimates the memory one file needs while it is processed, from
// its header: decoding it (codec.Info.DecodeBytes: by format, all frames of
// an animation when they are kept), an upright NRGBA copy when its
// orientation turns it, and two NRGBA buffers (4 bytes a pixel) of the
// largest image a filter step makes: its output beside the step before's,
// or a blur's intermediate pass. With several outputs, the head's result
// stays while each output's own steps run: the largest of those is added,
// with the head's result. The encoder's working memory for the largest
// output (codec.EncodeOptions.WorkBytes: AVIF's) comes on top.
func jobCost(info codec.Info, head []*processing.Pipeline, tails [][]*processing.Pipeline, outs []processing.Output, opts codec.DecodeOptions) int64 {
	px := info.Pixels()
	cost := info.DecodeBytes(opts.AllFrames)
	if !opts.NoOrientation && info.Orientation > 1 {
		cost += 4 * px
	}
	w, h := info.Upright()
	largest := largestStep(head, &w, &h)
	var tailCost, encodeCost int64
	for i, tail := range tails {
		tw, th := w, h
		if len(tail) > 0 {
			tailCost = max(tailCost, 4*int64(w)*int64(h)+2*4*largestStep(tail, &tw, &th))
		}
		o := outs[i]
		enc := codec.EncodeOptions{Format: o.Format.For(info.Format), Lossless: o.Lossless, AVIFOneFrame: o.AVIFOneFrame}
		encodeCost = max(encodeCost, enc.WorkBytes(tw, th))
	}
	return cost + 2*4*largest + tailCost + encodeCost
}

// largestStep runs the sizes of steps from *w x *h, leaves the last size
// there and returns the largest image made on the way.
func largestStep(steps []*processing.Pipeline, w, h *int) int64 {
	var largest int64
	for _, st := range steps {
		*w, *h, _ = st.OutputSize(*w, *h)
		largest = max(largest, int64(*w)*int64(*h))
	}
	return largest
}

// errDoneBefore is the outcome of an input an earlier run finished.
type errDoneBefore struct{ output string }

func (e *errDoneBefore) Error() string {
	if e.output == "" {
		return "done in an earlier run"
	}
	return "done in an earlier run: " + e.output
}

func doneBefore(e journal.Entry) func(context.Context, pool.Progress) pool.Outcome {
	return func(context.Context, pool.Progress) pool.Outcome {
		return pool.Outcome{Status: pool.Skipped, Err: &errDoneBefore{output: e.Output}, Value: processing.Result{Output: e.Output}}
	}
}

// warm has the codecs compile, before the first file, the WebAssembly
// modules the batch will run (codec.Warm), beside the header reads of
// prepare.
func (r *Run) warm(sources []processing.Source) {
	names := make([]string, len(sources))
	for i, src := range sources {
		names[i] = src.Path
	}
	codec.Warm(names, processing.Formats(r.outs))
}
