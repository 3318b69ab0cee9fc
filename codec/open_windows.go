package codec

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// Opening never blocks on Windows: named pipes live in their own namespace
// (\\.\pipe\), not in folders, so a path taken from a folder cannot become
// one between the check and the open.
func openNoBlock(path string) (*os.File, error) { return os.Open(path) }

// sameOpened checks that what was opened is a file on a disk, not a device
// (CON, NUL, COM1: names that open devices in any folder) or a pipe. The
// identity check of other systems (fstat, then the volume and file index of
// both) is left out here: Windows answers it with a query of the volume per
// file, which Wine sends to its mount manager, a process of its own, making
// it a millisecond or more per call (three per image read: 3% of the
// reference job's time), for a check that only matters where a swapped path
// can open a FIFO and block.
func sameOpened(_ fs.FileInfo, f *os.File) error {
	t, err := windows.GetFileType(windows.Handle(f.Fd()))
	if err != nil {
		return err
	}
	if t != windows.FILE_TYPE_DISK {
		return errors.New("not a file on a disk")
	}
	return nil
}
