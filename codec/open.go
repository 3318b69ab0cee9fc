package codec

import (
	"errors"
	"io/fs"
	"os"
)

// openRegular opens path for reading only if it is a regular file (after
// following links). Named pipes, devices, sockets and directories are
// refused before open, so a FIFO can never block the caller.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, osError(path, err, "cannot read")
	}
	if err := CheckRegular(path, st); err != nil {
		return nil, nil, err
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, nil, osError(path, err, "cannot open")
	}
	if err := sameOpened(st, f); err != nil {
		f.Close()
		return nil, nil, fileErr(path, ErrOther, err, "the file changed while being opened")
	}
	return f, st, nil
}

// sameByStat is sameOpened where files are told apart by what fstat says:
// the file opened must be the one st describes.
func sameByStat(st fs.FileInfo, f *os.File) error {
	fst, err := f.Stat()
	if err != nil {
		return err
	}
	if !os.SameFile(st, fst) {
		return errors.New("another file was opened")
	}
	return nil
}

// CheckRegular refuses, with a FileError that says what it is, anything but a
// regular file: folders, named pipes, sockets, devices.
func CheckRegular(path string, st fs.FileInfo) error {
	m := st.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fileErr(path, ErrNotRegular, nil, "is a folder, not an image file")
	case m&fs.ModeNamedPipe != 0:
		return fileErr(path, ErrNotRegular, nil, "is a named pipe, not an image file")
	case m&fs.ModeSocket != 0:
		return fileErr(path, ErrNotRegular, nil, "is a socket, not an image file")
	case m&fs.ModeDevice != 0:
		return fileErr(path, ErrNotRegular, nil, "is a device, not an image file")
	}
	return fileErr(path, ErrNotRegular, nil, "is not a regular file")
}
