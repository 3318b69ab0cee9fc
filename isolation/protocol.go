package isolation

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/picpool/picpool/processing"
)

// The protocol: each frame is a 4-byte big-endian length and that many bytes
// of JSON holding one message. The supervisor speaks first:
//
//	parent → child   config {memory limit}
//	child  → parent  ready {pid}
//	parent → child   job {source, settings, cost}
//	child  → parent  stage {stage}        (once per stage)
//	parent → child   go | stop            (the answer to each stage)
//	child  → parent  output {result, error} (once per output, as it is finished)
//	child  → parent  result {result, error, peak memory}
//
// The parent may send cancel at any time: the child cancels the job's
// context, which stops it at its next stage or before its output is moved
// into place. A stage waits for its answer, so pausing the batch holds the
// child at a stage boundary exactly like a goroutine worker.

// protocolVersion is checked in the ready message.
const protocolVersion = 2

// maxFrame bounds one frame, so that a child writing garbage on its standard
// output cannot make the supervisor allocate gigabytes.
const maxFrame = 16 << 20

// Operations.
const (
	opConfig = "config"
	opReady  = "ready"
	opJob    = "job"
	opStage  = "stage"
	opGo     = "go"
	opStop   = "stop"
	opCancel = "cancel"
	opOutput = "output"
	opResult = "result"
)

// message is every frame; Op says which fields are set.
type message struct {
	Op      string      `json:"op"`
	Version int         `json:"version,omitempty"` // ready
	PID     int         `json:"pid,omitempty"`     // ready
	Config  *config     `json:"config,omitempty"`
	Job     *jobRequest `json:"job,omitempty"`
	Stage   string      `json:"stage,omitempty"`
	Result  *jobResult  `json:"result,omitempty"`
	Output  *outputDone `json:"output,omitempty"`
}

// config is sent once, before the first job.
type config struct {
	// MemoryLimit is the memory the child may use on top of its idle
	// footprint, in bytes; 0 means none.
	MemoryLimit int64 `json:"memory_limit,omitempty"`
}

type jobRequest struct {
	Source   processing.Source   `json:"source"`
	Settings processing.Settings `json:"settings"`
	Cost     int64               `json:"cost,omitempty"` // estimated memory, bytes
	Only     []int               `json:"only,omitempty"` // the outputs to make; nil: all
}

// outputDone is one output the child finished (processing.Job.Output).
type outputDone struct {
	Result processing.OutputResult `json:"result"`
	Err    *wireError              `json:"error,omitempty"`
}

type jobResult struct {
	Result processing.Result `json:"result"`
	Err    *wireError        `json:"error,omitempty"`
	// OutErrs are the errors of Result.Outputs, in order (an error does not
	// travel inside the result).
	OutErrs []*wireError `json:"out_errors,omitempty"`
	// PeakRSS is the child's high-water mark of resident memory so far.
	PeakRSS int64 `json:"peak_rss,omitempty"`
}

// wireError carries a *processing.FileError (or any error, as ErrOther).
type wireError struct {
	Path string               `json:"path,omitempty"`
	Kind processing.ErrorKind `json:"kind"`
	Msg  string               `json:"msg"`
}

func toWire(err error) *wireError {
	if err == nil {
		return nil
	}
	var fe *processing.FileError
	if errors.As(err, &fe) {
		return &wireError{Path: fe.Path, Kind: fe.Kind, Msg: fe.Msg}
	}
	return &wireError{Kind: processing.ErrOther, Msg: err.Error()}
}

func (w *wireError) err() error {
	if w == nil {
		return nil
	}
	return &processing.FileError{Path: w.Path, Kind: w.Kind, Msg: w.Msg}
}

// frameWriter writes whole frames; it is safe for concurrent use.
type frameWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (fw *frameWriter) send(m message) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(data) > maxFrame {
		return fmt.Errorf("isolation: %s frame of %d bytes exceeds %d", m.Op, len(data), maxFrame)
	}
	buf := make([]byte, 4+len(data))
	binary.BigEndian.PutUint32(buf, uint32(len(data)))
	copy(buf[4:], data)
	fw.mu.Lock()
	defer fw.mu.Unlock()
	_, err = fw.w.Write(buf)
	return err
}

// readFrame reads one message. io.EOF means the other side closed cleanly
// between frames.
func readFrame(r *bufio.Reader) (message, error) {
	var m message
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return m, fmt.Errorf("isolation: stream ends inside a frame header")
		}
		return m, err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n == 0 || n > maxFrame {
		return m, fmt.Errorf("isolation: bad frame length %d (not the worker protocol?)", n)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(r, data); err != nil {
		return m, fmt.Errorf("isolation: stream ends inside a %d-byte frame", n)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("isolation: bad frame: %v", err)
	}
	if m.Op == "" {
		return m, errors.New("isolation: frame without an op")
	}
	return m, nil
}
