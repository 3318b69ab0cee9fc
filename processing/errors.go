package processing

import "github.com/picpool/picpool/codec"

// The per-file error vocabulary is codec's, where most failures start
// (unreadable, truncated, corrupt, too large); writing an output fails with
// the same kinds. They are named here too, so that the engine, the command
// line and the window, which deal in whole files, need only this package.
type (
	ErrorKind = codec.ErrorKind
	FileError = codec.FileError
)

const (
	ErrOther       = codec.ErrOther
	ErrNotFound    = codec.ErrNotFound
	ErrNotRegular  = codec.ErrNotRegular
	ErrPermission  = codec.ErrPermission
	ErrNotImage    = codec.ErrNotImage
	ErrTruncated   = codec.ErrTruncated
	ErrCorrupt     = codec.ErrCorrupt
	ErrTooLarge    = codec.ErrTooLarge
	ErrZeroSize    = codec.ErrZeroSize
	ErrExists      = codec.ErrExists
	ErrNameTooLong = codec.ErrNameTooLong
	ErrWrite       = codec.ErrWrite
	ErrCanceled    = codec.ErrCanceled
)

// KindOf returns the kind of a FileError anywhere in err's chain, ErrOther
// when there is none.
func KindOf(err error) ErrorKind { return codec.KindOf(err) }

var (
	fileErr = codec.Errorf
	osError = codec.OSError
)
