package journal

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The journal's files: a shard attempt's own, every attempt's read as one,
// removing them and the temporary files a killed run leaves.

// ShardPrefix starts the name of every journal of one shard of a planned
// batch ("shard-2-of-8"): each attempt at the shard writes its own,
// ShardPrefix(tag) + attempt + ".jsonl", so that two attempts running at
// once (engines may start a task again before the first is gone) never
// write into one file; a resumed attempt reads them all (LoadPrefix). In
// them, inputs are named by their path relative to the plan's root and
// outputs relative to the output folder: a task on another host, where the
// store is mounted elsewhere, reads them as well.
func ShardPrefix(tag string) string { return ".picpool-journal." + tag + "." }

// LoadPrefix reads every journal in dir whose name starts with prefix
// (every attempt of one shard), oldest first, as one: an output any of
// them finished is finished.
func LoadPrefix(dir, prefix string) (*Journal, error) {
	j := &Journal{entries: map[string]map[entryKey]Entry{}, dir: dir}
	names, err := Matching(dir, prefix)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if err := j.load(filepath.Join(dir, name)); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// Matching returns the journals in dir whose names start with prefix,
// oldest (by modification time) first.
func Matching(dir, prefix string) ([]string, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	type named struct {
		name string
		mod  time.Time
	}
	var found []named
	for _, de := range des {
		if n := de.Name(); de.Type().IsRegular() && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".jsonl") {
			if info, err := de.Info(); err == nil {
				found = append(found, named{n, info.ModTime()})
			}
		}
	}
	sort.Slice(found, func(a, b int) bool {
		if !found[a].mod.Equal(found[b].mod) {
			return found[a].mod.Before(found[b].mod)
		}
		return found[a].name < found[b].name
	})
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = f.name
	}
	return names, nil
}

// Remove deletes dir's journal, when there is one, for good (the folder's
// entry flushed): what a run that finished every input does, so that the
// folder holds only its outputs.
func Remove(dir string) error { return RemoveFile(dir, FileName) }

// RemoveFile is Remove for a journal of another name.
func RemoveFile(dir, name string) error {
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	syncDir(dir)
	return nil
}
