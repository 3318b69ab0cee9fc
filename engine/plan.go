package engine

import (
	"path/filepath"
	"strings"

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

// planNames gives every source of a batch its own output name: when two
// sources would be written to the same file (photo.jpg and photo.png as PNG,
// or a.JPG and a.jpg on a case-insensitive disk), the later ones in the
// batch's order get Dup = 1, 2, … The order is the walk's, so a second run
// plans the same names and "skip" finds each output again.
func planNames(sources []processing.Source, s processing.Settings) []processing.Source {
	out := make([]processing.Source, len(sources))
	taken := make(map[string]bool, len(sources))
	for i, src := range sources {
		f := guessFormat(src, s.Format)
		for src.Dup = 0; ; src.Dup++ {
			key := strings.ToLower(s.Naming.Target(src, f))
			if !taken[key] {
				taken[key] = true
				break
			}
		}
		out[i] = src
	}
	return out
}
