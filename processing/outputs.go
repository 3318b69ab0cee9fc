package processing

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/picpool/picpool/codec"
)

// Output is one file a batch makes from each input: the image is decoded
// and the shared head of filters (Settings.Chain) applied once, then each
// output runs its own tail of filters and is encoded and written with its
// own format, naming, policy and size target.
type Output struct {
	// Label names the output in reports and the window ("web", "thumbs");
	// "" shows as its folder or its number.
	Label    string       `json:",omitempty"`
	Chain    Chain        `json:",omitempty"` // the tail, after the shared head
	Format   codec.Format `json:",omitempty"`
	Quality  int          `json:",omitempty"` // 0: the format's default
	PNGLevel string       `json:",omitempty"`
	// Lossless, AVIFSpeed and AVIFOneFrame: as Settings' (WebP and AVIF).
	Lossless     bool `json:",omitempty"`
	AVIFSpeed    int  `json:",omitempty"`
	AVIFOneFrame bool `json:",omitempty"`
	// Naming.Dir is a folder inside the batch's output folder
	// (Settings.Naming.Dir), "" for that folder itself.
	Naming   Naming
	OnExists OnExists   `json:",omitempty"`
	Size     SizeTarget `json:",omitzero"`
	// OnlyIfSmaller: when the output is in the source's format and size and
	// would not be smaller than the source, the source's bytes are written
	// instead (see Process).
	OnlyIfSmaller bool `json:",omitempty"`
}

// Name is how reports and messages call the output: its label, its
// folder, or "output N" (N from 1).
func (o Output) Name(i int) string {
	switch {
	case o.Label != "":
		return o.Label
	case o.Naming.Dir != "":
		return filepath.ToSlash(o.Naming.Dir)
	}
	return fmt.Sprintf("output %d", i+1)
}

// Formats lists the outputs' formats (SameFormat where an output keeps
// each input's own), as codec.Warm takes them.
func Formats(outs []Output) []codec.Format {
	f := make([]codec.Format, len(outs))
	for i, o := range outs {
		f[i] = o.Format
	}
	return f
}

// OutputList returns the batch's outputs with their folders resolved
// (inside Settings.Naming.Dir), their labels (see Name) and the default
// policy filled in. A batch
// without Outputs has one, made of the settings' own Format, Quality,
// PNGLevel, Naming, OnExists, Size and OnlyIfSmaller: what a batch was
// before outputs existed, with Chain as its whole filter chain.
func (s Settings) OutputList() []Output {
	if len(s.Outputs) == 0 {
		return []Output{{Format: s.Format, Quality: s.Quality, PNGLevel: s.PNGLevel, Lossless: s.Lossless, AVIFSpeed: s.AVIFSpeed, AVIFOneFrame: s.AVIFOneFrame,
			Naming: s.Naming, OnExists: orSkip(s.OnExists), Size: s.Size, OnlyIfSmaller: s.OnlyIfSmaller}}
	}
	out := make([]Output, len(s.Outputs))
	for i, o := range s.Outputs {
		o.Label = o.Name(i)
		o.Naming.Dir = filepath.Join(s.Naming.Dir, o.Naming.Dir)
		o.OnExists = orSkip(o.OnExists)
		out[i] = o
	}
	return out
}

func orSkip(p OnExists) OnExists {
	if p == "" {
		return Skip
	}
	return p
}

// compiledOutput is an Output checked and ready to run.
type compiledOutput struct {
	Output
	tail *Pipeline
	full *Pipeline // the head then the tail: sizes, limits, shrink-on-load
	name namer
}

// compileOutputs checks every output (tail chain, encoder options, policy,
// folder, name template, size target) and that no two of them would write
// the same file, before any file is read. Errors name the output.
func compileOutputs(s Settings) ([]compiledOutput, error) {
	list := s.OutputList()
	outs := make([]compiledOutput, len(list))
	for i, o := range list {
		fail := func(err error) error {
			if len(list) == 1 && len(s.Outputs) == 0 {
				return err
			}
			return fmt.Errorf("output %d (%s): %w", i+1, o.Name(i), err)
		}
		tail, err := o.Chain.Compile()
		if err != nil {
			return nil, fail(err)
		}
		full, err := append(append(Chain{}, s.Chain...), o.Chain...).Compile()
		if err != nil {
			return nil, fail(err)
		}
		if err := (codec.EncodeOptions{Format: codec.JPEG, Quality: o.Quality, PNGCompression: o.PNGLevel, AVIFSpeed: o.AVIFSpeed}).Validate(); err != nil {
			return nil, fail(err)
		}
		if _, err := ParseOnExists(string(o.OnExists)); err != nil {
			return nil, fail(err)
		}
		if len(s.Outputs) > 0 {
			if d := s.Outputs[i].Naming.Dir; d != "" && !filepath.IsLocal(d) {
				return nil, fail(fmt.Errorf("folder %q: give a folder inside the output folder (no .., not absolute)", d))
			}
		}
		if err := o.Size.validate(o.Quality); err != nil {
			return nil, fail(err)
		}
		name, err := o.Naming.compile()
		if err != nil {
			return nil, fail(fmt.Errorf("name: %w", err))
		}
		outs[i] = compiledOutput{Output: o, tail: tail, full: full, name: name}
	}
	return outs, checkClashes(outs)
}

// checkClashes refuses two outputs that would write the same file for the
// same input: it names a few sample inputs (every format "same" can keep,
// in a sub-folder and at the top) and compares the outputs' names, with the fields read from inside a file
// standing for "whatever the file holds" (see planKey).
func checkClashes(outs []compiledOutput) error {
	for _, rel := range []string{"sub/x.jpg", "sub/x.png", "sub/x.tif", "sub/x.gif", "sub/x.bmp", "sub/x.webp", "x.jpg", "x.png"} {
		src := Source{Path: filepath.Join("in", filepath.FromSlash(rel)), Rel: filepath.FromSlash(rel)}
		seen := map[string]int{}
		for i := range outs {
			f, _ := codec.ParseFormat(filepath.Ext(rel))
			key := outs[i].planKey(src, i, outs[i].Format.For(string(f)))
			if j, ok := seen[key]; ok {
				return fmt.Errorf("outputs %d (%s) and %d (%s) would write the same file (%s for an input %s): give them different folders, names or formats",
					j+1, outs[j].Name(j), i+1, outs[i].Name(i), outs[i].name.target(src, outs[i].Format.For(string(f)), 0, ptr(PathFields(src))), filepath.Base(rel))
			}
			seen[key] = i
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// planKey is the path output i would give src in format f, lower-cased
// (disks that ignore case), with each field read from inside the file
// standing as a marker of itself: two equal keys are the same file whatever
// the files hold. The output's size is its own: outputs of different sizes
// do not clash by {width}.
func (o *compiledOutput) planKey(src Source, i int, f codec.Format) string {
	fields := PathFields(src)
	key := o.name.base(&fields, src.dup(i), func(t *Template, f *Fields) string { return t.key(f, i) })
	return strings.ToLower(o.name.place(src, f, key))
}

// numbered reports whether the plan numbers this output's clashing names:
// not when its template takes nothing from the source's path or number
// ({date} alone), whose names clash or not by content; -on-exists decides
// those when they are written.
func (o *compiledOutput) numbered() bool {
	u := o.name.t.Uses()
	return u&FromFile == 0 || u&(UsesPath|UsesN) != 0
}

// PlanKey is the plan's view of output i's name for src in format f (see
// the batch planner, engine/plan.go): the lower-cased path with the fields
// read from inside the file as markers. numbered is false for outputs whose
// clashes the plan leaves to -on-exists.
func (p *Processor) PlanKey(src Source, i int, f codec.Format) (key string, numbered bool) {
	o := &p.outs[i]
	return o.planKey(src, i, f), o.numbered()
}

// NameFromPath reports whether output i's name comes from the source's
// path and number alone (Target gives it), not from inside the file.
func (p *Processor) NameFromPath(i int) bool {
	return p.outs[i].name.t.Uses()&FromFile == 0
}

// Target is output i's path for src in format f, for templates that need
// nothing from inside the file (see Naming.Target), with the plan's clash
// number for that output (Source.Dup).
func (p *Processor) Target(src Source, i int, f codec.Format) string {
	fields := PathFields(src)
	return p.outs[i].name.target(src, f, src.dup(i), &fields)
}

// Names returns the path each output would give src, as Run names them
// before decoding: from its header, and its EXIF when a template needs it
// (a size target that scales the image down changes a {width} later). An
// output whose name cannot be made has its error in errs.
func (p *Processor) Names(src Source) (names []string, errs []error, err error) {
	file, info, err := codec.Open(src.Path, p.s.Decode)
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()
	f := &fileRun{p: p, job: Job{Source: src}, info: info}
	f.w, f.h = info.Upright()
	f.fields = fileFields(src, file, p.uses)
	names, errs = make([]string, len(p.outs)), make([]error, len(p.outs))
	for i := range p.outs {
		o := outputRun{f: f, i: i, c: &p.outs[i]}
		_, errs[i] = o.plan()
		names[i] = o.target
	}
	return names, errs, nil
}

// Outputs returns the batch's outputs, resolved (see Settings.OutputList).
func (p *Processor) Outputs() []Output {
	out := make([]Output, len(p.outs))
	for i, o := range p.outs {
		out[i] = o.Output
	}
	return out
}
