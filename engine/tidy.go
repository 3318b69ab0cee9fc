package engine

import (
	"path/filepath"

	"github.com/picpool/picpool/journal"
)

// tidyJournal removes the resume journal from the output folder after a run
// that finished every input (nothing failed, nothing left undone), unless
// keep is set, and returns the journal's path when it stays. A run that
// left inputs keeps it, so that -resume (or the window's offer) redoes only
// those. A journal that cannot be removed stays, with a warning.
func (r *Run) tidyJournal(outDir string, keep bool, sum Summary) string {
	path := filepath.Join(outDir, journal.FileName)
	if keep || sum.Interrupted || sum.Failed > 0 || sum.Canceled > 0 {
		return path
	}
	if err := journal.Remove(outDir); err != nil {
		r.warnIf(err)
		return path
	}
	return ""
}
