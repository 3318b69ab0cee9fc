//go:build !unix && !windows

package codec

import (
	"io/fs"
	"os"
)

func openNoBlock(path string) (*os.File, error) { return os.Open(path) }

// sameOpened checks that the file opened is the regular file st describes.
func sameOpened(st fs.FileInfo, f *os.File) error { return sameByStat(st, f) }
