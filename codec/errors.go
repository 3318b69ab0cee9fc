package codec

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// ErrorKind classifies a per-file failure.
type ErrorKind int

const (
	ErrOther       ErrorKind = iota
	ErrNotFound              // the file does not exist (or a link points nowhere)
	ErrNotRegular            // a directory, named pipe, device or socket
	ErrPermission            // the file or folder cannot be read or written
	ErrNotImage              // the content is not an image format PicPool reads
	ErrTruncated             // the file ends before the image does
	ErrCorrupt               // the image data is damaged
	ErrTooLarge              // the image exceeds the pixel limit
	ErrZeroSize              // the image declares a zero width or height
	ErrExists                // the output exists and the policy is to skip
	ErrNameTooLong           // the output name is too long for the file system
	ErrWrite                 // the output could not be written
	ErrCanceled              // the batch was cancelled
)

var kindNames = map[ErrorKind]string{
	ErrOther: "error", ErrNotFound: "not found", ErrNotRegular: "not a regular file", ErrPermission: "permission denied",
	ErrNotImage: "not an image", ErrTruncated: "truncated", ErrCorrupt: "corrupt", ErrTooLarge: "too large",
	ErrZeroSize: "empty image", ErrExists: "output exists", ErrNameTooLong: "name too long", ErrWrite: "write failed",
	ErrCanceled: "canceled",
}

// String is a short, stable name for reports.
func (k ErrorKind) String() string { return kindNames[k] }

// FileError is a failure tied to one file, with a message a person
// understands ("truncated JPEG", "12000x12000 exceeds the 179 MP limit").
type FileError struct {
	Path string
	Kind ErrorKind
	Msg  string
	Err  error // the underlying error, if any
}

func (e *FileError) Error() string { return e.Msg }
func (e *FileError) Unwrap() error { return e.Err }

// KindOf returns the kind of a FileError anywhere in err's chain, ErrOther
// when there is none.
func KindOf(err error) ErrorKind {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return ErrOther
}

// Errorf makes a FileError about path of the given kind; err is the cause
// (nil when there is none).
func Errorf(path string, kind ErrorKind, err error, format string, args ...any) *FileError {
	return fileErr(path, kind, err, format, args...)
}

// OSError turns an error from the file system into a FileError; doing says
// what was being done ("cannot read", "cannot write the output").
func OSError(path string, err error, doing string) *FileError { return osError(path, err, doing) }

func fileErr(path string, kind ErrorKind, err error, format string, args ...any) *FileError {
	return &FileError{Path: path, Kind: kind, Msg: fmt.Sprintf(format, args...), Err: err}
}

// osError turns an error from the file system into a FileError.
func osError(path string, err error, doing string) *FileError {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileErr(path, ErrNotFound, err, "%s: no such file (or a link to nothing)", doing)
	case errors.Is(err, fs.ErrPermission):
		return fileErr(path, ErrPermission, err, "%s: permission denied", doing)
	case errors.Is(err, syscall.ELOOP):
		return fileErr(path, ErrNotFound, err, "%s: symbolic link loop", doing)
	case errors.Is(err, syscall.ENAMETOOLONG):
		return fileErr(path, ErrNameTooLong, err, "%s: file name too long", doing)
	case errors.Is(err, syscall.ENOSPC):
		return fileErr(path, ErrWrite, err, "%s: no space left on the device", doing)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fileErr(path, ErrOther, err, "%s: %v", doing, pe.Err)
	}
	return fileErr(path, ErrOther, err, "%s: %v", doing, err)
}
