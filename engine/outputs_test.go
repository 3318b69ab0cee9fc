package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/journal"
	"github.com/picpool/picpool/processing"
)

// The plan numbers clashes over every output of the batch, is the same
// every time, and leaves names made from a file's contents alone to
// -on-exists.
func TestPlanNumbersClashesOverAllOutputs(t *testing.T) {
	srcs := []processing.Source{
		{Path: "in/x.jpg", Rel: "x.jpg"},
		{Path: "in/x_t.jpg", Rel: "x_t.jpg"}, // its web copy is x's thumbnail's name
		{Path: "in/x.png", Rel: "x.png"},     // as JPEG, the same names as x.jpg
		{Path: "in/y.jpg", Rel: "y.jpg"},
	}
	s := processing.Settings{Naming: processing.Naming{Dir: "out"}, Outputs: []processing.Output{
		{Format: codec.JPEG, Naming: processing.Naming{Dir: "web", Template: "{name}_t"}},
		{Format: codec.JPEG, Naming: processing.Naming{Dir: "web"}},
		{Format: codec.JPEG, Naming: processing.Naming{Dir: "dated", Template: "{date}"}},
	}}
	plan, err := Plan(srcs, s)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Plan(srcs, s)
	proc, _ := processing.NewProcessor(s)
	var names []string
	for i, src := range plan {
		if src.Index != i || !slices.Equal(src.Dup, again[i].Dup) {
			t.Errorf("%s: index %d, dup %v then %v", src.Rel, src.Index, src.Dup, again[i].Dup)
		}
		for j := range 2 {
			names = append(names, filepath.ToSlash(proc.Target(src, j, codec.JPEG)))
		}
		if len(src.Dup) == 3 && src.Dup[2] != 0 {
			t.Errorf("%s: a {date} name was numbered: %v", src.Rel, src.Dup)
		}
	}
	want := []string{"out/web/x_t.jpg", "out/web/x.jpg", "out/web/x_t_t.jpg", "out/web/x_t-1.jpg",
		"out/web/x-1_t.jpg", "out/web/x-1.jpg", "out/web/y_t.jpg", "out/web/y.jpg"}
	if !slices.Equal(names, want) {
		t.Errorf("names\n%v\nwant\n%v", names, want)
	}
}

// A two-output batch: a record per output, a journal line per output, and
// a second run that finds them all.
func TestBatchRecordsAndJournalsEachOutput(t *testing.T) {
	out := t.TempDir()
	s := settings(t, out, "resize=300x0", 2)
	s.Processing.Outputs = []processing.Output{
		{Label: "big", Format: codec.JPEG},
		{Chain: mustParse(t, "resize=50x50:mode=fill"), Format: codec.PNG, Naming: processing.Naming{Dir: "small"}},
	}
	s.Journal, s.KeepJournal = true, true
	photos := filepath.Join(testdata, "photos")
	sum, recs := runBatch(t, []string{photos}, s)
	if sum.Done != 18 || len(recs) != 36 {
		t.Fatalf("%+v, %d records", sum, len(recs))
	}
	byOutput := map[string]int{}
	for _, r := range recs {
		byOutput[r.OutputName]++
		if r.Status != "done" || (r.OutputName == "small") != (r.OutputIndex == 1) || (r.OutputName == "small" && r.Width != 50) {
			t.Errorf("%+v", r)
		}
	}
	if byOutput["big"] != 18 || byOutput["small"] != 18 {
		t.Errorf("records per output %v", byOutput)
	}
	data, _ := os.ReadFile(filepath.Join(out, journal.FileName))
	if n := strings.Count(string(data), `"event":"file"`); n != 36 {
		t.Errorf("%d journal lines, want one per output", n)
	}
	if !strings.Contains(string(data), `"outputs":2`) {
		t.Error("the journal's start line does not say how many outputs")
	}
	sum, recs = runBatch(t, []string{photos}, s)
	if sum.Skipped != 18 || len(recs) != 36 {
		t.Errorf("second run: %+v, %d records", sum, len(recs))
	}
}

func mustParse(t *testing.T, text string) processing.Chain {
	t.Helper()
	c, err := processing.ParseChain(text)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The window's preview of names: the first inputs' names per output, as
// the batch writes them (the counter, the output's size), and the
// settings' own errors.
func TestPreviewNames(t *testing.T) {
	b := Collect(t.Context(), []string{filepath.Join(testdata, "photos")}, "")
	s := processing.Settings{Naming: processing.Naming{Dir: "out"}, Outputs: []processing.Output{
		{Chain: mustParse(t, "resize=300x0"), Format: codec.JPEG, Naming: processing.Naming{Dir: "web", Template: "{n:02}_{name}_{width}x{height}"}},
		{Format: codec.PNG, Naming: processing.Naming{Template: "{name}"}},
	}}
	names, err := PreviewNames(b, s, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"web/01_Landscape_0_300x200.jpg", "web/02_Landscape_1_300x200.jpg", "web/03_Landscape_2_300x200.jpg"},
		{"Landscape_0.png", "Landscape_1.png", "Landscape_2.png"},
	}
	for j := range want {
		if !slices.Equal(names[j], want[j]) {
			t.Errorf("output %d: %v, want %v", j, names[j], want[j])
		}
	}
	s.Outputs[1].Naming.Template = "{name"
	if _, err := PreviewNames(b, s, 3); err == nil || !strings.Contains(err.Error(), `a "{" without its "}"`) {
		t.Errorf("bad template: %v", err)
	}
}
