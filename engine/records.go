package engine

import (
	"context"
	"errors"
	"runtime"
	"time"

	"github.com/picpool/picpool/isolation"
	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/pool"
	"github.com/picpool/picpool/processing"
)

// What becomes of each file of a batch: its job, the journal line of each
// of its outputs as the job finishes it, and its records.

// Record is one output's outcome for one input, as written to the JSON
// report: a batch with one output has one record per input, as before
// outputs existed; with several, each record names its output.
type Record struct {
	Input  string `json:"input"`
	Status string `json:"status"` // done, skipped, failed, canceled
	// OutputIndex and OutputName say which output of the batch this is
	// (only when it has several): its place from 0 and its label, folder
	// or "output N".
	OutputIndex int    `json:"output_index,omitempty"`
	OutputName  string `json:"output_name,omitempty"`
	Output      string `json:"output,omitempty"`
	Error       string `json:"error,omitempty"`
	Reason      string `json:"reason,omitempty"` // a stable error class: "truncated", "too large", …
	Worker      int    `json:"worker"`
	Width       int    `json:"width,omitempty"` // output size
	Height      int    `json:"height,omitempty"`
	BytesIn     int64  `json:"bytes_in"`
	BytesOut    int64  `json:"bytes_out,omitempty"`
	// Quality is the quality the output was written at (a size target
	// searches it); CopiedSource, that only-if-smaller wrote the source's
	// bytes instead.
	Quality      int                `json:"quality,omitempty"`
	CopiedSource bool               `json:"copied_source,omitempty"`
	StageMS      map[string]float64 `json:"stage_ms,omitempty"` // milliseconds per stage, of the whole input
	TotalMS      float64            `json:"total_ms"`
	// Metadata says what the output kept, converted and removed of the
	// source's metadata.
	Metadata *processing.MetadataReport `json:"metadata,omitempty"`
	// Color says what was done to the input's colours ("converted from …
	// to sRGB").
	Color string `json:"color,omitempty"`
	// Warnings are problems that did not stop the file ("EXIF dropped: …"),
	// on the input's first record.
	Warnings []string `json:"warnings,omitempty"`
	// Pixels are the input's pixels, on its first record when it was
	// done: the summary's megapixels sum them.
	Pixels int64 `json:"pixels,omitempty"`
	// DoneBefore says that an earlier run (resumed), or another attempt at
	// the shard, made the output: the record holds what its journal kept
	// of it, the timings are not its.
	DoneBefore bool `json:"done_before,omitempty"`
}

// fileState is what the journal and the records need to know about a
// source. prepare fills it before the pool starts; then only the job's
// worker touches it (the job, its outputs' callbacks, its record).
type fileState struct {
	abs     string
	size    int64
	modTime int64 // Unix nanoseconds
	// only lists the outputs to make when an earlier run made the others
	// (before holds their entries); nil makes all.
	only   []int
	before []*journal.Entry
	note   *facts // when every output was made before: the input's facts then
	// got holds each output as the job told it finished; journaled, that
	// its journal line is written.
	got       []*processing.OutputResult
	journaled []bool
}

// collectAfterPixels: a worker that has processed an image of this many
// pixels (32 MiB decoded) or more has Go collect before it takes the next.
// The collector starts a cycle once the heap has grown by GOGC% (50, see
// main.go) over what the last cycle kept, which, with each worker's image
// kept then, lets the next image's pixels come on top of the last one's
// garbage: two workers writing 12-MP photos at full size as JPEG or AVIF
// peaked at 157-172 MB of heap for 100 MB of images, with this at 107-121
// (GODEBUG=gctrace=1; docs/codecs.md, Speed and memory). A cycle takes about a millisecond here (pixel buffers hold no
// pointers to trace), against the half second or more such an image takes.
const collectAfterPixels = 8 << 20

// jobFor makes the pool job that processes one source, in this process or
// in its worker's process. cost and the file's state are read when the job
// runs (prepare fills them first).
func (r *Run) jobFor(proc *processing.Processor, id int, src processing.Source, cost *int64) func(context.Context, pool.Progress) pool.Outcome {
	return func(ctx context.Context, p pool.Progress) pool.Outcome {
		stage := func(stage string) error { return p.Stage(pool.State(stage)) }
		only := r.files[id].only
		told := func(o processing.OutputResult) { r.outputDone(id, o) }
		var res processing.Result
		var err error
		if r.sup != nil {
			job := isolation.Job{Source: src, Settings: proc.Settings(), Cost: *cost, Only: only, OnOutput: told}
			res, err = r.sup.Process(ctx, p.Worker(), job, stage)
		} else {
			res, err = proc.Run(ctx, processing.Job{Source: src, Only: only, Stage: stage, Output: told})
			if res.Info.Pixels() >= collectAfterPixels {
				runtime.GC()
			}
		}
		out := pool.Outcome{Status: pool.Done, BytesOut: res.BytesOut, Pixels: res.Info.Pixels(), Value: res}
		if err != nil {
			out.Err = err
			switch processing.KindOf(err) {
			case processing.ErrExists:
				out.Status = pool.Skipped
			case processing.ErrCanceled:
				out.Status = pool.Canceled
			default:
				out.Status = pool.Failed
			}
		}
		return out
	}
}

// outputDone takes an output the job says is finished: its journal line is
// written now, once the output is in place, so that a kill before the
// file's next output redoes only that one. It runs on the job's worker.
func (r *Run) outputDone(id int, o processing.OutputResult) {
	f := &r.files[id]
	if o.Index < 0 || o.Index >= len(r.outs) {
		return
	}
	if f.got == nil {
		f.got, f.journaled = make([]*processing.OutputResult, len(r.outs)), make([]bool, len(r.outs))
	}
	f.got[o.Index] = &o
	status, reason := describe(o.Err)
	r.journalOutput(id, o.Index, Record{Status: status, Reason: reason, Output: o.Output, Error: errText(o.Err),
		Width: o.Width, Height: o.Height, BytesOut: o.BytesOut, Quality: o.Quality, CopiedSource: o.Copied, Metadata: o.Metadata,
		Color: o.Color, Warnings: o.Warnings, Pixels: o.Pixels})
}

// journalOutput writes output out's journal line once, unless it was
// cancelled (to be done again) or done by an earlier run.
func (r *Run) journalOutput(id, out int, rec Record) {
	f := &r.files[id]
	if r.journal == nil || rec.Status == "canceled" || rec.DoneBefore || (f.journaled != nil && f.journaled[out]) {
		return
	}
	if f.journaled == nil {
		f.journaled = make([]bool, len(r.outs))
	}
	f.journaled[out] = true
	if rec.Status != "done" && rec.Status != "skipped" {
		rec.Output = ""
	}
	r.warnIf(r.journal.Add(journal.Entry{Path: f.abs, Out: out, Size: f.size, ModTime: f.modTime, Status: rec.Status,
		Output: r.journalOutputName(rec.Output), Reason: rec.Reason, Error: rec.Error, Facts: factsOf(rec)}))
}

// describe gives an outcome's status and reason for reports and the
// journal.
func describe(err error) (status, reason string) {
	if err == nil {
		return "done", ""
	}
	status, reason = "failed", processing.KindOf(err).String()
	switch processing.KindOf(err) {
	case processing.ErrExists:
		status = "skipped"
	case processing.ErrCanceled:
		status = "canceled"
	}
	var pe *pool.PanicError
	var we *isolation.WorkerError
	var db *errDoneBefore
	switch {
	case errors.As(err, &pe):
		reason = "crash"
	case errors.As(err, &we):
		reason = we.Reason // crash, timeout, out of memory
	case errors.Is(err, pool.ErrOverBudget):
		reason = "over budget"
	case errors.As(err, &db):
		status, reason = "skipped", "done before"
	}
	return status, reason
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// record turns a pool result into a Record per output; it runs on the
// worker, briefly. Each output's outcome is what the job told of it, what
// an earlier run did (resume), or else the job's own outcome (a worker
// process that died, a panic, a file never started).
func (r *Run) record(res pool.Result) {
	base := Record{Input: res.Job.Name, Worker: res.Worker, BytesIn: res.Job.Size, TotalMS: ms(res.Duration)}
	if len(res.Stages) > 0 {
		base.StageMS = make(map[string]float64, len(res.Stages))
		for _, st := range res.Stages {
			base.StageMS[string(st.Stage)] += ms(st.Duration)
		}
	}
	f := &r.files[res.Job.ID]
	pr, _ := res.Value.(processing.Result)
	recs := make([]Record, 0, len(r.outs))
	for j := range r.outs {
		rec := base
		if len(r.outs) > 1 {
			rec.OutputIndex, rec.OutputName = j, r.outs[j].Name(j)
		}
		switch o := r.outcome(f, pr, j); {
		case j < len(f.before) && f.before[j] != nil:
			doneBeforeRecord(&rec, f.before[j])
		case o != nil:
			rec.Status, rec.Reason = describe(o.Err)
			rec.Error, rec.Output, rec.Width, rec.Height = errText(o.Err), o.Output, o.Width, o.Height
			rec.BytesOut, rec.Quality, rec.CopiedSource, rec.Metadata = o.BytesOut, o.Quality, o.Copied, o.Metadata
		default:
			rec.Status = res.Status.String()
			if res.Err != nil {
				_, rec.Reason = describe(res.Err)
				rec.Error = res.Err.Error()
				var db *errDoneBefore
				if errors.As(res.Err, &db) {
					rec.Output = db.output
				}
			}
		}
		if rec.Status == "done" {
			rec.Color = pr.Color
			if f.note != nil {
				rec.Color = f.note.Color
			}
		} else {
			rec.Width, rec.Height, rec.Quality, rec.Metadata = 0, 0, 0, nil
			if rec.Status != "skipped" {
				rec.Output = ""
			}
		}
		told := rec // what the journal keeps of the input, when the job did not tell this output
		told.Warnings, told.Pixels = pr.Warnings, res.Pixels
		r.journalOutput(res.Job.ID, j, told)
		recs = append(recs, rec)
	}
	if f.note != nil {
		pr.Warnings = f.note.Warnings
		recs[0].Pixels = f.note.Pixels
	}
	if len(pr.Warnings) > 0 && len(recs) > 0 {
		recs[0].Warnings = pr.Warnings
	}
	if res.Status == pool.Done && len(recs) > 0 {
		recs[0].Pixels = res.Pixels
	}
	r.mu.Lock()
	r.records = append(r.records, recs...)
	if len(pr.Warnings) > 0 {
		r.warned++
	}
	r.mu.Unlock()
}

// outcome is output j's result as the job told it, or as its Result holds
// it; nil when the job ended without one.
func (r *Run) outcome(f *fileState, pr processing.Result, j int) *processing.OutputResult {
	if j < len(f.got) && f.got[j] != nil {
		return f.got[j]
	}
	for i := range pr.Outputs {
		if pr.Outputs[i].Index == j {
			return &pr.Outputs[i]
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
