package engine

import (
	"path/filepath"

	"github.com/picpool/picpool/codec"
	"github.com/picpool/picpool/processing"
)

// guessFormat is the output format a source will most likely get: the
// chosen one, or for "same" the one its extension names. (The header decides
// in the end; a PNG named .jpg is written as PNG.)
func guessFormat(src processing.Source, f codec.Format) codec.Format {
	if f != codec.SameFormat {
		return f
	}
	if parsed, err := codec.ParseFormat(filepath.Ext(src.Path)); err == nil && parsed != codec.SameFormat {
		return parsed
	}
	return codec.PNG
}

// Plan numbers a batch's sources and gives every output of every source
// its own name: each source gets its position (Index, what {n} counts),
// and when an output's name is already taken by an earlier source or
// output of the batch (photo.jpg and photo.png both written as PNG, or
// a.JPG and a.jpg on a case-insensitive disk, or a thumbnail template
// giving a name the web output already has), the later one gets
// Dup[output] = 1, 2, … ("photo-1.png").
//
// It is a pure function of the sources in their order and the settings,
// reading no file: the same batch always gets the same plan, so a second
// run (or a resumed one) names each output the same and finds it again,
// and a plan can be computed once and written down (the sources with their
// Index and Dup are the whole of it). Names are compared with the fields
// read from inside the files ({date}, {camera}, {width}…) standing for
// whatever the files hold; templates made of those fields alone, with
// nothing from the source's path or number, are not numbered: their names
// clash or not by content, and -on-exists decides when they are written.
func Plan(sources []processing.Source, s processing.Settings) ([]processing.Source, error) {
	proc, err := processing.NewProcessor(s)
	if err != nil {
		return nil, err
	}
	return planNames(sources, proc), nil
}

func planNames(sources []processing.Source, proc *processing.Processor) []processing.Source {
	outs := proc.Outputs()
	out := make([]processing.Source, len(sources))
	taken := make(map[string]bool, len(sources)*len(outs))
	for i, src := range sources {
		src.Index, src.Dup = i, nil
		dups := make([]int, len(outs))
		any := false
		for j, o := range outs {
			f := guessFormat(src, o.Format)
			src.Dup = dups
			for {
				key, numbered := proc.PlanKey(src, j, f)
				if !numbered {
					break
				}
				if !taken[key] {
					taken[key] = true
					break
				}
				dups[j]++
				any = true
			}
		}
		src.Dup = nil
		if any {
			src.Dup = dups
		}
		out[i] = src
	}
	return out
}

// PreviewNames returns the names the first k inputs of a batch get, for
// each output ([output][input]), relative to the output folder, as the
// batch would write them: the plan's numbering over the whole batch, each
// file's header and (when a template needs it) EXIF read. An input that
// cannot be read, or an output whose name cannot be made, shows why in its
// place. The settings' errors (a bad template, two outputs writing the same
// file) are returned as NewProcessor gives them.
func PreviewNames(b Batch, s processing.Settings, k int) ([][]string, error) {
	proc, err := processing.NewProcessor(s)
	if err != nil {
		return nil, err
	}
	srcs := planNames(b.Sources, proc)
	out := make([][]string, len(proc.Outputs()))
	for _, src := range srcs[:min(k, len(srcs))] {
		names, errs, err := proc.Names(src)
		for j := range out {
			text := ""
			switch {
			case err != nil:
				text = filepath.Base(src.Path) + ": " + err.Error()
			case errs[j] != nil:
				text = filepath.Base(src.Path) + ": " + errs[j].Error()
			default:
				text = names[j]
				if rel, e := filepath.Rel(s.Naming.Dir, names[j]); e == nil && s.Naming.Dir != "" {
					text = rel
				}
			}
			out[j] = append(out[j], filepath.ToSlash(text))
		}
	}
	return out, nil
}
