package processing

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/picpool/picpool/codec"
)

// Source is one input file.
type Source struct {
	Path string // as found (the input argument joined with the path below it)
	// Rel is the path below the input folder it was found in (the base name
	// for a file given directly); outputs keep it.
	Rel  string
	Size int64
	// Index is the source's position in its batch ({n} counts from it).
	Index int `json:",omitempty"`
	// Dup is set by the batch planner, per output, when an earlier source
	// or output of the batch would get the same name (photo.jpg and
	// photo.png both written as PNG): the output is then named
	// "photo-<Dup>.png". Missing entries are 0.
	Dup []int `json:",omitempty"`
	// Folder, when set, is {folder}: the name of the folder the source was
	// in when its batch was planned, where that folder is now mounted under
	// another name (a plan's root given with -root).
	Folder string `json:",omitempty"`
}

// dup is output i's clash number.
func (s Source) dup(i int) int {
	if i < len(s.Dup) {
		return s.Dup[i]
	}
	return 0
}

// Skipped is an input left out of a batch before processing, with the reason.
type Skipped struct {
	Path   string
	Reason string
}

// CollectOptions controls Collect.
type CollectOptions struct {
	// Exclude is a folder never descended into (the output folder, when it
	// lies inside an input folder).
	Exclude string
}

// Collect expands files and folders into sources. Folders are walked
// recursively in natural name order (img_2 before img_10: see NaturalLess); links to folders are followed unless they lead
// back into a folder already on the way (a loop); only files with an image
// extension are taken from folders (others are listed as skipped). Anything
// that cannot be read is listed as skipped with the reason; the same file
// named twice is taken once. It stops early when ctx is cancelled.
func Collect(ctx context.Context, inputs []string, opts CollectOptions) ([]Source, []Skipped) {
	c := collector{ctx: ctx, seen: map[fileID]bool{}}
	if opts.Exclude != "" {
		if st, err := os.Stat(opts.Exclude); err == nil {
			c.exclude = st
		}
	}
	for _, in := range inputs {
		if ctx.Err() != nil {
			break
		}
		st, err := os.Stat(in)
		if err != nil {
			c.skip(in, codec.OSError(in, err, "cannot read").Msg)
			continue
		}
		if st.IsDir() {
			c.walk(in, "", []fs.FileInfo{st})
			continue
		}
		if err := codec.CheckRegular(in, st); err != nil {
			c.skip(in, err.Error())
			continue
		}
		c.add(in, filepath.Base(in), st)
	}
	return c.sources, c.skipped
}

type fileID struct {
	name string
	size int64
	mod  int64
}

type collector struct {
	ctx     context.Context
	sources []Source
	skipped []Skipped
	seen    map[fileID]bool
	infos   []fs.FileInfo // files taken, for SameFile checks
	exclude fs.FileInfo
}

func (c *collector) skip(path, reason string) {
	c.skipped = append(c.skipped, Skipped{Path: path, Reason: reason})
}

func (c *collector) add(path, rel string, st fs.FileInfo) {
	id := fileID{st.Name(), st.Size(), st.ModTime().UnixNano()}
	if c.seen[id] {
		for _, other := range c.infos {
			if os.SameFile(other, st) {
				return
			}
		}
	}
	c.seen[id] = true
	c.infos = append(c.infos, st)
	c.sources = append(c.sources, Source{Path: path, Rel: rel, Size: st.Size()})
}

// walk descends into dir; ancestors holds the folders on the way, to stop
// at links that loop back.
func (c *collector) walk(dir, rel string, ancestors []fs.FileInfo) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		c.skip(dir, codec.OSError(dir, err, "cannot list the folder").Msg)
	}
	sort.Slice(entries, func(i, j int) bool { return NaturalLess(entries[i].Name(), entries[j].Name()) })
	for _, e := range entries {
		if c.ctx.Err() != nil {
			return
		}
		path := filepath.Join(dir, e.Name())
		childRel := filepath.Join(rel, e.Name())
		if IsTemp(e.Name()) {
			continue
		}
		st, err := os.Stat(path) // follows links
		if err != nil {
			if e.Type()&fs.ModeSymlink != 0 {
				c.skip(path, codec.OSError(path, err, "broken link").Msg)
			} else {
				c.skip(path, codec.OSError(path, err, "cannot read").Msg)
			}
			continue
		}
		if st.IsDir() {
			if c.exclude != nil && os.SameFile(st, c.exclude) {
				continue
			}
			if loops(st, ancestors) {
				c.skip(path, "link loops back to a folder above it: not followed")
				continue
			}
			c.walk(path, childRel, append(ancestors[:len(ancestors):len(ancestors)], st))
			continue
		}
		if !codec.HasImageExt(e.Name()) {
			c.skip(path, "not an image (by its extension)")
			continue
		}
		if err := codec.CheckRegular(path, st); err != nil {
			c.skip(path, err.Error())
			continue
		}
		c.add(path, childRel, st)
	}
}

func loops(st fs.FileInfo, ancestors []fs.FileInfo) bool {
	for _, a := range ancestors {
		if os.SameFile(st, a) {
			return true
		}
	}
	return false
}
