// Package journal is the resume journal: an append-only file in the output
// folder with one JSON line per finished output of each input (path, size,
// modification time, which output, status, file written), so that a batch
// cut short by a crash, a kill or a power cut can be resumed where it
// stopped: an input whose web copy was written before the kill and whose
// thumbnail was not is resumed by making the thumbnail alone.
//
// Each run appends a start line (with a fingerprint of its settings), one
// line per output it finished, flushed to disk after that output was moved
// into place, and an end line when every input has been through. A run
// with no end line is unfinished. A torn last line (power cut in the middle
// of a write) is ignored.
package journal

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// FileName is the journal's name in the output folder. Its leading dot and
// extension keep it out of folder walks for images.
const FileName = ".picpool-journal.jsonl"

// Entry is one finished output of an input.
type Entry struct {
	Path    string `json:"path"`          // absolute
	Out     int    `json:"out,omitempty"` // which output of the batch, from 0
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"` // modification time, Unix nanoseconds
	Status  string `json:"status"`   // done, skipped or failed
	Output  string `json:"output,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Error   string `json:"error,omitempty"`
	// Facts are what the run reported of the output it made and of its
	// input (size, bytes, quality, pixels: the engine's to write and
	// read), so that a resumed run reports an output made before as it
	// was made.
	Facts json.RawMessage `json:"facts,omitempty"`
}

// line is one line of the file.
type line struct {
	Event string    `json:"event"` // start, file, end
	Time  time.Time `json:"time,omitzero"`
	*Header
	*Entry
}

// Header starts a run.
type Header struct {
	Settings string `json:"settings"`          // the settings' fingerprint
	Total    int    `json:"total"`             // inputs in the batch
	Outputs  int    `json:"outputs,omitempty"` // outputs of each input, when more than one
	Resumed  int    `json:"resumed,omitempty"` // of those, done by an earlier run
}

// Fingerprint is a short hash of settings (anything JSON can write), to
// tell whether a resumed batch uses the same settings as the one it resumes.
func Fingerprint(settings any) string {
	data, err := json.Marshal(settings)
	if err != nil {
		data = fmt.Appendf(nil, "%#v", settings)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Writer appends to a journal. Add is safe for concurrent use.
type Writer struct {
	f *os.File

	mu      sync.Mutex // order of lines
	written uint64     // lines written
	err     error      // first write error; later calls return it

	syncMu sync.Mutex
	synced uint64 // lines known to be on disk
}

// Open opens dir's journal for appending, creating the folder and the file
// as needed; Begin starts the run.
func Open(dir string) (*Writer, error) { return OpenFile(dir, FileName) }

// OpenFile is Open for a journal of another name in dir (a shard
// attempt's own: see ShardPrefix).
func OpenFile(dir, name string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name)
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	w := &Writer{f: f}
	if errors.Is(statErr, fs.ErrNotExist) {
		syncDir(dir) // the new name itself must survive a power cut
	} else if torn(f) {
		w.write([]byte("\n")) // end a torn line, so the next one stands alone
	}
	return w, nil
}

// Begin appends the run's start line.
func (w *Writer) Begin(h Header) error {
	return w.add(line{Event: "start", Time: time.Now().UTC(), Header: &h})
}

// torn reports whether the file does not end with a newline.
func torn(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false
	}
	var b [1]byte
	_, err = f.ReadAt(b[:], st.Size()-1)
	return err == nil && b[0] != '\n'
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Add records a finished output and returns once the line is on disk.
// Lines of concurrent calls share one flush.
func (w *Writer) Add(e Entry) error {
	return w.add(line{Event: "file", Entry: &e})
}

func (w *Writer) add(l line) error {
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	mine, err := w.write(append(data, '\n'))
	if err != nil {
		return err
	}
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	if w.synced >= mine {
		return nil // a flush by another caller covered this line
	}
	w.mu.Lock()
	upTo := w.written
	w.mu.Unlock()
	if err := w.f.Sync(); err != nil {
		w.fail(err)
		return err
	}
	w.synced = upTo
	return nil
}

// write appends data and returns the number of lines written so far.
func (w *Writer) write(data []byte) (uint64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if _, err := w.f.Write(data); err != nil {
		w.err = fmt.Errorf("journal: %w", err)
		return 0, w.err
	}
	w.written++
	return w.written, nil
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = fmt.Errorf("journal: %w", err)
	}
	w.mu.Unlock()
}

// Finish appends the end line (every input has been through) and closes.
func (w *Writer) Finish() error {
	err := w.add(line{Event: "end", Time: time.Now().UTC()})
	return errors.Join(err, w.f.Close())
}

// Close closes without an end line: the run stays unfinished (cancelled).
func (w *Writer) Close() error {
	err := w.f.Sync()
	return errors.Join(err, w.f.Close())
}

// Run is one run found in a journal.
type Run struct {
	Started  time.Time
	Settings string // fingerprint
	Total    int    // inputs in the batch
	Resumed  int    // of those, done by an earlier run and not redone
	Done     int    // inputs converted
	Skipped  int    // inputs skipped (output existed, or done in an earlier run)
	Failed   int    // inputs that failed
	Finished bool   // the run has its end line

	// status is each input's status in this run so far, from its outputs'
	// lines: failed if one failed, else done if one was made, else skipped.
	status map[string]string
}

// count takes an output's line into the counts of its input.
func (r *Run) count(path, status string) {
	if r.status == nil {
		r.status = map[string]string{}
	}
	prev, seen := r.status[path]
	next := status
	if seen && statusRank[prev] > statusRank[status] {
		next = prev
	}
	r.status[path] = next
	if seen {
		*r.counter(prev)--
	}
	*r.counter(next)++
}

var statusRank = map[string]int{"skipped": 1, "done": 2, "failed": 3}

func (r *Run) counter(status string) *int {
	switch status {
	case "done":
		return &r.Done
	case "skipped":
		return &r.Skipped
	case "failed":
		return &r.Failed
	}
	return new(int)
}

// entryKey names one output of one input.
type entryKey struct {
	path string
	out  int
}

// Journal is what a journal file holds (or several: a shard's attempts).
type Journal struct {
	Runs    []Run
	entries map[string]map[entryKey]Entry // settings fingerprint -> output of an input -> last entry
	dir     string                        // relative outputs are relative to it
}

// Load reads dir's journal; a missing journal is an empty one. Lines that
// cannot be read (a torn last line) are left out.
func Load(dir string) (*Journal, error) {
	j := &Journal{entries: map[string]map[entryKey]Entry{}, dir: dir}
	return j, j.load(filepath.Join(dir, FileName))
}

func (j *Journal) load(path string) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		raw, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(raw)) > 0 && (err == nil || errors.Is(err, io.EOF)) {
			j.add(raw)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func (j *Journal) add(raw []byte) {
	var l line
	if json.Unmarshal(raw, &l) != nil {
		return
	}
	if l.Event == "start" && l.Header != nil {
		j.Runs = append(j.Runs, Run{Started: l.Time, Settings: l.Settings, Total: l.Total, Resumed: l.Resumed})
		return
	}
	if len(j.Runs) == 0 {
		return
	}
	run := &j.Runs[len(j.Runs)-1]
	switch {
	case l.Event == "end":
		run.Finished = true
	case l.Event == "file" && l.Entry != nil:
		if l.Output != "" && !filepath.IsAbs(l.Output) {
			l.Output = filepath.Join(j.dir, filepath.FromSlash(l.Output)) // a shard's: relative to the output folder
		}
		run.count(l.Path, l.Status)
		m := j.entries[run.Settings]
		if m == nil {
			m = map[entryKey]Entry{}
			j.entries[run.Settings] = m
		}
		m[entryKey{l.Path, l.Out}] = *l.Entry
	}
}

// Last returns the most recent run.
func (j *Journal) Last() (Run, bool) {
	if len(j.Runs) == 0 {
		return Run{}, false
	}
	return j.Runs[len(j.Runs)-1], true
}

// Done is DoneOutput for the first (or only) output.
func (j *Journal) Done(path string, size, modTime int64, settings string) (Entry, bool) {
	return j.DoneOutput(path, 0, size, modTime, settings)
}

// DoneOutput returns the entry of output out of an input that a run with
// these settings finished, when the input has not changed since (same
// size and modification time) and the output is still there. Failed
// outputs are not done: a resumed run tries them again.
func (j *Journal) DoneOutput(path string, out int, size, modTime int64, settings string) (Entry, bool) {
	if j == nil {
		return Entry{}, false
	}
	e, ok := j.entries[settings][entryKey{path, out}]
	if !ok || e.Size != size || e.ModTime != modTime || (e.Status != "done" && e.Status != "skipped") {
		return Entry{}, false
	}
	if e.Output != "" {
		if _, err := os.Lstat(e.Output); err != nil {
			return Entry{}, false
		}
	}
	return e, true
}

// Unfinished reports whether the last run recorded in dir did not finish
// (crash, kill, power cut or cancel), with its figures: what a window asks
// about before offering to resume.
func Unfinished(dir string) (Run, bool, error) {
	j, err := Load(dir)
	if err != nil {
		return Run{}, false, err
	}
	last, ok := j.Last()
	return last, ok && !last.Finished, nil
}
