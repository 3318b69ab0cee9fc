//go:build !cgo || picpool_purego

package codec

// The pure-Go JPEG path: image/jpeg decodes and encodes, at full size. It is
// what builds without cgo (CGO_ENABLED=0) or with -tags picpool_purego get,
// for platforms where libjpeg-turbo is not at hand when packaging.

import (
	"errors"
	"image"
	"io"
)

// JPEGCodec names the JPEG decoder and encoder this build uses.
const JPEGCodec = "image/jpeg (pure Go)"

// turboJPEG says whether this build has the fast codec.
const turboJPEG = false

var errNoTurbo = errors.New("built without libjpeg-turbo")

type jpegHeader struct {
	Width, Height int
	Gray, CMYK    bool
}

func turboHeader([]byte) (jpegHeader, error) { return jpegHeader{}, errNoTurbo }

func turboScaled(n, denom int) int { return (n + denom - 1) / denom }

func turboDecode([]byte, jpegHeader, int) (image.Image, error) { return nil, errNoTurbo }

func turboEncode(io.Writer, image.Image, int) (bool, error) { return false, nil }
