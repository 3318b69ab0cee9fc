package isolation

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// WorkerCommand is the hidden subcommand that makes the program a worker
// process: "picpool __worker".
const WorkerCommand = "__worker"

// ErrParentGone is returned by Serve when the supervisor closed the stream.
var ErrParentGone = errors.New("isolation: the supervisor is gone")

// orphanGrace is how long a worker whose supervisor is gone lets its current
// job stop by itself (removing its temporary file) before giving up on it.
const orphanGrace = 2 * time.Second

// handler processes one job in a worker process.
type handler func(ctx context.Context, job *jobRequest, stage processing.StageFunc, output func(processing.OutputResult)) (processing.Result, error)

// Serve is a worker process's main loop: it reads jobs from r and writes
// stage events and results to w until r ends. Nothing else may write to w.
// It runs one job at a time on one core (GOMAXPROCS 1).
func Serve(r io.Reader, w io.Writer) error {
	var cache processorCache
	return serve(r, w, cache.process)
}

// processorCache keeps the processor of the last settings: a batch sends
// the same settings with every job.
type processorCache struct {
	key     []byte
	proc    *processing.Processor
	formats []codec.Format // its outputs' formats
}

func (c *processorCache) process(ctx context.Context, job *jobRequest, stage processing.StageFunc, output func(processing.OutputResult)) (processing.Result, error) {
	key, err := json.Marshal(job.Settings)
	if err != nil {
		return processing.Result{}, err
	}
	if c.proc == nil || !bytes.Equal(key, c.key) {
		p, err := processing.NewProcessor(job.Settings)
		if err != nil {
			return processing.Result{}, err
		}
		c.key, c.proc, c.formats = key, p, processing.Formats(p.Outputs())
	}
	// The WebAssembly modules this file needs, compiled before it is
	// decoded (nothing once they are: codec.Warm).
	codec.Warm([]string{job.Source.Path}, c.formats)
	return c.proc.Run(ctx, processing.Job{Source: job.Source, Only: job.Only, Stage: stage, Output: output})
}

// childState is what the reading goroutine shares with the job loop.
type childState struct {
	mu     sync.Mutex
	cancel context.CancelFunc // the running job's, nil between jobs
}

func (s *childState) setCancel(c context.CancelFunc) {
	s.mu.Lock()
	s.cancel = c
	s.mu.Unlock()
}

func (s *childState) cancelJob() {
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
}

func serve(r io.Reader, w io.Writer, handle handler) error {
	runtime.GOMAXPROCS(1)
	in := bufio.NewReader(r)
	out := &frameWriter{w: w}
	first, err := readFrame(in)
	if err != nil {
		return err
	}
	if first.Op != opConfig || first.Config == nil {
		return fmt.Errorf("isolation: first frame is %q, want %q", first.Op, opConfig)
	}
	limit := first.Config.MemoryLimit
	if limit > 0 {
		if err := limitMemory(limit); err != nil {
			return err
		}
	}
	if err := out.send(message{Op: opReady, Version: protocolVersion, PID: os.Getpid()}); err != nil {
		return err
	}

	var st childState
	jobs := make(chan *jobRequest)
	acks := make(chan string, 1)
	gone := make(chan struct{}) // closed when the supervisor's stream ends
	quit := make(chan struct{}) // closed when serve returns
	defer close(quit)
	var readErr error
	go func() {
		defer close(gone)
		for {
			m, err := readFrame(in)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				st.cancelJob()
				return
			}
			switch m.Op {
			case opJob:
				if m.Job != nil {
					select { // the supervisor sends one job at a time
					case jobs <- m.Job:
					case <-quit:
						return
					}
				}
			case opGo, opStop:
				select {
				case acks <- m.Op:
				case <-quit:
					return
				}
			case opCancel:
				st.cancelJob()
			}
		}
	}()

	for {
		var job *jobRequest
		select {
		case job = <-jobs:
		case <-gone:
			return parentGone(readErr)
		}
		ctx, cancel := context.WithCancel(context.Background())
		st.setCancel(cancel)
		stage := func(name string) error {
			if err := out.send(message{Op: opStage, Stage: name}); err != nil {
				return err
			}
			select {
			case a := <-acks:
				if a == opStop {
					return context.Canceled
				}
				return nil
			case <-gone:
				return ErrParentGone
			}
		}
		output := func(o processing.OutputResult) {
			out.send(message{Op: opOutput, Output: &outputDone{Result: o, Err: toWire(o.Err)}})
		}
		setJobMemoryGoal(job.Cost, limit)
		done := make(chan struct{})
		var res processing.Result
		var jobErr error
		go func() {
			defer close(done)
			res, jobErr = handle(ctx, job, stage, output)
		}()
		select {
		case <-done:
		case <-gone:
			// The supervisor died mid-job: the context is cancelled; give the
			// job a moment to stop and clean up, then leave without it.
			select {
			case <-done:
			case <-time.After(orphanGrace):
			}
			cancel()
			return parentGone(readErr)
		}
		st.setCancel(nil)
		cancel()
		releaseMemory()
		outErrs := make([]*wireError, len(res.Outputs))
		for i, o := range res.Outputs {
			outErrs[i] = toWire(o.Err)
		}
		err := out.send(message{Op: opResult, Result: &jobResult{Result: res, Err: toWire(jobErr), OutErrs: outErrs, PeakRSS: peakRSS()}})
		if err != nil {
			return err
		}
	}
}

func parentGone(readErr error) error {
	if readErr != nil {
		return readErr
	}
	return ErrParentGone
}

// setJobMemoryGoal sets the garbage collector's soft limit for the next job:
// its estimated cost plus room for the runtime, within the hard limit. The
// pixel buffers of an image are few large pointer-free objects, so collecting
// often costs little and keeps the process near what the job really holds
// instead of twice that (GOGC=100).
func setJobMemoryGoal(cost, limit int64) {
	goal := int64(math.MaxInt64)
	if cost > 0 {
		goal = cost + 64<<20
	}
	if limit > 0 {
		goal = min(goal, limit)
	}
	debug.SetMemoryLimit(goal)
}

// releaseMemory hands a large job's memory back to the system, so that an
// idle worker holds only its small footprint (the memory budget counts what
// runs, not what was).
func releaseMemory() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapSys-ms.HeapReleased > 64<<20 {
		debug.FreeOSMemory()
	}
}

// procStatus reads a field in kB from /proc/self/status, in bytes; 0 when
// it cannot (not Linux).
func procStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func peakRSS() int64 { return procStatus("VmHWM") }
