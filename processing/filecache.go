package processing

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/picpool/picpool/codec"
)

// fileCache keeps the last few things made from files (a decoded logo, a
// parsed font), by path, size and modification time, so that the window,
// which compiles the chain at every edit, and a batch's per-step estimates
// do not read the same file again and again. What it holds is shared: it
// must not be modified.
type fileCache[T any] struct {
	mu      sync.Mutex
	entries []fileEntry[T]
}

type fileEntry[T any] struct {
	path string
	size int64
	mod  time.Time
	val  T
}

const fileCacheSize = 4

// get returns what load makes of the file at path, from the cache when
// the file has not changed. The file must be a regular one: a named pipe
// or a device is refused before it is opened.
func (c *fileCache[T]) get(path string, load func(path string, size int64) (T, error)) (T, error) {
	var zero T
	path = ExpandHome(path)
	st, err := os.Stat(path)
	if err == nil {
		err = codec.CheckRegular(path, st)
	} else {
		err = codec.OSError(path, err, "cannot read the file")
	}
	if err != nil {
		return zero, fmt.Errorf("%s: %v", path, err)
	}
	abs, _ := filepath.Abs(path)
	c.mu.Lock()
	for _, e := range c.entries {
		if e.path == abs && e.size == st.Size() && e.mod.Equal(st.ModTime()) {
			c.mu.Unlock()
			return e.val, nil
		}
	}
	c.mu.Unlock()
	val, err := load(path, st.Size())
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	c.entries = append([]fileEntry[T]{{abs, st.Size(), st.ModTime(), val}}, c.entries...)
	if len(c.entries) > fileCacheSize {
		c.entries = c.entries[:fileCacheSize]
	}
	c.mu.Unlock()
	return val, nil
}

// ExpandHome turns a leading "~/" into the user's home folder, as a shell
// would: a path typed into the window or a preset gets the same meaning as
// on the command line.
func ExpandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok || path == "~" {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}
