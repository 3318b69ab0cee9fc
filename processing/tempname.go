package processing

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WriteAtomic's temporary files are named for their writer where the
// system tells who that is: ".picpool-MACHINE-PID-RANDOM.tmp", MACHINE a
// hash of this boot of this machine and of the process's PID namespace
// (so two containers, or two hosts of one name, are never taken for one),
// PID the writing process. A resumed batch may then remove, in a folder
// other processes write in, the temporary files of writers of this
// machine that are gone (TempWriterGone), whatever their age. Where the
// machine cannot be told, the names are ".picpool-RANDOM.tmp".

// machine is this boot's and PID namespace's identity ("" when unknown).
var machine = sync.OnceValue(func() string {
	id := machineIdentity()
	if id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:6])
})

// CreateTemp creates a temporary file in dir as WriteAtomic does, named
// for this process.
func CreateTemp(dir string) (*os.File, error) {
	pattern := ".picpool-*.tmp"
	if m := machine(); m != "" {
		pattern = ".picpool-" + m + "-" + strconv.Itoa(os.Getpid()) + "-*.tmp"
	}
	return os.CreateTemp(dir, pattern)
}

// TempWriterGone reports whether a temporary file of WriteAtomic's was
// written by a process of this machine (this boot, this PID namespace)
// that has ended: nothing will write it again. A process that still
// runs, an unknown writer or another machine's is not gone.
func TempWriterGone(name string) bool {
	m := machine()
	if m == "" || !IsTemp(name) {
		return false
	}
	rest := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(name), ".picpool-"), ".tmp")
	parts := strings.SplitN(rest, "-", 3)
	if len(parts) != 3 || parts[0] != m {
		return false
	}
	pid, err := strconv.Atoi(parts[1])
	return err == nil && pid > 0 && pid != os.Getpid() && processGone(pid)
}

// RemoveTemp removes WriteAtomic's temporary files in dir and below it and
// returns their paths: every one for a zero before (call it so only while
// nothing writes there: a batch's start, a supervisor whose children have
// stopped); otherwise, in a folder other processes may be writing in (the
// shards of one batch), those last modified before it and those whose
// writer has ended (TempWriterGone: a killed attempt's, however fresh). A
// live process's stay: a temporary file lives for the time it takes to
// write one output. It goes on past files it cannot remove and returns
// their errors together.
func RemoveTemp(dir string, before time.Time) ([]string, error) {
	var removed []string
	var errs []error
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			return nil
		}
		if !d.Type().IsRegular() || !IsTemp(d.Name()) {
			return nil
		}
		if info, err := d.Info(); !before.IsZero() && (err != nil || !info.ModTime().Before(before)) && !TempWriterGone(d.Name()) {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			return nil
		}
		removed = append(removed, path)
		return nil
	})
	return removed, errors.Join(append(errs, err)...)
}
