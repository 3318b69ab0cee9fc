//go:build !cgo || picpool_purego || (picpool_wasmcodecs && !picpool_static_heif)

package codec

// HEIC in the builds without libheif (codecs_wazero.go says which those
// are): libheif and libde265 compiled to WebAssembly
// (github.com/gen2brain/heic). -tags picpool_static_heif with
// picpool_wasmcodecs keeps libheif itself instead (heif_cgo.go).

import (
	"bytes"
	"image"

	"github.com/gen2brain/heic"
)

// HEIFCodec names the HEIC decoder of this build.
var HEIFCodec = wasmOrShared(heic.Dynamic(), "libheif 1.18.2 with libde265 1.0.15 (WebAssembly: github.com/gen2brain/heic v0.4.5, wazero)", "libheif")

// nativeHEIF says that this build's HEIC decoder is not libheif through cgo.
const nativeHEIF = false

// heicScales says that this build's HEIC decoder decodes at full size only.
const heicScales = false

// heicDecode decodes the primary image of a HEIC file, 8 bits a sample,
// at full size, with its transformations applied by libheif (transformed
// is true).
func heicDecode(data []byte, h *heifHeader, _ int) (image.Image, bool, error) {
	defer collect()
	img, err := heic.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, true, err
	}
	return detach(img), true, nil
}
