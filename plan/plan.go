// Package plan is a batch written down once so that many tasks can run it:
// the settings and their fingerprint, the folder the inputs were found
// under (the root) and the output folder, and one line per input with its
// path relative to the root, its size and time, its number in the batch
// and its output names, planned over the whole batch. "picpool plan"
// writes one; "picpool run -plan FILE -shard K/N" runs one shard of it,
// and "picpool report merge -plan FILE" checks that every input was
// processed once.
//
// # The file (version 1)
//
// A plan is JSON Lines (UTF-8, one JSON object per line). The first line
// is the header (Header); each following line is an input (Input: it has
// "path") or an input left out of the batch with its reason (Ignored: it
// has "ignored"). Inputs come in the batch's order: line i (from 0) has
// "n": i. Paths are relative to the root, with "/" between names, and
// never leave it; output names are relative to the output folder. Unknown
// fields are an error: a plan is read by the version that understands it.
//
// # Which input runs in which shard
//
// With "assign": "hash" (the default) input p is in shard
//
//	FNV-1a-64(p) mod N
//
// where p is the input's "path" as written in the plan (its UTF-8 bytes)
// and FNV-1a-64 is the 64-bit FNV-1a hash (offset basis
// 14695981039346656037, prime 1099511628211). An input's shard depends on
// its path and N alone: inputs added to a later plan leave the others
// where they were. With "assign": "size" the inputs, in their order, are
// cut into N contiguous ranges of about equal bytes: input i, whose bytes
// run from c to c+s in the sum of all sizes S, is in shard
// floor((2c+s)·N / 2S) (its middle byte's share), or by count when every
// file is empty.
package plan

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/bits"
	"path"
	"time"

	"github.com/picpool/picpool/processing"
)

// Format and Version name the file format in the header.
const (
	Format  = "picpool-plan"
	Version = 1
)

// Assign is how inputs are given to shards.
type Assign string

const (
	ByHash Assign = "hash" // a stable hash of the relative path (the default)
	BySize Assign = "size" // contiguous ranges of about equal bytes
)

// ParseAssign reads "hash" or "size" ("" is hash).
func ParseAssign(s string) (Assign, error) {
	switch Assign(s) {
	case "", ByHash:
		return ByHash, nil
	case BySize:
		return BySize, nil
	}
	return "", fmt.Errorf("assign %q: use hash (a stable hash of each input's path) or size (contiguous ranges of about equal bytes)", s)
}

// Header is a plan's first line.
type Header struct {
	Format  string    `json:"format"`  // "picpool-plan"
	Version int       `json:"version"` // 1
	Created time.Time `json:"created"`
	Program string    `json:"program,omitempty"` // the picpool that wrote it
	// ID is a hash of every input line: reports of shards of this plan
	// carry it, so that a merge takes no report of another plan.
	ID string `json:"id"`
	// Root is the folder the inputs' paths are relative to (absolute);
	// Out the output folder (absolute). Both may be moved at run time
	// (-root, -out): a task on a host where the store is mounted elsewhere.
	Root string `json:"root"`
	Out  string `json:"out"`
	// Assign says which input runs in which shard.
	Assign Assign `json:"assign"`
	// Settings are the batch's settings as a preset (what -preset reads);
	// Fingerprint is the engine's fingerprint of them, which every shard
	// checks before it starts.
	Settings    processing.Preset `json:"settings"`
	Fingerprint string            `json:"fingerprint"`
	Outputs     int               `json:"outputs"` // outputs of each input
	Inputs      int               `json:"inputs"`  // input lines
	Ignored     int               `json:"ignored"` // ignored lines
	Bytes       int64             `json:"bytes"`   // the inputs' sizes together
}

// Input is one input of the batch.
type Input struct {
	Path string `json:"path"` // relative to the root, "/" between names
	// Rel is the path the output names keep (below the input folder it
	// was found in), when it is not Path: with several input folders.
	Rel     string `json:"rel,omitempty"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"` // Unix nanoseconds
	N       int    `json:"n"`        // its number in the batch, from 0 ({n})
	// Dup is each output's clash number (photo-1.png), when one is not 0.
	Dup []int `json:"dup,omitempty"`
	// Outputs are its output names relative to the output folder, in the
	// order of the settings' outputs, as planned from the path: "" where a
	// name needs what is inside the file ({date}, {camera}, {width}). A
	// PNG named .jpg with format "same" is written as PNG all the same.
	Outputs []string `json:"outputs"`
}

// NamingRel is the path output names keep.
func (in Input) NamingRel() string {
	if in.Rel != "" {
		return in.Rel
	}
	return in.Path
}

// Ignored is a file or folder left out of the batch, with why.
type Ignored struct {
	Path   string `json:"ignored"` // relative to the root when inside it, else absolute
	Reason string `json:"reason"`
}

// Plan is a whole plan file.
type Plan struct {
	Header
	Inputs  []Input
	Ignored []Ignored
}

// line is any line of the file, to read it strictly.
type line struct {
	Input
	Ignored string `json:"ignored"`
	Reason  string `json:"reason"`
}

// Seal fills the header's counts, bytes and ID from the lines and checks
// them; Write calls it.
func (p *Plan) Seal() error {
	p.Format, p.Version = Format, Version
	p.Header.Inputs, p.Header.Ignored = len(p.Inputs), len(p.Ignored)
	p.Bytes = 0
	h := sha256.New()
	for _, in := range p.Inputs {
		p.Bytes += in.Size
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		h.Write(append(data, '\n'))
	}
	p.ID = hex.EncodeToString(h.Sum(nil)[:8])
	return p.check()
}

// Write writes the plan: the header, the inputs, the ignored.
func Write(w io.Writer, p *Plan) error {
	if err := p.Seal(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p.Header); err != nil {
		return err
	}
	for _, in := range p.Inputs {
		if err := enc.Encode(in); err != nil {
			return err
		}
	}
	for _, ig := range p.Ignored {
		if err := enc.Encode(ig); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Read reads and checks a plan.
func Read(r io.Reader) (*Plan, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	p := &Plan{}
	for no := 1; ; no++ {
		raw, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if t := bytes.TrimSpace(raw); len(t) > 0 {
			if err := p.readLine(t, no); err != nil {
				return nil, fmt.Errorf("plan line %d: %w", no, err)
			}
		}
		if err != nil {
			break
		}
	}
	if p.Format == "" {
		return nil, errors.New("plan: empty (no header line)")
	}
	want := p.Header
	if err := p.Seal(); err != nil {
		return nil, err
	}
	if p.ID != want.ID || p.Header.Inputs != want.Inputs || p.Header.Ignored != want.Ignored {
		return nil, fmt.Errorf("plan: the header says %d inputs, %d ignored, id %s; the file holds %d, %d, id %s: it was cut short or edited",
			want.Inputs, want.Ignored, want.ID, p.Header.Inputs, p.Header.Ignored, p.ID)
	}
	return p, nil
}

func (p *Plan) readLine(raw []byte, no int) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if no == 1 {
		if err := dec.Decode(&p.Header); err != nil {
			return fmt.Errorf("not a plan header: %w", err)
		}
		if p.Format != Format {
			return fmt.Errorf("not a picpool plan (format %q)", p.Format)
		}
		if p.Version != Version {
			return fmt.Errorf("plan version %d: this picpool reads version %d; make the plan again with it", p.Version, Version)
		}
		return nil
	}
	var l line
	if err := dec.Decode(&l); err != nil {
		return err
	}
	if l.Ignored != "" {
		p.Ignored = append(p.Ignored, Ignored{Path: l.Ignored, Reason: l.Reason})
		return nil
	}
	p.Inputs = append(p.Inputs, l.Input)
	return nil
}

// check validates the lines: numbered in order, paths inside the root and
// each once, one name per output.
func (p *Plan) check() error {
	if _, err := ParseAssign(string(p.Assign)); err != nil {
		return err
	}
	if p.Root == "" || !path.IsAbs(toSlash(p.Root)) && !isWinAbs(p.Root) {
		return fmt.Errorf("plan: root %q must be an absolute folder", p.Root)
	}
	seen := make(map[string]bool, len(p.Inputs))
	for i, in := range p.Inputs {
		if in.N != i {
			return fmt.Errorf("plan: input %d (%s) is numbered %d", i, in.Path, in.N)
		}
		for _, rel := range []string{in.Path, in.Rel} {
			if rel != "" && !localPath(rel) {
				return fmt.Errorf("plan: input %d: %q leaves the root", i, rel)
			}
		}
		if in.Path == "" || seen[in.Path] {
			return fmt.Errorf("plan: input %d: path %q is empty or given twice", i, in.Path)
		}
		seen[in.Path] = true
		if len(in.Outputs) != p.Outputs {
			return fmt.Errorf("plan: input %d (%s) has %d output names, the settings %d", i, in.Path, len(in.Outputs), p.Outputs)
		}
	}
	return nil
}

// localPath reports whether a slash-separated path stays inside its root.
func localPath(p string) bool {
	return p == path.Clean(p) && !path.IsAbs(p) && p != "." && p != ".." && !startsDotDot(p) && !bytes.ContainsRune([]byte(p), 0) && !isWinAbs(p)
}

func startsDotDot(p string) bool { return len(p) >= 3 && p[:3] == "../" }

func isWinAbs(p string) bool {
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

func toSlash(p string) string {
	return string(bytes.ReplaceAll([]byte(p), []byte{'\\'}, []byte{'/'}))
}

// HashShard is the shard of n that a path goes to under ByHash.
func HashShard(relPath string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(relPath))
	return int(h.Sum64() % uint64(n))
}

// Shards returns every input's shard of n.
func (p *Plan) Shards(n int) []int {
	out := make([]int, len(p.Inputs))
	if p.Assign != BySize {
		for i, in := range p.Inputs {
			out[i] = HashShard(in.Path, n)
		}
		return out
	}
	var total uint64
	for _, in := range p.Inputs {
		total += uint64(max(in.Size, 0))
	}
	var before uint64
	for i, in := range p.Inputs {
		size := uint64(max(in.Size, 0))
		mid, whole := 2*before+size, 2*total
		if total == 0 {
			mid, whole = 2*uint64(i)+1, 2*uint64(len(p.Inputs))
		}
		hi, lo := bits.Mul64(mid, uint64(n))
		q, _ := bits.Div64(hi, lo, whole)
		out[i] = min(int(q), n-1)
		before += size
	}
	return out
}

// Shard returns the inputs (by position) of shard k of n.
func (p *Plan) Shard(k, n int) []int {
	var idx []int
	for i, s := range p.Shards(n) {
		if s == k {
			idx = append(idx, i)
		}
	}
	return idx
}
