//go:build unix

package codec

import (
	"io/fs"
	"os"
	"syscall"
)

// openNoBlock opens for reading with O_NONBLOCK, so that a file swapped for a
// named pipe after the check cannot block the caller on open.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// sameOpened checks that the file opened is the regular file st describes.
func sameOpened(st fs.FileInfo, f *os.File) error { return sameByStat(st, f) }
