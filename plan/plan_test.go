package plan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/picpool/picpool/processing"
)

func testPlan(paths ...string) *Plan {
	p := &Plan{Header: Header{Root: "/data/photos", Out: "/data/out", Assign: ByHash, Fingerprint: "0123456789abcdef", Outputs: 1,
		Settings: processing.Preset{Format: "png"}}}
	for i, path := range paths {
		p.Inputs = append(p.Inputs, Input{Path: path, Size: int64(100 * (i + 1)), ModTime: int64(i), N: i, Outputs: []string{strings.TrimSuffix(path, ".jpg") + ".png"}})
	}
	p.Ignored = []Ignored{{Path: "notes.txt", Reason: "not an image"}}
	return p
}

func TestWriteRead(t *testing.T) {
	p := testPlan("a/x.jpg", "b/x.jpg", "y.jpg")
	p.Inputs[1].Rel, p.Inputs[1].Dup, p.Inputs[1].Outputs[0] = "x.jpg", []int{1}, "x-1.png"
	var buf bytes.Buffer
	if err := Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(buf.String(), "\n"); lines != 5 {
		t.Fatalf("%d lines, want header, 3 inputs and 1 ignored:\n%s", lines, buf.String())
	}
	got, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != p.ID || len(got.Inputs) != 3 || got.Inputs[1].NamingRel() != "x.jpg" || got.Inputs[1].Dup[0] != 1 || got.Ignored[0] != p.Ignored[0] || got.Settings.Format != "png" {
		t.Errorf("read back %+v", got)
	}
	// Cut short, edited, another version, a path leaving the root: refused.
	text := buf.String()
	for name, bad := range map[string]string{
		"cut":        text[:strings.LastIndex(text[:len(text)-1], "\n")+1],
		"edited":     strings.Replace(text, `"size":200`, `"size":201`, 1),
		"version":    strings.Replace(text, `"version":1`, `"version":2`, 1),
		"escape":     strings.Replace(text, `"path":"y.jpg"`, `"path":"../y.jpg"`, 1),
		"unknown":    strings.Replace(text, `"size":300`, `"size":300,"extra":1`, 1),
		"not plan":   `{"format":"something"}` + "\n",
		"renumbered": strings.Replace(text, `"n":2`, `"n":7`, 1),
	} {
		if _, err := Read(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
}

// The documented hash: FNV-1a 64 of the path's bytes, modulo N.
func TestHashShard(t *testing.T) {
	// FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the reference test vector).
	if got, want := HashShard("a", 1000), int(uint64(0xaf63dc4c8601ec8c)%1000); got != want {
		t.Errorf("HashShard(a, 1000) = %d, want %d", got, want)
	}
	// Shards stay put when inputs are added.
	small := testPlan("a.jpg", "b/c.jpg", "d.jpg", "e/f/g.jpg")
	big := testPlan("0.jpg", "a.jpg", "b/c.jpg", "z.jpg", "d.jpg", "e/f/g.jpg")
	at := map[string]int{}
	for i, s := range big.Shards(3) {
		at[big.Inputs[i].Path] = s
	}
	for i, s := range small.Shards(3) {
		if at[small.Inputs[i].Path] != s {
			t.Errorf("%s moved from shard %d to %d when inputs were added", small.Inputs[i].Path, s, at[small.Inputs[i].Path])
		}
	}
}

// By size: contiguous ranges of about equal bytes, every shard used.
func TestSizeShards(t *testing.T) {
	p := testPlan("a", "b", "c", "d", "e", "f", "g", "h") // sizes 100..800, 3600 in all
	p.Assign = BySize
	shards := p.Shards(3)
	bytes := make([]int64, 3)
	for i, s := range shards {
		if i > 0 && s < shards[i-1] {
			t.Fatalf("shards %v are not contiguous", shards)
		}
		bytes[s] += p.Inputs[i].Size
	}
	for s, b := range bytes {
		if b < 800 || b > 1600 {
			t.Errorf("shard %d has %d of 3600 bytes (%v): want about a third", s, b, shards)
		}
	}
	for _, i := range p.Shard(2, 3) {
		if shards[i] != 2 {
			t.Errorf("Shard(2, 3) holds input %d of shard %d", i, shards[i])
		}
	}
	empty := testPlan("a", "b", "c", "d")
	empty.Assign = BySize
	for i := range empty.Inputs {
		empty.Inputs[i].Size = 0
	}
	if got := empty.Shards(2); got[0] != 0 || got[1] != 0 || got[2] != 1 || got[3] != 1 {
		t.Errorf("empty files by count: %v", got)
	}
}
