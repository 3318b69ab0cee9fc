//go:build !cgo

package processing

import "image"

// Builds without cgo run the portable kernels.

// Kernels names the implementation of the fast filters' inner loops.
var Kernels = "Go"

func horizontalRows(dst, src *image.NRGBA, t *taps, y0, y1 int) {
	horizontalRowsGo(dst, src, t, y0, y1)
}

func verticalRows(dst, src *image.NRGBA, t *taps, sharpen *image.NRGBA, y0, y1 int) {
	verticalRowsGo(dst, src, t, sharpen, y0, y1)
}
