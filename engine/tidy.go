package engine

import (
	"errors"
	"path/filepath"

	"github.com/picpool/picpool/journal"
)

// tidyJournal removes the resume journal from the output folder after a run
// that finished every input (nothing failed, nothing left undone), unless
// keep is set, and returns the journal's path when it stays. A run that
// left inputs keeps it, so that -resume (or the window's offer) redoes only
// those. A journal that cannot be removed stays, with a warning.
//
// A shard's attempt that finished its share removes every journal of its
// shard (earlier attempts' too: their work is done or redone now), not the
// other shards'; the shards' reports stay for the merge.
func (r *Run) tidyJournal(outDir string, keep bool, sum Summary) string {
	name := journal.FileName
	if r.shard != nil {
		name = r.shard.JournalName()
	}
	path := filepath.Join(outDir, name)
	if keep || sum.Interrupted || sum.Failed > 0 || sum.Canceled > 0 {
		return path
	}
	if r.shard != nil {
		names, err := journal.Matching(outDir, journal.ShardPrefix(r.shard.Spec.Tag()))
		for _, n := range names {
			err = errors.Join(err, journal.RemoveFile(outDir, n))
		}
		if err != nil {
			r.warnIf(err)
			return path
		}
		return ""
	}
	if err := journal.Remove(outDir); err != nil {
		r.warnIf(err)
		return path
	}
	return ""
}

// loadPrior reads what earlier runs into outDir finished: its journal, or
// for a shard every attempt's journal of that shard.
func loadPrior(outDir string, s *ShardRun) (*journal.Journal, error) {
	if s != nil {
		return journal.LoadPrefix(outDir, journal.ShardPrefix(s.Spec.Tag()))
	}
	return journal.Load(outDir)
}
